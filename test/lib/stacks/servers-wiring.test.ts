/**
 * The composed default app, read from its templates: who may invoke which server, who may act as
 * which agent, and who may write the kill switch. Role references are by name, so the templates
 * are compared by rendered ARN (pseudo parameters as `<AWS::X>`).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { agentRoleNames, serverFunctionRoleName } from '../../../constructs/agent-identity';
import { AGENT_STATUS_WRITE_ACTIONS } from '../../../constructs/mcp-server';
import { buildWardenStacks } from '../../../lib/stacks';
import { type CfnTemplate, TemplateReach } from './template-reach';
import { defaultManifest, newTestApp } from './warden-test-app';

const loaded = defaultManifest();
const { project, environment } = loaded.manifest;
const stacks = buildWardenStacks(newTestApp(), loaded);
const templates = Object.fromEntries(stacks.all.map((s) => [s.stackName, Template.fromStack(s).toJSON() as CfnTemplate]));
const reader = new TemplateReach(templates);
const servers = templates['shop-prod-servers']!;
const serversStack = stacks.servers[0]!;
const roleArn = (name: string) => `arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${name}`;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };

/** Every IAM policy resource of every template, with the roles it is attached to as names. */
const policies = Object.entries(templates).flatMap(([stackName, t]) =>
  Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy')
    .map(([id, r]) => ({
      stackName,
      id,
      roles: list(r.Properties!.Roles as unknown[]).map((x) => {
        const ref = (x as { Ref?: string }).Ref;
        return ref ? (t.Resources[ref]!.Properties!.RoleName as string) : reader.resolve(stackName, x);
      }),
      statements: (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement,
    })),
);

/** The API a rendered execute-api ARN points at (logical id in the servers stack) and its route. */
function invokeTargets(agent: string): string[] {
  const caller = agentRoleNames(project, environment, agent).caller;
  return policies
    .filter((p) => p.roles.includes(caller))
    .flatMap((p) => p.statements.filter((s) => list(s.Action).includes('execute-api:Invoke')).flatMap((s) => list(s.Resource).map((r) => reader.resolve(p.stackName, r))));
}

function expectedInvokeTargets(agent: string): string[] {
  const names = [...new Set(stacks.model.grantsOf(agent).map((g) => g.server))];
  return names.flatMap((name) => {
    const api = stacks.serverOf(name).api;
    return ['POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map(
      (method) => `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:ref:${serversStack.getLogicalId(api.node.defaultChild as never)}@shop-prod-servers/v1/${method}/mcp`,
    );
  });
}

describe('the servers wired to the agent identities', () => {
  it.each(loaded.manifest.agents.map((a) => a.name))("grants %s's caller role execute-api:Invoke on exactly /mcp of its servers (POST and the 405 of other methods)", (agent) => {
    expect(invokeTargets(agent).sort()).toEqual(expectedInvokeTargets(agent).sort());
  });

  it('gives the caller roles nothing but those invoke grants', () => {
    const callers = new Set(loaded.manifest.agents.map((a) => agentRoleNames(project, environment, a.name).caller));
    const actions = policies.filter((p) => p.roles.some((r) => callers.has(r))).flatMap((p) => p.statements.flatMap((s) => list(s.Action)));
    expect(new Set(actions)).toEqual(new Set(['execute-api:Invoke']));
  });

  it('references the identity stacks by role name only: no exports or imports between them and the servers', () => {
    const identities = Object.entries(templates).filter(([name]) => name.includes('identity'));
    expect(identities.map(([name, t]) => [name, JSON.stringify(t).includes('shop-prod-servers')])).toEqual(identities.map(([name]) => [name, false]));
    expect(JSON.stringify(servers).includes('shop-prod-identity')).toBe(false);
  });

  it.each(loaded.manifest.agents.map((a) => a.name))("trusts %s's data role to exactly the function roles of its servers", (agent) => {
    const identity = templates['shop-prod-identity']!;
    const [, role] = Object.entries(identity.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties!.RoleName === agentRoleNames(project, environment, agent).data)!;
    // one statement per server: its function role, with the session tag naming that server
    const trust = (role.Properties!.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    const trusted = trust.flatMap((st) => list(st.Condition!.ArnEquals!['aws:PrincipalArn']).map((x) => reader.resolve('shop-prod-identity', x)));
    expect(trust.map((st) => [reader.resolve('shop-prod-identity', st.Condition!.ArnEquals!['aws:PrincipalArn']), st.Condition!.StringEquals!['aws:RequestTag/warden:server']])).toEqual(
      trust.map((st) => {
        const server = st.Condition!.StringEquals!['aws:RequestTag/warden:server'] as string;
        return [roleArn(serverFunctionRoleName(project, environment, server)), server];
      }),
    );
    const functionRoles = Object.values(servers.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Role' && list(r.Properties!.Tags as { Key: string; Value: string }[]).some((t) => t.Key === 'warden:role' && t.Value === 'server'))
      .map((r) => r.Properties!.RoleName as string);
    const expected = [...new Set(stacks.model.grantsOf(agent).map((g) => g.server))].map((s) => serverFunctionRoleName(project, environment, s));
    expect(trusted.sort()).toEqual(expected.map(roleArn).sort());
    for (const name of expected) expect(functionRoles).toContain(name);
  });

  it.each(loaded.manifest.servers.map((s) => s.name))('lets the %s function role assume exactly the data roles of its agents', (server) => {
    const fnPolicy = policies.find((p) => p.roles.includes(serverFunctionRoleName(project, environment, server)))!;
    const assume = fnPolicy.statements.filter((s) => list(s.Action).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    const targets = list(assume[0]!.Resource).map((r) => reader.resolve('shop-prod-servers', r));
    expect(targets.sort()).toEqual(stacks.model.agentsOfServer(server).map((a) => roleArn(agentRoleNames(project, environment, a.name).data)).sort());
  });

  it('admits on each API exactly the caller roles of its agents', () => {
    for (const server of loaded.manifest.servers) {
      const api = servers.Resources[serversStack.getLogicalId(stacks.serverOf(server.name).api.node.defaultChild as never)]!;
      const allow = (api.Properties!.Policy as { Statement: Statement[] }).Statement.find((s) => s.Effect === 'Allow')!;
      const principals = list((allow.Principal as { AWS: unknown }).AWS).map((x) => reader.resolve('shop-prod-servers', x));
      expect(principals.sort()).toEqual(stacks.model.agentsOfServer(server.name).map((a) => roleArn(agentRoleNames(project, environment, a.name).caller)).sort());
    }
  });
});

describe('the agent-status table (kill switch)', () => {
  const [[tableId, table]] = Object.entries(servers.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table' && r.Properties!.TableName === 'shop-prod-agent-status') as unknown as [[string, { Properties: Record<string, any> }]];

  it('has a deterministic name, partition key "agent", a rotating customer-managed key and point-in-time recovery', () => {
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'agent', KeyType: 'HASH' }]);
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    const keyId = table.Properties.SSESpecification.KMSMasterKeyId['Fn::GetAtt'][0] as string;
    expect(servers.Resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
  });

  it('denies every write to the agent, data and server roles in its resource policy', () => {
    const [deny] = table.Properties.ResourcePolicy.PolicyDocument.Statement as Statement[];
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(list(deny!.Action).sort()).toEqual([...AGENT_STATUS_WRITE_ACTIONS].sort());
    const patterns = list(deny!.Condition!.ArnLike!['aws:PrincipalArn']).map((x) => reader.resolve('shop-prod-servers', x));
    expect(patterns.sort()).toEqual(['caller', 'data', 'server'].map((k) => roleArn(`shop-prod-*-${k}`)).sort());
  });

  it('is granted to no role but the server function roles, and to them only for reading', () => {
    const touching = policies.flatMap((p) =>
      p.statements.filter((s) => JSON.stringify(s.Resource ?? '').includes(`"${tableId}"`)).map((s) => ({ roles: p.roles, actions: list(s.Action) })),
    );
    expect(touching.map((t) => t.roles).flat().sort()).toEqual(loaded.manifest.servers.map((s) => serverFunctionRoleName(project, environment, s.name)).sort());
    for (const t of touching) expect(t.actions).toEqual(['dynamodb:GetItem']);
  });

  it('tells every server function where it is', () => {
    const functions = Object.values(servers.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && (r.Properties!.Environment as any)?.Variables?.WARDEN_SERVER);
    expect(functions).toHaveLength(loaded.manifest.servers.length);
    for (const fn of functions) expect((fn.Properties!.Environment as any).Variables.WARDEN_AGENT_STATUS_TABLE).toEqual({ Ref: tableId });
  });
});
