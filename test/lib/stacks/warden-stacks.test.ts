import { Template } from 'aws-cdk-lib/assertions';
import { buildWardenStacks, DEFAULT_AGENTS_PER_STACK, MAX_AGENTS_PER_STACK, shard, wardenStackName } from '../../../lib/stacks';
import { defaultManifest, newTestApp, testManifest } from './warden-test-app';

describe('buildWardenStacks', () => {
  const loaded = defaultManifest();
  const stacks = buildWardenStacks(newTestApp(), loaded);

  it('names stacks <project>-<environment>-<part> and deploys data, then identities, then servers; monitoring, then the agent alarms, incident response and backups', () => {
    expect(stacks.all.map((s) => s.stackName)).toEqual(['shop-prod-data', 'shop-prod-identity', 'shop-prod-servers', 'shop-prod-monitoring', 'shop-prod-agent-alarms', 'shop-prod-incident-response', 'shop-prod-backups']);
    // the backup function reads the others at run time: it waits only for the alert topic
    expect(stacks.backups.dependencies).toEqual([stacks.monitoring]);
    expect(stacks.agentAlarms[0]!.dependencies).toEqual([stacks.monitoring]);
    expect(stacks.monitoring.dependencies).toEqual([]);
    expect(stacks.incidentResponse.dependencies).toContain(stacks.monitoring);
    expect(stacks.identities[0]!.dependencies).toContain(stacks.data);
    expect(stacks.servers[0]!.dependencies).toEqual(expect.arrayContaining([...stacks.identities]));
    expect(stacks.incidentResponse.dependencies).toEqual(expect.arrayContaining([stacks.servers[0], ...stacks.identities]));
  });

  it('builds one McpServer per manifest server and finds each by name', () => {
    expect(stacks.servers.flatMap((s) => s.servers.map((m) => m.serverName))).toEqual(loaded.manifest.servers.map((s) => s.name));
    expect(stacks.serverOf('payments').agents).toEqual(['fraud-agent']);
    expect(() => stacks.serverOf('billing')).toThrow(/no server "billing"; servers are commerce, payments/);
  });

  it('deploys no server that no agent may call, and says so', () => {
    const manifest = testManifest();
    const onlyReader = buildWardenStacks(newTestApp(), { manifest: { ...manifest, agents: [manifest.agents[0]!] } });
    expect(onlyReader.servers.flatMap((s) => s.servers.map((m) => m.serverName))).toEqual(['commerce']);
    expect(onlyReader.uncalledServers).toEqual(['payments']);
  });

  it('shards servers in manifest order and shares the first shard\'s kill switch', () => {
    const manifest = testManifest();
    const sharded = buildWardenStacks(newTestApp(), { manifest }, { serversPerStack: 1 });
    expect(sharded.servers.map((s) => [s.stackName, s.servers.map((m) => m.serverName)])).toEqual([
      ['shop-prod-servers', ['commerce']],
      ['shop-prod-servers-2', ['payments']],
    ]);
    Template.fromStack(sharded.servers[0]!).hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'shop-prod-agent-status' });
    expect(JSON.stringify(Template.fromStack(sharded.servers[1]!).toJSON())).not.toContain('shop-prod-agent-status"');
    expect(sharded.servers[1]!.agentStatusTable).toBe(sharded.servers[0]!.agentStatusTable);
  });

  it('runs every server of a servers stack in that stack\'s one network: one VPC and one set of endpoints per stack', () => {
    const servers = stacks.servers[0]!;
    const template = Template.fromStack(servers);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    // STS, KMS, Logs, execute-api, DynamoDB, and SNS for the approvers' notices (the shop's tools need approval)
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 6);
    for (const mcp of servers.servers) expect(mcp.network).toBe(servers.network);
    const sharded = buildWardenStacks(newTestApp(), { manifest: testManifest() }, { serversPerStack: 1 });
    for (const stack of sharded.servers) Template.fromStack(stack).resourceCountIs('AWS::EC2::VPC', 1);
  });

  it('is environment-agnostic, so synth needs no credentials or lookups', () => {
    for (const stack of stacks.all) {
      expect(stack.environment).toBe('aws://unknown-account/unknown-region');
      expect(stack.node.tryGetContext('availability-zones:unknown-account:unknown-region')).toBeUndefined();
    }
  });

  it('tags every stack and its taggable resources with project, environment and managed-by', () => {
    for (const stack of stacks.all) {
      expect(stack.tags.tagValues()).toEqual(expect.objectContaining({ 'warden:project': 'shop', 'warden:environment': 'prod', 'warden:managed-by': 'mcp-warden' }));
      const template = Template.fromStack(stack);
      for (const type of ['AWS::IAM::Role', 'AWS::KMS::Key', 'AWS::DynamoDB::Table']) {
        for (const resource of Object.values(template.findResources(type))) {
          expect(resource.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'warden:managed-by', Value: 'mcp-warden' }, { Key: 'warden:project', Value: 'shop' }]));
        }
      }
    }
  });

  it('creates one table per dataset and one key per data class in the data stack', () => {
    const template = Template.fromStack(stacks.data);
    template.resourceCountIs('AWS::DynamoDB::Table', loaded.manifest.datasets.length);
    template.resourceCountIs('AWS::KMS::Key', loaded.manifest.dataClasses.length + 1); // + the backup vault key
  });

  it('finds each agent\'s identity wherever its shard is', () => {
    expect(stacks.identityOf('fraud-agent').dataRole.roleName).toBeDefined();
    expect(() => stacks.identityOf('nobody')).toThrow(/no identity for agent "nobody"/);
  });

  it('shards identities in manifest order: shop-prod-identity, then -2, -3', () => {
    const manifest = testManifest();
    const agents = Array.from({ length: 5 }, (_, i) => ({ ...manifest.agents[0]!, name: `agent-${i}` }));
    const sharded = buildWardenStacks(newTestApp(), { manifest: { ...manifest, agents } }, { agentsPerStack: 2 });
    expect(sharded.identities.map((s) => [s.stackName, s.identities.map((i) => i.agentName)])).toEqual([
      ['shop-prod-identity', ['agent-0', 'agent-1']],
      ['shop-prod-identity-2', ['agent-2', 'agent-3']],
      ['shop-prod-identity-3', ['agent-4']],
    ]);
    // each shard has its own boundary
    // a data policy per agent, the caller (deny-list) and data-role (allow-list) boundaries
    for (const s of sharded.identities) Template.fromStack(s).resourceCountIs('AWS::IAM::ManagedPolicy', s.identities.length + 2);
  });

  it('rejects shard sizes that would break the 500-resource limit', () => {
    expect(() => shard([1, 2, 3], MAX_AGENTS_PER_STACK + 1)).toThrow(/agentsPerStack must be a whole number from 1 to 120/);
    expect(() => shard([1], 0)).toThrow(/agentsPerStack/);
    expect(DEFAULT_AGENTS_PER_STACK).toBeLessThanOrEqual(MAX_AGENTS_PER_STACK);
  });

  it('names a stack for any later part the same way', () => {
    expect(wardenStackName('shop', 'prod', 'incident-response')).toBe('shop-prod-incident-response');
    expect(wardenStackName('shop', 'prod', 'identity', 3)).toBe('shop-prod-identity-4');
  });
});
