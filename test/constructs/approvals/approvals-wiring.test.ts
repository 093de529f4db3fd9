/**
 * The shop's held tools in the synthesized stacks: the SNS endpoint admits only the approvers'
 * notices, and the admin role's decider policy is exactly what `warden approve|deny` and
 * `approvals list` call (lib/cli/approvals.ts), nothing more.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { buildWardenStacks } from '../../../lib/stacks';
import { defaultManifest, newTestApp } from '../../lib/stacks/warden-test-app';

type Json = Record<string, any>;
const stacks = buildWardenStacks(newTestApp(), defaultManifest());
const servers = Template.fromStack(stacks.servers[0]!);
const backups = Template.fromStack(stacks.backups);
/** CloudFormation's `arn:${Partition}:<service>:${Region}:${AccountId}:<rest>`, as formatArn writes it. */
const arnOf = (service: string, rest: string, region = true) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...(region ? [`:${service}:`, { Ref: 'AWS::Region' }, ':'] : [`:${service}::`]), { Ref: 'AWS::AccountId' }, `:${rest}`]],
});

describe('the SNS interface endpoint of the servers with held tools', () => {
  const endpoints = Object.values(servers.findResources('AWS::EC2::VPCEndpoint')) as Json[];
  const sns = endpoints.filter((e) => JSON.stringify(e.Properties.ServiceName).includes('.sns'));

  it('exists once, and its policy admits only sns:Publish to the approvers\' topic by the two servers\' roles of this account', () => {
    expect(sns).toHaveLength(1);
    expect(sns[0]!.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'OnlyApprovalNoticesByServers',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sns:Publish',
        // the shop names no approvals.topicArn: the alert topic, by name
        Resource: arnOf('sns', 'shop-prod-warden-alerts'),
        Condition: {
          StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
          // commerce (update_price) and payments (flag_payment): the servers whose tools need approval
          ArnLike: { 'aws:PrincipalArn': [arnOf('iam', 'role/shop-prod-commerce-server', false), arnOf('iam', 'role/shop-prod-payments-server', false)] },
        },
      },
    ]);
  });
});

describe('the notifications of the servers with held tools', () => {
  const functions = Object.values(servers.findResources('AWS::Lambda::Function')) as Json[];
  const policies = Object.entries(servers.findResources('AWS::IAM::ManagedPolicy')) as Array<[string, Json]>;

  it.each(['commerce', 'payments'])('%s: publishes to the approvers\' topic only (its key only through SNS), and is told the table and topic', (server) => {
    const [, policy] = policies.find(([id]) => id.startsWith(`Server${server}`) && id.includes('FunctionPolicy'))!;
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    const publish = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('sns:')));
    expect(publish).toEqual([{ Sid: 'NotifyApprovers', Effect: 'Allow', Action: 'sns:Publish', Resource: arnOf('sns', 'shop-prod-warden-alerts') }]);
    expect(statements.find((st) => st.Sid === 'NotifyApproversEncrypted')).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
    const fn = functions.find((f) => f.Properties.FunctionName === `shop-prod-${server}-mcp` || JSON.stringify(f.Properties.Environment ?? {}).includes(`"WARDEN_SERVER":"${server}"`))!;
    expect(fn.Properties.Environment.Variables).toMatchObject({ WARDEN_APPROVALS_TABLE: 'shop-prod-approvals', WARDEN_APPROVALS_TOPIC: arnOf('sns', 'shop-prod-warden-alerts') });
  });
});

describe('the approvals table in the shop', () => {
  it('lets exactly the two holding servers\' roles write (commerce: update_price, payments: flag_payment)', () => {
    const table = Object.values(servers.findResources('AWS::DynamoDB::Table')).find((t: Json) => t.Properties.TableName === 'shop-prod-approvals') as Json;
    const only = (table.Properties.ResourcePolicy.PolicyDocument.Statement as Json[]).find((st) => st.Sid === 'OnlyServersAndTheDeciderWrite')!;
    expect(JSON.stringify(only.Condition.ArnNotLike['aws:PrincipalArn'])).toMatch(/role\/shop-prod-commerce-server.*role\/shop-prod-payments-server.*shop-prod-warden-admin/);
    expect(JSON.stringify(table)).not.toContain('-*-server');
  });
});

describe('the server roles\' boundary', () => {
  const boundaryPublish = (template: Template) => {
    const [, boundary] = (Object.entries(template.findResources('AWS::IAM::ManagedPolicy')) as Array<[string, Json]>).find(([id]) => id.startsWith('WardenServerRoleBoundary'))!;
    return (boundary.Properties.PolicyDocument.Statement as Json[]).filter((st) => [st.Action].flat().some((a: string) => a.startsWith('sns:')));
  };

  it('admits Publish to the approvers\' topic only, as the function policies do', () => {
    expect(boundaryPublish(servers)).toEqual([{ Sid: 'NotifyApprovers', Effect: 'Allow', Action: 'sns:Publish', Resource: arnOf('sns', 'shop-prod-warden-alerts') }]);
  });

  it('follows the manifest\'s approvals.topicArn', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:shop-approvers';
    const loaded = defaultManifest();
    const own = buildWardenStacks(newTestApp(), { ...loaded, manifest: { ...loaded.manifest, approvals: { ...loaded.manifest.approvals, topicArn } } });
    expect(boundaryPublish(Template.fromStack(own.servers[0]!))).toEqual([{ Sid: 'NotifyApprovers', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn }]);
  });
});

describe('the admin role\'s decider policy', () => {
  const policies = backups.findResources('AWS::IAM::ManagedPolicy');
  const decider = Object.entries(policies).find(([id]) => id.startsWith('ApprovalDecider'))![1] as Json;

  it('is attached to the MFA-gated admin role', () => {
    const roles = backups.findResources('AWS::IAM::Role');
    const [adminId] = Object.entries(roles).find(([, r]) => (r as Json).Properties.RoleName === 'shop-prod-warden-admin')!;
    expect(decider.Properties.Roles).toEqual([{ Ref: adminId }]);
  });

  it('grants exactly: read and list the approvals table, put decision items only, its key only through DynamoDB for that table, and PutLogEvents to the decisions stream', () => {
    const table = arnOf('dynamodb', 'table/shop-prod-approvals');
    expect(decider.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'ReadAndListApprovals', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Scan'], Resource: table },
      { Sid: 'WriteDecisionsOnly', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['decision#*'] } } },
      {
        Sid: 'ApprovalsKeyThroughDynamoDb',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: arnOf('kms', 'key/*'),
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }, 'kms:EncryptionContext:aws:dynamodb:tableName': 'shop-prod-approvals' } },
      },
      { Sid: 'AuditDecisions', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: arnOf('logs', 'log-group:shop-prod-servers-approval-decisions:log-stream:decisions') },
    ]);
  });

  it('names the log group and stream the servers stack creates', () => {
    servers.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'shop-prod-servers-approval-decisions' });
    servers.hasResourceProperties('AWS::Logs::LogStream', { LogStreamName: 'decisions' });
  });

  it('puts decisions where the incident evidence collector looks for audit events (the servers\' log group prefix)', () => {
    const functions = Object.values(Template.fromStack(stacks.incidentResponse).findResources('AWS::Lambda::Function')) as Json[];
    const prefixes = functions.map((f) => f.Properties.Environment?.Variables?.WARDEN_AUDIT_LOG_GROUP_PREFIX).filter((p): p is string => typeof p === 'string');
    expect(prefixes).toEqual(['shop-prod-servers']);
    expect('shop-prod-servers-approval-decisions'.startsWith(prefixes[0]!)).toBe(true);
  });
});
