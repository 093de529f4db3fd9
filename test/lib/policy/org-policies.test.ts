import { join } from 'node:path';
import { serverFunctionRoleName, wardenRoleNamePattern } from '../../../constructs/agent-identity';
import { serverFunctionName } from '../../../constructs/mcp-server/server-names';
import { registerOrgPolicies } from '../../../lib/cli/org-policies';
import { CDK_EXECUTION_ROLE_PATTERN, ORG_POLICY_MAX_CHARS, orgPolicies, orgPolicyStatements, type Statement } from '../../../lib/policy/org-policies';
import { runCli } from '../cli/run-cli';
import { defaultManifest, ROOT, testManifest } from '../stacks/warden-test-app';

const { manifest } = defaultManifest();
const bySid = (statements: readonly Statement[], sid: string) => statements.find((s) => s.Sid === sid)!;
const matches = (pattern: string, value: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

describe('org-policies: the SCP', () => {
  const { scp } = orgPolicyStatements(manifest, { accountId: '111122223333' });

  it("denies direct invokes of exactly the manifest's server functions, as McpServer names them, to everyone but the deployment", () => {
    const invoke = bySid(scp, 'NoDirectInvokeOfWardenServers');
    expect(invoke.Action).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl', 'lambda:InvokeAsync']);
    expect(invoke.Resource).toEqual(manifest.servers.map((s) => `arn:aws:lambda:*:*:function:${serverFunctionName(manifest.project, manifest.environment, s.name)}`));
    expect(invoke.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': [CDK_EXECUTION_ROLE_PATTERN] } });
    expect(matches(CDK_EXECUTION_ROLE_PATTERN, 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1')).toBe(true);
  });

  it('denies passing any warden role (agent, data and server roles), and changing warden functions', () => {
    const pass = bySid(scp, 'NoPassingWardenRoles');
    expect(pass.Action).toBe('iam:PassRole');
    for (const role of ['shop-prod-fraud-agent-caller', 'shop-prod-fraud-agent-data', serverFunctionRoleName('shop', 'prod', 'payments')]) expect(matches(String(pass.Resource), `arn:aws:iam::111122223333:role/${role}`)).toBe(true);
    expect(pass.Resource).toBe(`arn:aws:iam::*:role/${wardenRoleNamePattern('shop', 'prod')}`);
    expect(bySid(scp, 'NoChangesToWardenFunctions').Action).toEqual(expect.arrayContaining(['lambda:Update*', 'lambda:AddPermission', 'lambda:Delete*']));
  });

  it('denies adding, changing or removing warden:* tags, and trail, log and key tampering', () => {
    expect(bySid(scp, 'NoWardenTagChanges').Condition!['ForAnyValue:StringLike']).toEqual({ 'aws:TagKeys': ['warden:*'] });
    expect(bySid(scp, 'NoAuditTampering')).toMatchObject({ Action: expect.arrayContaining(['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail']), Resource: 'arn:aws:cloudtrail:*:*:trail/shop-prod-*' });
    expect(bySid(scp, 'NoKeyTampering')).toMatchObject({ Action: expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy']), Condition: { StringEquals: { 'aws:ResourceTag/warden:project': 'shop', 'aws:ResourceTag/warden:environment': 'prod' } } });
    expect(bySid(scp, 'NoLogTampering').Action).toEqual(expect.arrayContaining(['logs:DeleteLogGroup', 'logs:PutRetentionPolicy']));
    for (const statement of scp) expect(statement.Condition!.ArnNotLike).toEqual({ 'aws:PrincipalArn': [CDK_EXECUTION_ROLE_PATTERN] });
  });
});

describe('org-policies: the RCP', () => {
  it('lets warden roles be assumed only from this account and the accounts the manifest trusts, and data roles from this account only', () => {
    const { rcp } = orgPolicyStatements(testManifest(), { accountId: '111122223333' });
    const callers = bySid(rcp, 'WardenRolesOnlyFromTrustedAccounts');
    // testManifest's writer agent is assumed by a role of 111122223333; add a foreign one
    expect(callers.Condition!.StringNotEqualsIfExists).toEqual({ 'aws:PrincipalAccount': ['111122223333'] });
    const foreign = testManifest();
    const withForeign = { ...foreign, agents: [...foreign.agents, { ...foreign.agents[0]!, name: 'partner', assumedBy: { accountId: '444455556666' } }] };
    expect(bySid(orgPolicyStatements(withForeign as never, { accountId: '111122223333' }).rcp, 'WardenRolesOnlyFromTrustedAccounts').Condition!.StringNotEqualsIfExists).toEqual({ 'aws:PrincipalAccount': ['111122223333', '444455556666'] });
    expect(bySid(rcp, 'DataRolesOnlyFromThisAccount')).toMatchObject({ Resource: 'arn:aws:iam::*:role/shop-prod-*-data', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalAccount': ['111122223333'] } } });
    // AWS services acting for the account (CloudTrail, Backup, DynamoDB) are not outsiders
    for (const statement of rcp) expect(statement.Condition!.BoolIfExists).toEqual({ 'aws:PrincipalIsAWSService': 'false' });
  });
});

describe('org-policies: sizes', () => {
  it('fits the default manifest in one SCP and one RCP, each under 5,120 characters', () => {
    const policies = orgPolicies(manifest, { accountId: '111122223333' });
    expect(policies.map((p) => [p.name, p.kind])).toEqual([['shop-prod-warden-scp', 'SCP'], ['shop-prod-warden-rcp', 'RCP']]);
    for (const p of policies) {
      expect(p.chars).toBe(JSON.stringify(p.document).length);
      expect(p.chars).toBeLessThanOrEqual(ORG_POLICY_MAX_CHARS);
    }
  });

  it('splits the SCP into documents under the limit when many servers lengthen it, and refuses what cannot fit', () => {
    const base = testManifest();
    const servers = (n: number) => Array.from({ length: n }, (_, i) => ({ ...base.servers[0]!, name: `server-${String(i).padStart(3, '0')}-with-a-long-name` }));
    const split = orgPolicies({ ...base, servers: servers(60) });
    expect(split.filter((p) => p.kind === 'SCP').length).toBeGreaterThan(1);
    for (const p of split) expect(p.chars).toBeLessThanOrEqual(ORG_POLICY_MAX_CHARS);
    expect(() => orgPolicies({ ...base, servers: servers(200) })).toThrow(/NoDirectInvokeOfWardenServers alone is \d+ characters, over AWS Organizations' 5120/);
  });
});

describe('npx warden org-policies', () => {
  const run = (args: string[]) => runCli(registerOrgPolicies, 'org-policies', args);
  const file = join(ROOT, 'warden.config.yaml');

  it('prints the policies as JSON with --format json', async () => {
    const { stdout, exitCode } = await run([file, '--format', 'json', '--account', '111122223333']);
    expect(exitCode).toBeUndefined();
    const policies = JSON.parse(stdout) as Array<{ kind: string; document: { Statement: Statement[] } }>;
    expect(policies.map((p) => p.kind)).toEqual(['SCP', 'RCP']);
    expect(JSON.stringify(policies)).not.toContain('ACCOUNT_ID');
  });

  it('prints each policy with its size and how to create it, and says when the account is a placeholder', async () => {
    const { stdout, stderr } = await run([file]);
    expect(stdout).toMatch(/^# shop-prod-warden-scp \(SCP, \d+ of 5120 characters\)/);
    expect(stdout).toContain('--type RESOURCE_CONTROL_POLICY');
    expect(stderr).toMatch(/pass --account <id>/);
  });

  it('refuses an account id that is not 12 digits', async () => {
    const { stderr, exitCode } = await run([file, '--account', '1234']);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/--account must be a 12-digit AWS account id/);
  });
});
