import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DataClassKeys, KEY_ADMIN_ACTIONS } from '../../../constructs/data-plane';
import { newTestApp } from '../../lib/stacks/warden-test-app';

const CLASSES = ['public', 'internal', 'confidential', 'restricted'];

function keysTemplate(environment = 'prod') {
  const stack = new Stack(newTestApp(), 'Data');
  const keys = new DataClassKeys(stack, 'Keys', { project: 'shop', environment, dataClasses: CLASSES });
  return { keys, template: Template.fromStack(stack) };
}

type Statement = { Sid?: string; Action: string | string[]; Condition?: Record<string, Record<string, unknown>>; Principal?: unknown };

describe('DataClassKeys', () => {
  it('creates one rotating customer-managed key per data class, aliased alias/<project>-<env>-<class>', () => {
    const { template } = keysTemplate();
    template.resourceCountIs('AWS::KMS::Key', CLASSES.length);
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true, PendingWindowInDays: 30 });
    for (const dataClass of CLASSES) template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/shop-prod-${dataClass}` });
  });

  it('retains keys outside throw-away environments and destroys them in dev', () => {
    keysTemplate('prod').template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const dev = keysTemplate('dev').template;
    dev.allResources('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    dev.allResourcesProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
  });

  it('gives the account no kms:* and no cryptographic use outside DynamoDB', () => {
    const { template } = keysTemplate();
    for (const key of Object.values(template.findResources('AWS::KMS::Key'))) {
      const statements = (key.Properties.KeyPolicy.Statement as Statement[]);
      const actions = statements.flatMap((s) => [s.Action].flat());
      expect(actions).not.toContain('kms:*');
      for (const s of statements) {
        const crypto = [s.Action].flat().filter((a) => /^kms:(Decrypt|Encrypt|GenerateDataKey.*|ReEncrypt.*|CreateGrant)$/.test(a));
        if (crypto.length > 0) {
          expect(s.Condition?.StringEquals).toEqual(expect.objectContaining({ 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }, 'kms:CallerAccount': { Ref: 'AWS::AccountId' } }));
        }
      }
    }
  });

  it('lets the account administer each key, without CreateGrant, through the admin statement', () => {
    const { template } = keysTemplate();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AccountAdministersKeyWithoutUsingIt', Action: [...KEY_ADMIN_ACTIONS], Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } } }),
          Match.objectLike({ Sid: 'DynamoDbGrantsForItsOwnBackgroundWork', Action: 'kms:CreateGrant', Condition: Match.objectLike({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }) }),
        ]),
      },
    });
    expect(KEY_ADMIN_ACTIONS).not.toContain('kms:CreateGrant');
    expect(KEY_ADMIN_ACTIONS.filter((a) => /Decrypt|Encrypt|GenerateDataKey/.test(a))).toEqual([]);
  });

  it('tags each key with its data class and returns it by class', () => {
    const { keys, template } = keysTemplate();
    template.hasResourceProperties('AWS::KMS::Key', { Tags: Match.arrayWith([{ Key: 'warden:class', Value: 'restricted' }]) });
    expect(keys.key('restricted')).toBeDefined();
    expect(() => keys.key('secret')).toThrow(/no key for data class "secret"; declared classes are public, internal, confidential, restricted/);
  });

  it('rejects an empty or duplicated class list', () => {
    const stack = new Stack(newTestApp(), 'Data');
    expect(() => new DataClassKeys(stack, 'A', { project: 'shop', environment: 'prod', dataClasses: [] })).toThrow(/dataClasses is empty/);
    expect(() => new DataClassKeys(stack, 'B', { project: 'shop', environment: 'prod', dataClasses: ['public', 'public'] })).toThrow(/"public" is listed twice/);
  });
});
