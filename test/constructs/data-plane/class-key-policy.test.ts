import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CLASS_KEY_DATA_ACTIONS, DataClassKeys, KEY_ADMIN_ACTIONS } from '../../../constructs/data-plane';
import { buildWardenStacks } from '../../../lib/stacks';
import { newTestApp, testManifest } from '../../lib/stacks/warden-test-app';

type Statement = { Sid: string; Action: string | string[]; Condition?: Record<string, Record<string, unknown>>; Principal?: unknown };
const BACKUP_ROLE = 'arn:aws:iam::111122223333:role/shop-prod-dataset-backup';

function keyPolicies(props: Partial<ConstructorParameters<typeof DataClassKeys>[2]> = {}): Record<string, Statement[]> {
  const stack = new Stack(newTestApp(), 'Data', { env: { account: '111122223333', region: 'eu-west-1' } });
  const keys = new DataClassKeys(stack, 'Keys', { project: 'shop', environment: 'prod', dataClasses: ['public', 'internal', 'restricted'], backupRoleArn: BACKUP_ROLE, ...props });
  const template = Template.fromStack(stack);
  return Object.fromEntries(
    keys.dataClasses.map((c) => {
      const id = stack.getLogicalId(keys.key(c).node.defaultChild as never);
      return [c, template.toJSON().Resources[id].Properties.KeyPolicy.Statement as Statement[]];
    }),
  );
}
const sids = (statements: Statement[]) => statements.map((s) => s.Sid);
const crypto = (s: Statement) => [s.Action].flat().some((a) => /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/.test(a));

describe('class key policies', () => {
  it('admit cryptographic use of a classified key only by data roles tagged with its class, AWS Backup and nobody else', () => {
    const restricted = keyPolicies().restricted!;
    expect(sids(restricted.filter(crypto))).toEqual(['UseByDataRolesGrantedThisClass', 'UseByAwsBackup']);
    const dataRoles = restricted.find((s) => s.Sid === 'UseByDataRolesGrantedThisClass')!;
    expect(dataRoles.Action).toEqual([...CLASS_KEY_DATA_ACTIONS]);
    expect(dataRoles.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333' },
      ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/shop-prod-*-data' },
      StringLike: { 'aws:PrincipalTag/warden:classes': '*/restricted/*' },
    });
    const backup = restricted.find((s) => s.Sid === 'UseByAwsBackup')!;
    expect(backup.Condition!.ArnEquals).toEqual({ 'aws:PrincipalArn': BACKUP_ROLE });
    expect(backup.Condition!.StringEquals!['kms:ViaService']).toEqual(['dynamodb.eu-west-1.amazonaws.com', 'backup.eu-west-1.amazonaws.com']);
  });

  it('keep the account-wide delegation through DynamoDB only for the public class', () => {
    const policies = keyPolicies();
    expect(sids(policies.public!.filter(crypto))).toEqual(['UseOnlyThroughDynamoDbWithAnIdentityPolicy']);
    for (const c of ['internal', 'restricted']) expect(sids(policies[c]!)).not.toContain('UseOnlyThroughDynamoDbWithAnIdentityPolicy');
  });

  it('keep administration apart from use: the admin statement has no cryptographic action and no CreateGrant', () => {
    for (const statements of Object.values(keyPolicies())) {
      const admin = statements.find((s) => s.Sid === 'AccountAdministersKeyWithoutUsingIt')!;
      expect(admin.Action).toEqual([...KEY_ADMIN_ACTIONS]);
      expect(crypto(admin)).toBe(false);
      expect([admin.Action].flat()).not.toContain('kms:CreateGrant');
    }
  });

  it('limit administration to the manifest-named administrators and the CloudFormation execution role that deploys the key', () => {
    const restricted = keyPolicies({ administrators: ['arn:aws:iam::111122223333:role/KeyAdmins'] }).restricted!;
    const admin = restricted.find((s) => s.Sid === 'NamedAdministratorsAdministerKeyWithoutUsingIt')!;
    expect(admin.Condition).toEqual({
      ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/KeyAdmins', 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1'] },
    });
    expect(sids(restricted)).not.toContain('AccountAdministersKeyWithoutUsingIt');
  });

  it('admit a break-glass role by ARN, or principals by tag, through DynamoDB only', () => {
    const byArn = keyPolicies({ breakGlass: { roleArn: 'arn:aws:iam::111122223333:role/BreakGlass' } }).restricted!.find((s) => s.Sid === 'UseByBreakGlass')!;
    expect(byArn.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333' }, ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/BreakGlass' } });
    const byTag = keyPolicies({ breakGlass: { principalTag: { key: 'break-glass', value: 'dba' } } }).restricted!.find((s) => s.Sid === 'UseByBreakGlass')!;
    expect(byTag.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333', 'aws:PrincipalTag/break-glass': 'dba' } });
  });

  it('stay the same size for 4 agents or 1,000, far inside the 32 KB key policy limit', () => {
    const size = (agents: number): number => {
      const base = testManifest();
      const manifest = testManifest({
        agents: Array.from({ length: agents }, (_, i) => ({ ...base.agents[1]!, name: `agent-${String(i).padStart(4, '0')}`, assumedBy: { service: 'lambda.amazonaws.com' } })),
        dataKeys: { administrators: ['arn:aws:iam::111122223333:role/KeyAdmins'], breakGlass: { principalTag: { key: 'break-glass', value: 'dba' } } },
      });
      const app = newTestApp();
      const stacks = buildWardenStacks(app, { manifest });
      const template = Template.fromStack(stacks.data).toJSON() as { Resources: Record<string, { Type: string; Properties: { KeyPolicy?: unknown; Tags?: { Key: string; Value: string }[] } }> };
      const restricted = Object.values(template.Resources).find((r) => r.Type === 'AWS::KMS::Key' && r.Properties.Tags?.some((t) => t.Key === 'warden:class' && t.Value === 'restricted'))!;
      return JSON.stringify(restricted.Properties.KeyPolicy).length;
    };
    const [small, large] = [size(4), size(1000)];
    console.log(`restricted class key policy: ${small} characters for 4 agents, ${large} for 1,000 (KMS limit 32,768)`);
    expect(large).toBe(small);
    expect(large).toBeLessThan(32 * 1024);
  });
});
