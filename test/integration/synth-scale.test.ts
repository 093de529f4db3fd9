/**
 * 1,000 agents: identities are sharded so every stack stays under CloudFormation's 500
 * resources and 1 MB template (CloudFormation quotas), and servers admitting hundreds of agents
 * switch from listing role ARNs to a name pattern plus the server's role tag, so the API resource
 * policy stays under API Gateway's 8,192 bytes and the function policy under IAM's 6,144
 * characters. Validation is off here for speed; the default-app test covers compliance.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { API_RESOURCE_POLICY_MAX_BYTES, MANAGED_POLICY_MAX_CHARS } from '../../constructs/mcp-server';
import { buildWardenStacks } from '../../lib/stacks';
import { stackCounts } from '../../lib/stacks/synth-summary';
import { newTestApp, testManifest } from '../lib/stacks/warden-test-app';

const AGENTS = 1000;

/** A template value rendered with the longest values the pseudo parameters and ids can take. */
function render(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(render);
  if (value === null || typeof value !== 'object') return value;
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  if ('Ref' in v) return { 'AWS::Partition': 'aws-us-gov', 'AWS::AccountId': '123456789012', 'AWS::Region': 'ap-southeast-4' }[v.Ref as string] ?? 'vpce-0123456789abcdef0';
  if ('Fn::GetAtt' in v) return `arn:aws-us-gov:dynamodb:ap-southeast-4:123456789012:table/${'x'.repeat(64)}`;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, render(x)]));
}

describe(`synthesizing ${AGENTS} agents`, () => {
  const previous = process.env.CDK_VALIDATION;
  beforeAll(() => (process.env.CDK_VALIDATION = 'false'));
  afterAll(() => (previous === undefined ? delete process.env.CDK_VALIDATION : (process.env.CDK_VALIDATION = previous)));

  const base = testManifest();
  const tools = ['commerce/search_products', 'commerce/update_price', 'commerce/get_order', 'payments/get_payment'];
  const agents = Array.from({ length: AGENTS }, (_, i) => ({ ...base.agents[0]!, name: `agent-${String(i).padStart(4, '0')}`, tools: tools.slice(0, 1 + (i % tools.length)) }));
  const started = Date.now();
  const app = newTestApp();
  const stacks = buildWardenStacks(app, { manifest: { ...base, agents } });
  const counts = stackCounts(app.synth());
  const seconds = (Date.now() - started) / 1000;

  it('keeps every stack under 500 resources and 1 MB', () => {
    expect(stacks.identities.length).toBe(Math.ceil(AGENTS / 100));
    expect(stacks.identities.reduce((n, s) => n + s.identities.length, 0)).toBe(AGENTS);
    const serverRoles = counts.filter((c) => c.name.includes('servers')).reduce((n, c) => n + c.roles, 0);
    const incidentRoles = counts.filter((c) => c.name.includes('incident-response')).reduce((n, c) => n + c.roles, 0);
    const backupsRoles = counts.filter((c) => c.name.includes('backups')).reduce((n, c) => n + c.roles, 0);
    // + AWS Backup's role (data), + CloudTrail's delivery role and EventBridge's forwarding role (monitoring);
    // incident response and backups (function, scheduler, admin) do not grow with the agents
    expect(incidentRoles + backupsRoles).toBeLessThan(16);
    expect(counts.reduce((n, c) => n + c.roles, 0)).toBe(2 * AGENTS + 1 + serverRoles + 2 + incidentRoles + backupsRoles);
    for (const c of counts) {
      expect(c.resources).toBeLessThan(500);
      expect(c.templateBytes).toBeLessThan(1024 * 1024);
    }
    // every agent's eight alarms, in shards of 50
    expect(stacks.agentAlarms.length).toBe(AGENTS / 50);
    const alarmShards = counts.filter((c) => c.name.includes('agent-alarms'));
    expect(alarmShards.reduce((n, c) => n + c.resources, 0)).toBe(AGENTS * 8 + alarmShards.length); // + a dashboard each
    const monitoring = counts.find((c) => c.name === 'shop-prod-monitoring')!;
    const largestAlarms = alarmShards.reduce((a, b) => (b.templateBytes > a.templateBytes ? b : a));
    process.stdout.write(
      `scale: monitoring ${monitoring.resources} resources ${(monitoring.templateBytes / 1024).toFixed(0)} KB, ${alarmShards.length} agent-alarms stacks, ` +
        `largest ${largestAlarms.resources} resources ${(largestAlarms.templateBytes / 1024).toFixed(0)} KB\n`,
    );
    const largest = counts.reduce((a, b) => (b.templateBytes > a.templateBytes ? b : a));
    const servers = counts.find((c) => c.name === 'shop-prod-servers')!;
    process.stdout.write(
      `scale: ${AGENTS} agents, ${counts.length} stacks, largest ${largest.name} ${largest.resources} resources ${(largest.templateBytes / 1024).toFixed(0)} KB, ` +
        `servers ${servers.resources} resources ${(servers.templateBytes / 1024).toFixed(0)} KB, synth ${seconds.toFixed(1)} s\n`,
    );
  });

  it('keeps every data role\'s trust under 2,048 characters and its data policy under 6,144, with the per-server session-tag conditions', () => {
    let trustMax = 0;
    let policyMax = 0;
    for (const stack of stacks.identities) {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
      for (const r of Object.values(resources)) {
        if (r.Type === 'AWS::IAM::Role' && String(r.Properties.RoleName).endsWith('-data')) trustMax = Math.max(trustMax, JSON.stringify(render(r.Properties.AssumeRolePolicyDocument)).length);
        if (r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r.Properties.PolicyDocument).includes('aws:PrincipalTag/warden:server')) {
          policyMax = Math.max(policyMax, JSON.stringify(render(r.Properties.PolicyDocument)).length);
        }
      }
    }
    process.stdout.write(`scale: largest data-role trust ${trustMax} chars (limit 2048), largest data policy ${policyMax} chars (limit ${MANAGED_POLICY_MAX_CHARS})\n`);
    expect(trustMax).toBeGreaterThan(0);
    expect(trustMax).toBeLessThanOrEqual(2048);
    expect(policyMax).toBeGreaterThan(0);
    expect(policyMax).toBeLessThan(MANAGED_POLICY_MAX_CHARS);
  });

  it('admits the agents of both servers by name pattern and tag, within the API and IAM policy size limits', () => {
    const servers = stacks.servers[0]!;
    const template = Template.fromStack(servers);
    expect(stacks.serverOf('commerce').agents).toHaveLength(AGENTS);
    expect(stacks.serverOf('payments').agents).toHaveLength(AGENTS / 4);
    for (const mcp of servers.servers) {
      expect(mcp.callerAdmission).toBe('tag');
      const api = template.toJSON().Resources[servers.getLogicalId(mcp.api.node.defaultChild as never)];
      expect(JSON.stringify(render(api.Properties.Policy)).length).toBeLessThan(API_RESOURCE_POLICY_MAX_BYTES);
      const fnPolicy = template.toJSON().Resources[servers.getLogicalId(mcp.functionPolicy.node.defaultChild as never)];
      expect(JSON.stringify(render(fnPolicy.Properties.PolicyDocument)).length).toBeLessThan(MANAGED_POLICY_MAX_CHARS);
    }
  });

  it('matches only caller roles tagged for the server, and assumes only data roles tagged for it', () => {
    const servers = stacks.servers[0]!;
    const payments = stacks.serverOf('payments');
    const resources = Template.fromStack(servers).toJSON().Resources;
    const allow = (resources[servers.getLogicalId(payments.api.node.defaultChild as never)].Properties.Policy.Statement as any[]).find((s) => s.Effect === 'Allow');
    expect(allow.Condition.StringEquals['aws:PrincipalTag/warden:server-payments']).toBe('allowed');
    expect(render(allow.Condition.ArnLike['aws:PrincipalArn'])).toBe('arn:aws-us-gov:iam::123456789012:role/shop-prod-*-caller');
    const assume = (resources[servers.getLogicalId(payments.functionPolicy.node.defaultChild as never)].Properties.PolicyDocument.Statement as any[]).find((s) => s.Sid === 'ActAsItsAgents');
    expect(render(assume.Resource)).toBe('arn:aws-us-gov:iam::123456789012:role/shop-prod-*-data');
    expect(assume.Condition.StringEquals).toEqual({ 'aws:RequestTag/warden:server': 'payments', 'aws:ResourceTag/warden:server-payments': 'allowed' });
    // and only from the payments function itself (iam:PassRole of the role to another function opens nothing)
    expect((assume.Condition.ArnLike['lambda:SourceFunctionArn'] as unknown[]).map(render)).toEqual(['arn:aws-us-gov:lambda:ap-southeast-4:123456789012:function:shop-prod-payments-mcp', 'arn:aws-us-gov:lambda:ap-southeast-4:123456789012:function:shop-prod-payments-mcp:*']);
    // exactly the payments agents carry the tag the pattern relies on
    const tagged = stacks.identities.flatMap((s) =>
      Object.values(Template.fromStack(s).findResources('AWS::IAM::Role'))
        .filter((r) => (r.Properties.Tags as { Key: string; Value: string }[]).some((t) => t.Key === 'warden:server-payments' && t.Value === 'allowed'))
        .map((r) => r.Properties.RoleName as string),
    );
    const expected = stacks.model.agentsOfServer('payments').flatMap((a) => [`shop-prod-${a.name}-caller`, `shop-prod-${a.name}-data`]);
    expect(tagged.sort()).toEqual(expected.sort());
  });

  it('grants invoke with one managed policy per server, attached to every admitted caller role', () => {
    const template = Template.fromStack(stacks.servers[0]!);
    const invoke = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('execute-api:Invoke'));
    expect(invoke.map((p) => (p.Properties.Roles as string[]).length).sort((a, b) => a - b)).toEqual([AGENTS / 4, AGENTS]);
  });
});
