/**
 * Isolation proven by simulating IAM over the synthesized default app. Every request below is
 * evaluated with AWS's policy evaluation logic (test/support/iam) against the templates resolved
 * in one account (111122223333, eu-west-1): identity policies, permissions boundary, table
 * resource policies, KMS key policies, role trust policies and API resource policies together.
 * The expected matrix comes from the manifest's AccessModel, never from the templates.
 */
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { agentRoleNames } from '../../lib/config';
import type { AccessModel } from '../../lib/policy/access-model';
import { setsSourceKeys } from '../../constructs/agent-identity';
import { isRestrictedClass } from '../../constructs/data-plane';
import { buildWardenStacks, type WardenStacks } from '../../lib/stacks';
import { ADMINISTRATOR_ACCESS, type CfnTemplate, type SimRequest, SimulatedAccount } from '../support/iam';
import { defaultManifest, newTestApp } from '../lib/stacks/warden-test-app';

/** The DynamoDB actions a read tool needs, and what a write tool adds (AgentIdentity's contract). */
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
/** Actions no agent tool needs: never allowed to any warden role. */
const ADMIN_TABLE_ACTIONS = ['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:PartiQLSelect', 'dynamodb:ExportTableToPointInTime', 'dynamodb:RestoreTableToPointInTime'];
const TABLE_ACTIONS = [...READ_ACTIONS, ...WRITE_ACTIONS, ...ADMIN_TABLE_ACTIONS];
const INDEX_ACTIONS = ['dynamodb:Query', 'dynamodb:Scan'];
const KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];
const STS_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'];
const STATUS_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate'];
/**
 * Routes probed on every API: only /mcp of stage v1 is callable, with any method (POST reaches
 * the function; the others get the JSON-RPC 405 of the MOCK integration, so an admitted agent
 * sees that answer rather than an access denial).
 */
const ROUTES = ['v1/POST/mcp', 'v1/GET/mcp', 'v1/DELETE/mcp', 'v1/POST/admin', 'v1/POST/', 'test/POST/mcp'];
const MCP_ROUTE = 'v1/POST/mcp';
const MCP_PATH_ROUTES = ROUTES.filter((r) => r.startsWith('v1/') && r.endsWith('/mcp'));

const short = (action: string): string => action.split(':')[1]!;

interface Fixture {
  templates: Record<string, CfnTemplate>;
  stacks: WardenStacks;
  model: AccessModel;
  account: SimulatedAccount;
  /** dataset name → table ARN, found by the table's warden:dataset tag. */
  tables: Map<string, string>;
  /** data class → key ARN, found by the key's warden:class tag. */
  keys: Map<string, string>;
  /** table name of each dataset (the encryption context DynamoDB sends to KMS). */
  tableNames: Map<string, string>;
  /** server → { api ARN, its execute-api endpoint id, function role name, rate-limit table ARN } */
  servers: Map<string, { api: string; endpoint: string; functionRole: string; rateLimitTable: string }>;
  agentStatusTable: string;
  region: string;
}

let fx: Fixture;

beforeAll(() => {
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const app = newTestApp();
    const stacks = buildWardenStacks(app, defaultManifest());
    const assembly = app.synth();
    const templates: Record<string, CfnTemplate> = Object.fromEntries(stacks.all.map((s) => [s.stackName, assembly.getStackByName(s.stackName).template as CfnTemplate]));
    const account = new SimulatedAccount(templates);
    const tagged = (type: string, tag: string): Map<string, string> =>
      new Map(account.resourcesOfType(type).flatMap((r) => (r.tags[tag] ? [[r.tags[tag], r.arn] as const] : [])));
    const arnOf = (construct: { node: { defaultChild?: unknown } }, attribute = 'Arn'): string => {
      const stack = Stack.of(construct as never);
      return account.resolver.getAtt(stack.stackName, stack.getLogicalId(construct.node.defaultChild as CfnElement), attribute);
    };
    const servers = new Map(
      stacks.servers.flatMap((s) => s.servers).map((mcp) => {
        const api = account.resourcesOfType('AWS::ApiGateway::RestApi').find((r) => r.tags['warden:server'] === mcp.serverName)!;
        const apiProps = account.resolver.properties(api.stack, api.logicalId) as { EndpointConfiguration: { VpcEndpointIds: string[] } };
        const functionRole = [...account.roles.values()].find((r) => r.tags['warden:role'] === 'server' && r.tags['warden:server'] === mcp.serverName)!;
        return [mcp.serverName, { api: api.arn, endpoint: apiProps.EndpointConfiguration.VpcEndpointIds[0]!, functionRole: functionRole.name, rateLimitTable: arnOf(mcp.rateLimitTable) }] as const;
      }),
    );
    const tables = tagged('AWS::DynamoDB::Table', 'warden:dataset');
    fx = {
      templates,
      stacks,
      model: stacks.model,
      account,
      tables,
      keys: tagged('AWS::KMS::Key', 'warden:class'),
      tableNames: new Map([...tables].map(([d, arn]) => [d, arn.split('table/')[1]!])),
      servers,
      agentStatusTable: arnOf(stacks.servers[0]!.agentStatusTable as never),
      region: account.env.region,
    };
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
});

const roles = (agent: string) => agentRoleNames(fx.model.manifest.project, fx.model.manifest.environment, agent);
const agents = (): string[] => fx.model.manifest.agents.map((a) => a.name);
const allows = (request: SimRequest): boolean => fx.account.allows(request);
const viaDynamoDb = (dataset: string) => ({ 'kms:ViaService': `dynamodb.${fx.region}.amazonaws.com`, 'kms:EncryptionContext:aws:dynamodb:tableName': fx.tableNames.get(dataset)! });
const allowedOf = <T>(items: readonly T[], test: (item: T) => boolean): T[] => items.filter(test);
/** The session tags the runtime sends (DataRoleCredentials): agent, the assuming server, access. */
const sessionTags = (agent: string, server: string, access = 'write'): Record<string, string> => ({ 'warden:agent': agent, 'warden:server': server, 'warden:access': access });
/** The servers an agent has tools on (the only ones whose sessions its data role grants anything). */
const serversOf = (agent: string): string[] => [...new Set(fx.model.grantsOf(agent).map((g) => g.server))].sort();
/** Whether `server`'s function role may open a session of `agent`'s data role with these tags. */
/** The context Lambda adds to every call made from `server`'s own function (lambda:SourceFunctionArn). */
const fromFunction = (server: string, functionName = `${fx.model.manifest.project}-${fx.model.manifest.environment}-${server}-mcp`): Record<string, string> => ({
  'lambda:SourceFunctionArn': `arn:${fx.account.env.partition}:lambda:${fx.region}:${fx.account.env.account}:function:${functionName}`,
});
const assumes = (server: string, agent: string, tags: Record<string, string> = sessionTags(agent, server)): boolean =>
  STS_ACTIONS.every((action) => allows({ principal: fx.servers.get(server)!.functionRole, action, resource: fx.account.role(roles(agent).data).arn, requestTags: tags, context: fromFunction(server) }));
/** A request made by `agent`'s data role in a session `server` opened. */
const asSession = (agent: string, server: string) => ({ principal: roles(agent).data, sessionTags: sessionTags(agent, server) });
/** Allowed in a session opened by any server of the agent (what IAM lets the agent's data reach at all). */
const anySession = (agent: string, request: Omit<SimRequest, 'principal'>): boolean => serversOf(agent).some((s) => allows({ ...request, ...asSession(agent, s) }));

/** What the manifest grants, in the shape the simulation reports. */
function expectedMatrix(agent: string) {
  const model = fx.model;
  const grants = model.datasetGrantsOf(agent);
  const grantOf = (dataset: string) => grants.find((g) => g.dataset.name === dataset);
  const servers = [...fx.servers.keys()];
  return {
    invoke: Object.fromEntries(servers.map((s) => [s, model.agentsOfServer(s).some((a) => a.name === agent) ? MCP_PATH_ROUTES : []])),
    tables: Object.fromEntries(
      [...fx.tables.keys()].map((d) => {
        const g = grantOf(d);
        return [d, g ? (g.access === 'write' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS).map(short).sort() : []];
      }),
    ),
    // warden tables declare no secondary indexes, so no data role is granted any index ARN
    indexes: Object.fromEntries([...fx.tables.keys()].map((d) => [d, grantOf(d) && (model.dataset(d).indexes?.length ?? 0) > 0 ? INDEX_ACTIONS.map(short).sort() : []])),
    // key of class c, used by DynamoDB for table d: only the agent's own tables of that class;
    // reading needs Decrypt, writing also GenerateDataKey.
    keys: Object.fromEntries(
      [...fx.keys.keys()].map((c) => [
        c,
        Object.fromEntries(
          [...fx.tables.keys()].map((d) => {
            const g = grantOf(d);
            const own = g !== undefined && g.dataset.class === c;
            return [d, own ? (g.access === 'write' ? KEY_ACTIONS : ['kms:Decrypt']).map(short).sort() : []];
          }),
        ),
      ]),
    ),
    assumableBy: servers.filter((s) => model.agentsOfServer(s).some((a) => a.name === agent)).sort(),
    untagged: [],
  };
}

/** The same matrix, read off the simulation. */
function simulatedMatrix(agent: string) {
  const { caller, data } = roles(agent);
  const dataArn = fx.account.role(data).arn;
  return {
    invoke: Object.fromEntries(
      [...fx.servers].map(([s, srv]) => [s, allowedOf(ROUTES, (route) => allows({ principal: caller, action: 'execute-api:Invoke', resource: `${srv.api}/${route}`, context: { 'aws:SourceVpce': srv.endpoint } }))]),
    ),
    // the union over the sessions its servers open (each server's share is checked below)
    tables: Object.fromEntries([...fx.tables].map(([d, arn]) => [d, allowedOf(TABLE_ACTIONS, (action) => anySession(agent, { action, resource: arn })).map(short).sort()])),
    indexes: Object.fromEntries(
      [...fx.tables].map(([d, arn]) => [d, allowedOf(INDEX_ACTIONS, (action) => anySession(agent, { action, resource: `${arn}/index/by-anything` })).map(short).sort()]),
    ),
    keys: Object.fromEntries(
      [...fx.keys].map(([c, key]) => [
        c,
        Object.fromEntries([...fx.tables.keys()].map((d) => [d, allowedOf(KEY_ACTIONS, (action) => anySession(agent, { action, resource: key, context: viaDynamoDb(d) })).map(short).sort()])),
      ]),
    ),
    assumableBy: [...fx.servers.keys()].filter((s) => assumes(s, agent)).sort(),
    // without the tags the runtime sends, no server may assume it
    untagged: [...fx.servers].filter(([name, srv]) => STS_ACTIONS.some((action) => allows({ principal: srv.functionRole, action, resource: dataArn, context: fromFunction(name) }))).map(([s]) => s),
  };
}

describe('IAM simulation of the default app', () => {
  it('finds every agent of the manifest, every dataset table, every class key and every server in the templates', () => {
    expect(agents().length).toBeGreaterThan(0);
    for (const agent of agents()) {
      const { caller, data } = roles(agent);
      expect([fx.account.role(caller).tags['warden:role'], fx.account.role(data).tags['warden:role']]).toEqual(['caller', 'data']);
    }
    expect([...fx.tables.keys()].sort()).toEqual(fx.model.manifest.datasets.map((d) => d.name).sort());
    expect([...fx.keys.keys()].sort()).toEqual([...fx.model.manifest.dataClasses].sort());
    expect([...fx.servers.keys()].sort()).toEqual(fx.model.manifest.servers.map((s) => s.name).filter((s) => !fx.stacks.uncalledServers.includes(s)).sort());
  });

  it('matches the access model exactly for every agent: API routes, tables, indexes, keys and data-role trust', () => {
    const simulated = Object.fromEntries(agents().map((a) => [a, simulatedMatrix(a)]));
    const expected = Object.fromEntries(agents().map((a) => [a, expectedMatrix(a)]));
    console.log(summaryTable(simulated));
    expect(simulated).toEqual(expected);
  });
});

describe('caller roles', () => {
  it('reach their servers only through the execute-api endpoint', () => {
    for (const [server, srv] of fx.servers) {
      for (const agent of fx.model.agentsOfServer(server)) {
        const request = { principal: roles(agent.name).caller, action: 'execute-api:Invoke', resource: `${srv.api}/${MCP_ROUTE}` };
        expect({ agent: agent.name, server, decision: fx.account.simulate(request).decision }).toEqual({ agent: agent.name, server, decision: 'explicit-deny' });
        const elsewhere = fx.account.simulate({ ...request, context: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }).decision;
        expect({ agent: agent.name, server, elsewhere }).toEqual({ agent: agent.name, server, elsewhere: 'explicit-deny' });
      }
    }
  });

  it('are admitted by the identity policy and by the API resource policy, each on its own', () => {
    for (const agent of agents()) {
      for (const [server, srv] of fx.servers) {
        const granted = fx.model.agentsOfServer(server).some((a) => a.name === agent);
        const request = { principal: roles(agent).caller, action: 'execute-api:Invoke', resource: `${srv.api}/${MCP_ROUTE}`, context: { 'aws:SourceVpce': srv.endpoint } };
        const layers = { identity: allows({ ...request, only: 'identity' }), resource: allows({ ...request, only: 'resource' }) };
        expect({ agent, server, ...layers }).toEqual({ agent, server, identity: granted, resource: granted });
      }
    }
  });

  it('have no DynamoDB, KMS or STS access at all', () => {
    const targets = [
      ...[...fx.tables.values()].flatMap((arn) => TABLE_ACTIONS.map((action) => ({ action, resource: arn }))),
      ...[...fx.servers.values()].flatMap((s) => TABLE_ACTIONS.map((action) => ({ action, resource: s.rateLimitTable }))),
      ...READ_ACTIONS.map((action) => ({ action, resource: fx.agentStatusTable })),
      ...[...fx.keys.values()].flatMap((key) => [...KEY_ACTIONS, 'kms:Encrypt', 'kms:DescribeKey'].map((action) => ({ action, resource: key }))),
      ...agents().flatMap((a) => STS_ACTIONS.map((action) => ({ action, resource: fx.account.role(roles(a).data).arn }))),
    ];
    for (const agent of agents()) {
      const allowed = targets.filter((t) => allows({ principal: roles(agent).caller, ...t, context: t.action.startsWith('kms:') ? viaDynamoDb([...fx.tables.keys()][0]!) : {} }));
      expect({ agent, allowed }).toEqual({ agent, allowed: [] });
    }
  });

  it('are assumable only by the principal the manifest names, and only on behalf of this account', () => {
    const { partition, account } = fx.account.env;
    for (const agent of fx.model.manifest.agents) {
      const caller = fx.account.role(roles(agent.name).caller);
      if (!('service' in agent.assumedBy)) continue;
      const service = agent.assumedBy.service as string;
      const name = service.split('.')[0]!;
      // what the service sends when it assumes the role for one of this account's resources
      const source = (acct: string) => ({ 'aws:SourceAccount': acct, 'aws:SourceArn': `arn:${partition}:${name === 'ecs-tasks' ? 'ecs' : name}:${fx.region}:${acct}:resource/x` });
      const assume = (principal: string, context: Record<string, string>) => allows({ principal: { service: principal }, action: 'sts:AssumeRole', resource: caller.arn, context });
      expect({ agent: agent.name, own: assume(service, source(account)) }).toEqual({ agent: agent.name, own: true });
      expect({ agent: agent.name, confusedDeputy: assume(service, source('999988887777')) }).toEqual({ agent: agent.name, confusedDeputy: false });
      expect(assume('ec2.amazonaws.com', source(account))).toBe(false);
    }
  });

  it('require aws:SourceAccount and aws:SourceArn outright from ECS tasks and Bedrock, whose role assumption carries them', () => {
    for (const agent of fx.model.manifest.agents.filter((a) => 'service' in a.assumedBy && setsSourceKeys(a.assumedBy.service))) {
      const caller = fx.account.role(roles(agent.name).caller);
      const service = (agent.assumedBy as { service: string }).service;
      expect({ agent: agent.name, without: allows({ principal: { service }, action: 'sts:AssumeRole', resource: caller.arn }) }).toEqual({ agent: agent.name, without: false });
    }
  });

});

describe('data roles: cross-agent probes', () => {
  // in a session opened by any of the agent's servers
  const dataCan = (agent: string, action: string, dataset: string): boolean => anySession(agent, { action, resource: fx.tables.get(dataset)! });
  const decrypts = (agent: string, dataClass: string, dataset: string): boolean => anySession(agent, { action: 'kms:Decrypt', resource: fx.keys.get(dataClass)!, context: viaDynamoDb(dataset) });
  /** The session of a server whose tools use this dataset for the agent. */
  const sessionFor = (agent: string, dataset: string) => asSession(agent, fx.model.grantsOf(agent).find((g) => g.dataset === dataset)!.server);

  it('denies the inventory agent every payments and customers action', () => {
    for (const dataset of ['payments', 'customers']) for (const action of TABLE_ACTIONS) expect({ dataset, action, allowed: dataCan('inventory-agent', action, dataset) }).toEqual({ dataset, action, allowed: false });
    expect(decrypts('inventory-agent', 'restricted', 'payments')).toBe(false);
    expect(decrypts('inventory-agent', 'confidential', 'customers')).toBe(false);
  });

  it('denies the support agent any write to orders while it reads them', () => {
    expect(dataCan('support-agent', 'dynamodb:GetItem', 'orders')).toBe(true);
    for (const action of WRITE_ACTIONS) expect({ action, allowed: dataCan('support-agent', action, 'orders') }).toEqual({ action, allowed: false });
  });

  it('denies the fraud agent decrypting the customers table with the confidential key it shares with orders', () => {
    expect(decrypts('fraud-agent', 'confidential', 'orders')).toBe(true);
    expect(decrypts('fraud-agent', 'confidential', 'customers')).toBe(false);
  });

  it('never decrypts outside DynamoDB, nor without the table encryption context', () => {
    for (const agent of agents()) {
      for (const grant of fx.model.datasetGrantsOf(agent)) {
        const key = fx.keys.get(grant.dataset.class)!;
        const base = { ...sessionFor(agent, grant.dataset.name), action: 'kms:Decrypt', resource: key };
        expect(allows({ ...base, context: viaDynamoDb(grant.dataset.name) })).toBe(true);
        expect({ agent, direct: allows({ ...base, context: { 'kms:EncryptionContext:aws:dynamodb:tableName': fx.tableNames.get(grant.dataset.name)! } }) }).toEqual({ agent, direct: false });
        expect({ agent, noContext: allows({ ...base, context: { 'kms:ViaService': `dynamodb.${fx.region}.amazonaws.com` } }) }).toEqual({ agent, noContext: false });
        expect({ agent, s3: allows({ ...base, context: { ...viaDynamoDb(grant.dataset.name), 'kms:ViaService': `s3.${fx.region}.amazonaws.com` } }) }).toEqual({ agent, s3: false });
      }
    }
  });

  it('holds the key policy side too: a data role may use a class key only because the key policy delegates DynamoDB use to IAM', () => {
    const [agent] = agents();
    const grant = fx.model.datasetGrantsOf(agent!)[0]!;
    const key = fx.account.resourceAt(fx.keys.get(grant.dataset.class)!)!;
    const request = { ...sessionFor(agent!, grant.dataset.name), action: 'kms:Decrypt', resource: key.arn, context: viaDynamoDb(grant.dataset.name) };
    expect(fx.account.simulate(request).reason).toMatch(/delegated by .*key-policy/);
    expect(allows({ ...request, only: 'identity' })).toBe(false);
    expect(allows({ ...request, only: 'resource' })).toBe(false);
  });

  it('cannot be assumed by caller roles, other data roles, or any role but its servers, even with AdministratorAccess', () => {
    const serverRoles = new Set([...fx.servers.values()].map((s) => s.functionRole));
    const others = [...fx.account.roles.values()].filter((r) => !serverRoles.has(r.name) && r.unknownManagedPolicies.length === 0);
    for (const agent of agents()) {
      const target = fx.account.role(roles(agent).data).arn;
      // with the tags any server would send, or none
      const tagSets = [undefined, ...[...fx.servers.keys()].map((s) => sessionTags(agent, s))];
      const admitted = others
        .filter((r) => tagSets.some((requestTags) => allows({ principal: r.name, action: 'sts:AssumeRole', resource: target, requestTags, extraIdentityPolicies: [ADMINISTRATOR_ACCESS] })))
        .map((r) => r.name);
      expect({ agent, admitted }).toEqual({ agent, admitted: [] });
    }
  });
});

describe('server function roles', () => {
  it('assume exactly the data roles of the agents with tools on their server', () => {
    for (const [server, srv] of fx.servers) {
      const assumable = agents().filter((a) => assumes(server, a));
      expect({ server, assumable }).toEqual({ server, assumable: fx.model.agentsOfServer(server).map((a) => a.name) });
      void srv;
      const callers = agents().filter((a) => allows({ principal: srv.functionRole, action: 'sts:AssumeRole', resource: fx.account.role(roles(a).caller).arn }));
      expect({ server, callers }).toEqual({ server, callers: [] });
    }
  });

  it('have no direct access to any dataset table or class key', () => {
    for (const [server, srv] of fx.servers) {
      const tableAccess = [...fx.tables].flatMap(([d, arn]) => TABLE_ACTIONS.filter((action) => allows({ principal: srv.functionRole, action, resource: arn })).map((a) => `${d}:${a}`));
      const keyAccess = [...fx.keys].flatMap(([c, key]) => [...fx.tables.keys()].flatMap((d) => KEY_ACTIONS.filter((action) => allows({ principal: srv.functionRole, action, resource: key, context: viaDynamoDb(d) })).map((a) => `${c}/${d}:${a}`)));
      expect({ server, tableAccess, keyAccess }).toEqual({ server, tableAccess: [], keyAccess: [] });
    }
  });

  it('read the kill-switch table and update only their own rate-limit table', () => {
    for (const [server, srv] of fx.servers) {
      const status = TABLE_ACTIONS.filter((action) => allows({ principal: srv.functionRole, action, resource: fx.agentStatusTable }));
      expect({ server, status }).toEqual({ server, status: ['dynamodb:GetItem'] });
      for (const [other, o] of fx.servers) {
        const rate = TABLE_ACTIONS.filter((action) => allows({ principal: srv.functionRole, action, resource: o.rateLimitTable }));
        expect({ server, other, rate }).toEqual({ server, other, rate: other === server ? ['dynamodb:UpdateItem'] : [] });
      }
    }
  });
});

describe('a server role passed to a function of someone else (iam:PassRole)', () => {
  it("opens an agent's data-role session only from the server's own function, never from another function or outside Lambda", () => {
    for (const agent of agents()) {
      for (const server of serversOf(agent)) {
        const request = { principal: fx.servers.get(server)!.functionRole, action: 'sts:AssumeRole', resource: fx.account.role(roles(agent).data).arn, requestTags: sessionTags(agent, server) };
        const decisions = {
          own: allows({ ...request, context: fromFunction(server) }),
          otherFunction: allows({ ...request, context: fromFunction(server, 'attacker-function') }),
          outsideLambda: allows(request),
        };
        expect({ agent, server, ...decisions }).toEqual({ agent, server, own: true, otherFunction: false, outsideLambda: false });
      }
    }
  });
});

describe('the warden permissions boundary', () => {
  const wardenRoles = () => [...fx.account.roles.values()].filter((r) => r.tags['warden:role'] !== undefined);
  const forbidden = (): { action: string; resource: string }[] => {
    const { partition, account } = fx.account.env;
    const key = [...fx.keys.values()][0]!;
    return [
      ...['iam:CreateUser', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePermissionsBoundary', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole'].map((action) => ({ action, resource: `arn:${partition}:iam::${account}:role/anything` })),
      ...['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:CreateGrant', 'kms:RevokeGrant', 'kms:UpdateAlias'].map((action) => ({ action, resource: key })),
      { action: 'kms:CreateKey', resource: '*' },
      ...['organizations:LeaveOrganization', 'organizations:DetachPolicy', 'account:CloseAccount'].map((action) => ({ action, resource: '*' })),
      ...['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors'].map((action) => ({ action, resource: `arn:${partition}:cloudtrail:${fx.region}:${account}:trail/org` })),
      { action: 'sts:AssumeRole', resource: `arn:${partition}:iam::${account}:role/OrganizationAccountAccessRole` },
    ];
  };

  it('is on every warden role (caller, data, server, incident response, drill)', () => {
    const roleKinds = new Set(wardenRoles().map((r) => r.tags['warden:role']));
    expect([...roleKinds].sort()).toEqual(['admin', 'backup', 'caller', 'data', 'drill', 'incident-response', 'incident-response-task', 'server']);
    expect(wardenRoles().filter((r) => !r.permissionsBoundary).map((r) => r.name)).toEqual([]);
  });

  it('is on every other role of the warden stacks too: backup selection, flow logs, custom-resource providers', () => {
    const all = [...fx.account.roles.values()];
    expect(all.length).toBeGreaterThan(wardenRoles().length);
    expect(all.filter((r) => !r.permissionsBoundary).map((r) => r.name)).toEqual([]);
  });

  it('denies KMS grants a role asks for itself, and leaves the grants AWS services create for their resources (AWS Backup) to the key policy', () => {
    const key = [...fx.keys.values()][0]!;
    for (const role of wardenRoles()) {
      const grant = { principal: role.name, action: 'kms:CreateGrant', resource: key, extraIdentityPolicies: [ADMINISTRATOR_ACCESS] };
      expect({ role: role.name, own: fx.account.simulate(grant).decision }).toEqual({ role: role.name, own: expect.stringMatching(/deny/) });
      expect({ role: role.name, own: fx.account.simulate({ ...grant, context: { 'kms:GrantIsForAWSResource': 'false' } }).decision }).toEqual({ role: role.name, own: expect.stringMatching(/deny/) });
      // caller roles (deny-list boundary): not explicitly denied, the key policy decides; data and
      // server roles (allow-list boundaries) never create grants at all
      if (role.tags['warden:role'] === 'caller') {
        expect({ role: role.name, service: fx.account.simulate({ ...grant, context: { 'kms:GrantIsForAWSResource': 'true' } }).decision }).toEqual({ role: role.name, service: expect.not.stringMatching(/explicit-deny/) });
      }
    }
  });

  it('denies IAM, key administration, organizations, account, audit tampering and foreign roles even after AdministratorAccess is attached', () => {
    for (const role of wardenRoles()) {
      // explicitly for caller roles (deny-list); outside the allow-list of data and server roles
      const leaks = forbidden().filter((t) => fx.account.simulate({ principal: role.name, ...t, extraIdentityPolicies: [ADMINISTRATOR_ACCESS] }).decision === 'allow');
      // the MFA-gated admin role exists to put back warden key policies (backup restore); its own
      // boundary keeps that to this deployment's keys (the one probed here is one of them)
      const expected = role.tags['warden:role'] === 'admin' ? forbidden().filter((t) => t.action === 'kms:PutKeyPolicy') : [];
      expect({ role: role.name, leaks }).toEqual({ role: role.name, leaks: expected });
    }
  });

  it('keeps data and server roles to exactly the actions they use, even after AdministratorAccess is attached', () => {
    const { partition, account } = fx.account.env;
    const outside = [
      { action: 'lambda:InvokeFunction', resource: `arn:${partition}:lambda:${fx.region}:${account}:function:shop-prod-servers-fn` },
      { action: 'lambda:UpdateFunctionCode', resource: `arn:${partition}:lambda:${fx.region}:${account}:function:shop-prod-servers-fn` },
      { action: 's3:GetObject', resource: `arn:${partition}:s3:::any-bucket/key` },
      { action: 'dynamodb:DeleteTable', resource: [...fx.tables.values()][0]! },
      { action: 'dynamodb:UpdateContinuousBackups', resource: [...fx.tables.values()][0]! },
      { action: 'logs:DeleteLogGroup', resource: `arn:${partition}:logs:${fx.region}:${account}:log-group:any` },
      { action: 'apigateway:PATCH', resource: `arn:${partition}:apigateway:${fx.region}::/restapis/abc` },
      { action: 'ec2:AuthorizeSecurityGroupEgress', resource: `arn:${partition}:ec2:${fx.region}:${account}:security-group/sg-1` },
    ];
    for (const role of wardenRoles().filter((r) => ['data', 'server'].includes(r.tags['warden:role']!))) {
      const leaks = outside.filter((t) => allows({ principal: role.name, ...t, extraIdentityPolicies: [ADMINISTRATOR_ACCESS] })).map((t) => t.action);
      expect({ role: role.name, leaks }).toEqual({ role: role.name, leaks: [] });
    }
  });

  it('denies caller roles every warden function, table item, network and API change, even after AdministratorAccess is attached', () => {
    const { partition, account } = fx.account.env;
    const probes = [
      ...['lambda:InvokeFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:AddPermission'].map((action) => ({ action, resource: `arn:${partition}:lambda:${fx.region}:${account}:function:shop-prod-servers-ServercommerceFunction` })),
      ...[...fx.tables.values(), fx.agentStatusTable].flatMap((resource) => ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:ExportTableToPointInTime'].map((action) => ({ action, resource }))),
      ...['dynamodb:UpdateContinuousBackups', 'dynamodb:PutResourcePolicy', 'dynamodb:DeleteResourcePolicy'].map((action) => ({ action, resource: [...fx.tables.values()][0]! })),
      { action: 'ec2:AuthorizeSecurityGroupEgress', resource: `arn:${partition}:ec2:${fx.region}:${account}:security-group/sg-1`, context: { 'aws:ResourceTag/warden:project': 'shop' } },
      { action: 'apigateway:PATCH', resource: `arn:${partition}:apigateway:${fx.region}::/restapis/abc`, context: { 'aws:ResourceTag/warden:project': 'shop' } },
      { action: 'iam:PassRole', resource: fx.account.role([...fx.servers.values()][0]!.functionRole).arn },
      ...['logs:DeleteLogGroup', 'backup:DeleteRecoveryPoint', 'securityhub:BatchUpdateFindings', 'access-analyzer:DeleteAnalyzer', 'guardduty:CreateFilter'].map((action) => ({ action, resource: '*' })),
    ];
    for (const role of wardenRoles().filter((r) => r.tags['warden:role'] === 'caller')) {
      const leaks = probes.filter((t) => fx.account.simulate({ principal: role.name, ...t, extraIdentityPolicies: [ADMINISTRATOR_ACCESS] }).decision !== 'explicit-deny').map((t) => `${t.action} ${t.resource}`);
      expect({ role: role.name, leaks }).toEqual({ role: role.name, leaks: [] });
    }
  });

  it('leaves no table of a class it was not granted to a data role even after AdministratorAccess is attached (the table and key policies decide)', () => {
    for (const agent of agents()) {
      const classes = new Set(fx.model.datasetGrantsOf(agent).map((g) => g.dataset.class));
      // public data is any data role's to read where its identity policy says so
      const foreign = [...fx.tables].filter(([d]) => !classes.has(fx.model.dataset(d).class) && isRestrictedClass(fx.model.dataset(d).class));
      // every action but DescribeTable (table metadata, which its boundary allows on any table)
      const opened = foreign.flatMap(([d, arn]) =>
        serversOf(agent).flatMap((server) =>
          TABLE_ACTIONS.filter((action) => action !== 'dynamodb:DescribeTable').filter((action) => allows({ ...asSession(agent, server), action, resource: arn, extraIdentityPolicies: [ADMINISTRATOR_ACCESS] })).map((a) => `${d}:${short(a)}`),
        ),
      );
      const decrypted = foreign.flatMap(([d]) => (allows({ ...asSession(agent, serversOf(agent)[0]!), action: 'kms:Decrypt', resource: fx.keys.get(fx.model.dataset(d).class)!, context: viaDynamoDb(d), extraIdentityPolicies: [ADMINISTRATOR_ACCESS] }) ? [d] : []));
      expect({ agent, opened, decrypted }).toEqual({ agent, opened: [], decrypted: [] });
    }
  });
});

describe('an outsider: a same-account role with AdministratorAccess, no warden tags and no boundary', () => {
  const OUTSIDER = 'platform-admin';
  const outsider = (): string => {
    if (!fx.account.roles.has(OUTSIDER)) fx.account.addRole({ name: OUTSIDER, identityPolicies: [ADMINISTRATOR_ACCESS] });
    return OUTSIDER;
  };
  /** Every item read or write, and every way of copying the items out. */
  const DATA_ACTIONS = [...READ_ACTIONS.filter((a) => a !== 'dynamodb:DescribeTable'), ...WRITE_ACTIONS, 'dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:ExportTableToPointInTime', 'dynamodb:RestoreTableToPointInTime'];

  it('is denied every read and write of every dataset table, explicitly by the table policy', () => {
    const principal = outsider();
    const allowed = [...fx.tables].flatMap(([d, arn]) => DATA_ACTIONS.filter((action) => fx.account.simulate({ principal, action, resource: arn }).decision !== 'explicit-deny').map((a) => `${d}:${short(a)}`));
    expect(allowed).toEqual([]);
  });

  it('cannot decrypt or generate data keys with any class key above public, even through DynamoDB with the right encryption context', () => {
    const principal = outsider();
    const opened = [...fx.keys]
      .filter(([c]) => isRestrictedClass(c))
      .flatMap(([c, key]) => [...fx.tables.keys()].flatMap((d) => ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'].filter((action) => allows({ principal, action, resource: key, context: viaDynamoDb(d) })).map((a) => `${c}@${d}:${short(a)}`)));
    expect(opened).toEqual([]);
    expect([...fx.keys.keys()].filter(isRestrictedClass).length).toBeGreaterThan(0);
  });

  it('still manages the tables and keys CloudFormation manages (control plane is not denied)', () => {
    const principal = outsider();
    for (const arn of fx.tables.values()) expect(allows({ principal, action: 'dynamodb:DescribeTable', resource: arn })).toBe(true);
    for (const key of fx.keys.values()) expect(allows({ principal, action: 'kms:DescribeKey', resource: key })).toBe(true);
  });

  // every API invoke: see 'an outsider in the same account' below (the API's explicit deny of non-agents)
  it('is not admitted to any data role', () => {
    const principal = outsider();
    for (const agent of agents()) {
      const tagSets = [undefined, ...serversOf(agent).map((s) => sessionTags(agent, s))];
      expect({ agent, assumed: tagSets.some((requestTags) => allows({ principal, action: 'sts:AssumeRole', resource: fx.account.role(roles(agent).data).arn, requestTags })) }).toEqual({ agent, assumed: false });
    }
  });
});

describe('the agent-status (kill switch) table', () => {
  it('cannot be written by any caller, data or server role, even with AdministratorAccess', () => {
    const wardenRoles = [...fx.account.roles.values()].filter((r) => ['caller', 'data', 'server'].includes(r.tags['warden:role'] ?? ''));
    expect(wardenRoles.length).toBe(agents().length * 2 + fx.servers.size);
    for (const role of wardenRoles) {
      for (const extra of [[], [ADMINISTRATOR_ACCESS]]) {
        const writes = STATUS_WRITES.filter((action) => fx.account.simulate({ principal: role.name, action, resource: fx.agentStatusTable, extraIdentityPolicies: extra }).decision === 'allow');
        expect({ role: role.name, admin: extra.length > 0, writes }).toEqual({ role: role.name, admin: extra.length > 0, writes: [] });
      }
    }
  });
});

describe('the kill switch: only incident response and the admin role write it', () => {
  const { project, environment } = { project: 'shop', environment: 'prod' };
  const writers = [`${project}-${environment}-incident-response`, `${project}-${environment}-warden-admin`];

  it('denies every item write to every other role of the app, explicitly, even with AdministratorAccess', () => {
    // roles with AWS managed policies cannot be simulated; the deny names no principal, so the outsider case below covers them
    const others = [...fx.account.roles.values()].filter((r) => !writers.includes(r.name) && r.unknownManagedPolicies.length === 0);
    expect(others.length).toBeGreaterThan(agents().length * 2 + fx.servers.size); // task, service and custom-resource roles too
    const writes = others.flatMap((role) =>
      STATUS_WRITES.filter((action) => fx.account.simulate({ principal: role.name, action, resource: fx.agentStatusTable, extraIdentityPolicies: [ADMINISTRATOR_ACCESS] }).decision !== 'explicit-deny').map((a) => `${role.name}:${short(a)}`),
    );
    expect(writes).toEqual([]);
  });

  it('denies an outsider role with AdministratorAccess too, while it may still read and describe the table', () => {
    if (!fx.account.roles.has('platform-admin')) fx.account.addRole({ name: 'platform-admin', identityPolicies: [ADMINISTRATOR_ACCESS] });
    expect(STATUS_WRITES.map((action) => fx.account.simulate({ principal: 'platform-admin', action, resource: fx.agentStatusTable }).decision)).toEqual(STATUS_WRITES.map(() => 'explicit-deny'));
    expect(allows({ principal: 'platform-admin', action: 'dynamodb:DescribeTable', resource: fx.agentStatusTable })).toBe(true);
  });

  it('lets the incident-response role set flags (with the table key through DynamoDB) and the admin role put them back (restore)', () => {
    const viaStatusTable = { 'kms:ViaService': `dynamodb.${fx.region}.amazonaws.com`, 'kms:EncryptionContext:aws:dynamodb:tableName': `${project}-${environment}-agent-status` };
    const statusKey = fx.account.resourcesOfType('AWS::KMS::Key').find((k) => k.logicalId.includes('AgentStatus'))!.arn;
    expect(['dynamodb:PutItem', 'dynamodb:GetItem'].map((action) => allows({ principal: writers[0]!, action, resource: fx.agentStatusTable }))).toEqual([true, true]);
    expect(allows({ principal: writers[0]!, action: 'kms:GenerateDataKey', resource: statusKey, context: viaStatusTable })).toBe(true);
    expect(['dynamodb:PutItem', 'dynamodb:DeleteItem'].map((action) => allows({ principal: writers[1]!, action, resource: fx.agentStatusTable }))).toEqual([true, true]);
    // neither may do what the deny leaves to CloudFormation
    expect(allows({ principal: writers[0]!, action: 'dynamodb:DeleteTable', resource: fx.agentStatusTable })).toBe(false);
  });
});

describe('incident decisions: the admin role', () => {
  it('may start the incident-response state machine and answer its waits; no agent, data or server role may', () => {
    const machine = `arn:aws:states:${fx.region}:111122223333:stateMachine:shop-prod-incident-response`;
    const decide = ['states:StartExecution', 'states:SendTaskSuccess'];
    expect(decide.map((action) => allows({ principal: 'shop-prod-warden-admin', action, resource: machine }))).toEqual([true, true]);
    const agentRoles = [...fx.account.roles.values()].filter((r) => ['caller', 'data', 'server'].includes(r.tags['warden:role'] ?? ''));
    expect(agentRoles.flatMap((r) => decide.filter((action) => allows({ principal: r.name, action, resource: machine })).map((a) => `${r.name}:${a}`))).toEqual([]);
  });
});

describe('the simulation itself', () => {
  /** The templates with one policy edited, simulated afresh: the matrix must notice. */
  const mutated = (edit: (templates: Record<string, CfnTemplate>) => void): SimulatedAccount => {
    const copy = structuredClone(fx.templates);
    edit(copy);
    return new SimulatedAccount(copy);
  };
  const statementsOf = (t: CfnTemplate, id: string, property = 'PolicyDocument'): Record<string, unknown>[] =>
    (t.Resources[id]!.Properties![property] as { Statement: Record<string, unknown>[] }).Statement;
  const findId = (t: CfnTemplate, test: (id: string, r: CfnTemplate['Resources'][string]) => boolean): string => Object.entries(t.Resources).find(([id, r]) => test(id, r))![0];

  it('notices a data policy that loses its encryption-context condition, and a status table that loses its deny', () => {
    const identityStack = fx.stacks.identityOf('fraud-agent').node.scope as Stack;
    const account = mutated((templates) => {
      const t = templates[identityStack.stackName]!;
      const policyId = findId(t, (id, r) => r.Type === 'AWS::IAM::ManagedPolicy' && id.includes('fraudagentDataPolicy'));
      for (const st of statementsOf(t, policyId)) delete (st.Condition as Record<string, Record<string, unknown>> | undefined)?.StringEquals?.['kms:EncryptionContext:aws:dynamodb:tableName'];
      const servers = templates[fx.stacks.servers[0]!.stackName]!;
      const tableId = findId(servers, (_id, r) => r.Type === 'AWS::DynamoDB::Table' && r.Properties?.ResourcePolicy !== undefined);
      delete servers.Resources[tableId]!.Properties!.ResourcePolicy;
    });
    const request = { ...asSession('fraud-agent', 'commerce'), action: 'kms:Decrypt', resource: fx.keys.get('confidential')!, context: viaDynamoDb('customers') };
    expect([fx.account.allows(request), account.allows(request)]).toEqual([false, true]);
    // a data role's boundary allows PutItem on any table: only the status table's deny stops it
    const write = { ...asSession('fraud-agent', 'commerce'), action: 'dynamodb:PutItem', resource: fx.agentStatusTable, extraIdentityPolicies: [ADMINISTRATOR_ACCESS] };
    expect([fx.account.allows(write), account.allows(write)]).toEqual([false, true]);
  });

  it('notices a data-role trust that stops binding the server tag to the assuming server', () => {
    const data = fx.account.role(roles('fraud-agent').data);
    const commerce = fx.servers.get('commerce')!.functionRole;
    const looseTrust = (templates: Record<string, CfnTemplate>) => {
      const trust = templates[data.stack]!.Resources[data.logicalId]!.Properties!.AssumeRolePolicyDocument as { Statement: { Condition: Record<string, Record<string, unknown>> }[] };
      for (const st of trust.Statement) delete st.Condition.StringEquals!['aws:RequestTag/warden:server'];
    };
    // the function policy also pins the tag to its own server: both layers must go
    const looseFunctionPolicy = (templates: Record<string, CfnTemplate>) => {
      for (const policy of fx.account.role(commerce).identityPolicies) {
        const [stack, id] = policy.name.split('/') as [string, string];
        for (const st of statementsOf(templates[stack]!, id)) delete (st.Condition as Record<string, Record<string, unknown>> | undefined)?.StringEquals?.['aws:RequestTag/warden:server'];
      }
    };
    const probe = { principal: commerce, action: 'sts:AssumeRole', resource: data.arn, requestTags: sessionTags('fraud-agent', 'payments'), context: fromFunction('commerce') };
    const trustOnly = mutated(looseTrust);
    const both = mutated((t) => (looseTrust(t), looseFunctionPolicy(t)));
    expect([fx.account.allows(probe), trustOnly.allows(probe), both.allows(probe)]).toEqual([false, false, true]);
  });

  it('notices an API resource policy that admits the whole account without the endpoint condition', () => {
    const [server, srv] = [...fx.servers][0]!;
    const outsider = agents().find((a) => !fx.model.agentsOfServer(server).some((x) => x.name === a));
    const api = fx.account.resourceAt(srv.api)!;
    const account = mutated((templates) => {
      const props = templates[api.stack]!.Resources[api.logicalId]!.Properties!;
      props.Policy = { Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Principal: { AWS: '*' }, Resource: 'execute-api:/*' }] };
    });
    const probe = { principal: roles(outsider ?? agents()[0]!).caller, action: 'execute-api:Invoke', resource: `${srv.api}/${MCP_ROUTE}` };
    expect(fx.account.allows(probe)).toBe(false);
    expect(account.allows(probe)).toBe(true);
  });
});

describe('servers confined to their own tools\' datasets', () => {
  /**
   * A data role is per agent, but every session carries the `warden:server` tag of the server that
   * opened it: the trust admits each server's function role only with its own name, and every
   * statement of the data policy names the servers whose tools (for this agent) use that dataset
   * with that access. So fraud-agent's payments grant (payments server) is not reachable from a
   * session the commerce server opens for fraud-agent (commerce/get_order).
   */
  it('lets a server reach, through any role it can assume, only the datasets its own tools use', () => {
    for (const [server] of fx.servers) {
      const own = new Set(fx.model.datasetsOfServer(server).map((d) => d.name));
      // every tag value a server could try to send for warden:server
      const tries = [...fx.servers.keys(), 'anything'];
      const beyond = agents().flatMap((agent) =>
        tries
          .filter((tag) => assumes(server, agent, { ...sessionTags(agent, server), 'warden:server': tag }))
          .flatMap((tag) =>
            [...fx.tables]
              .filter(([d]) => !own.has(d))
              .flatMap(([d, arn]) => TABLE_ACTIONS.filter((action) => allows({ principal: roles(agent).data, sessionTags: { ...sessionTags(agent, server), 'warden:server': tag }, action, resource: arn })).map((a) => `${agent}(${tag})->${d}:${short(a)}`)),
          ),
      );
      expect({ server, beyond }).toEqual({ server, beyond: [] });
    }
  });

  it("gives each server's session exactly the access that server's tools need for the agent", () => {
    for (const agent of agents()) {
      for (const server of serversOf(agent)) {
        const expected: Record<string, string[]> = {};
        for (const g of fx.model.grantsOf(agent).filter((x) => x.server === server)) {
          const actions = g.access === 'write' || expected[g.dataset]?.includes('PutItem') ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS;
          expected[g.dataset] = actions.map(short).sort();
        }
        const reached = Object.fromEntries(
          [...fx.tables].map(([d, arn]) => [d, TABLE_ACTIONS.filter((action) => allows({ ...asSession(agent, server), action, resource: arn })).map(short).sort()] as const).filter(([, a]) => a.length > 0),
        );
        expect({ agent, server, reached }).toEqual({ agent, server, reached: expected });
      }
    }
  });

  it('refuses the commerce server a fraud-agent session tagged for the payments server', () => {
    expect(assumes('commerce', 'fraud-agent', sessionTags('fraud-agent', 'payments'))).toBe(false);
    expect(assumes('payments', 'fraud-agent', sessionTags('fraud-agent', 'payments'))).toBe(true);
  });

  it('lets the commerce server, acting as fraud-agent, read orders but not touch payments', () => {
    expect(assumes('commerce', 'fraud-agent')).toBe(true);
    const session = asSession('fraud-agent', 'commerce');
    expect(allows({ ...session, action: 'dynamodb:GetItem', resource: fx.tables.get('orders')! })).toBe(true);
    expect(allows({ ...session, action: 'kms:Decrypt', resource: fx.keys.get('confidential')!, context: viaDynamoDb('orders') })).toBe(true);
    for (const action of TABLE_ACTIONS) expect({ action, allowed: allows({ ...session, action, resource: fx.tables.get('payments')! }) }).toEqual({ action, allowed: false });
    for (const action of KEY_ACTIONS) expect({ action, allowed: allows({ ...session, action, resource: fx.keys.get('restricted')!, context: viaDynamoDb('payments') }) }).toEqual({ action, allowed: false });
    // and the payments server, acting as fraud-agent, cannot read orders
    expect(allows({ ...asSession('fraud-agent', 'payments'), action: 'dynamodb:GetItem', resource: fx.tables.get('orders')! })).toBe(false);
    expect(allows({ ...asSession('fraud-agent', 'payments'), action: 'dynamodb:PutItem', resource: fx.tables.get('payments')! })).toBe(true);
  });

  it('refuses sessions with another agent named, an extra tag key, or no server tag', () => {
    expect(assumes('commerce', 'fraud-agent', sessionTags('support-agent', 'commerce'))).toBe(false);
    expect(assumes('commerce', 'fraud-agent', { ...sessionTags('fraud-agent', 'commerce'), 'warden:server-payments': 'allowed' })).toBe(false);
    expect(assumes('commerce', 'fraud-agent', { 'warden:agent': 'fraud-agent', 'warden:access': 'write' })).toBe(false);
    // a data-role session without the server tag reaches nothing
    expect(allows({ principal: roles('fraud-agent').data, action: 'dynamodb:GetItem', resource: fx.tables.get('orders')! })).toBe(false);
  });
});

/**
 * A principal of the same account that plays by no warden rule: AdministratorAccess (as an
 * inline Allow *), no permissions boundary, no warden tags: an admin, a PowerUser or a broad CI
 * role. In the same account an identity-policy allow is enough unless a resource policy denies.
 */
describe('an outsider in the same account (AdministratorAccess, no boundary, no warden tags)', () => {
  const OUTSIDER = 'ci-deployer';
  const withOutsider = (edit: (templates: Record<string, CfnTemplate>) => void = () => undefined): SimulatedAccount => {
    const copy = structuredClone(fx.templates);
    edit(copy);
    copy.outsider = {
      Resources: {
        Outsider: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: OUTSIDER,
            AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
            Policies: [{ PolicyName: 'AdministratorAccess', PolicyDocument: ADMINISTRATOR_ACCESS.document }],
          },
        },
      },
    } as CfnTemplate;
    return new SimulatedAccount(copy);
  };
  const invoke = (srv: { api: string; endpoint: string }, route: string, viaEndpoint: boolean): SimRequest => ({
    principal: OUTSIDER,
    action: 'execute-api:Invoke',
    resource: `${srv.api}/${route}`,
    context: viaEndpoint ? { 'aws:SourceVpce': srv.endpoint } : {},
  });

  it('is explicitly denied every API invoke, on every route, through the endpoint or not', () => {
    const account = withOutsider();
    const outcomes = [...fx.servers].flatMap(([server, srv]) =>
      ROUTES.flatMap((route) => [true, false].map((viaEndpoint) => ({ server, route, viaEndpoint, decision: account.simulate(invoke(srv, route, viaEndpoint)).decision }))),
    );
    expect(outcomes.filter((o) => o.decision !== 'explicit-deny')).toEqual([]);
  });

  it('would be admitted through the endpoint without the deny of non-agents (the deny is what stops it)', () => {
    const [, srv] = [...fx.servers][0]!;
    const api = fx.account.resourceAt(srv.api)!;
    const loose = withOutsider((templates) => {
      const policy = templates[api.stack]!.Resources[api.logicalId]!.Properties!.Policy as { Statement: Array<{ Sid?: string }> };
      policy.Statement = policy.Statement.filter((st) => !/^Nobody/.test(st.Sid ?? ''));
    });
    expect(loose.allows(invoke(srv, MCP_ROUTE, true))).toBe(true);
    expect(withOutsider().allows(invoke(srv, MCP_ROUTE, true))).toBe(false);
  });

  it('leaves the admitted agents admitted', () => {
    const account = withOutsider();
    for (const [server, srv] of fx.servers) {
      for (const agent of fx.model.agentsOfServer(server)) {
        expect({ agent: agent.name, server, allowed: account.allows({ ...invoke(srv, MCP_ROUTE, true), principal: roles(agent.name).caller }) }).toEqual({ agent: agent.name, server, allowed: true });
      }
    }
  });
});

/** One line per agent: what the simulation allowed, compactly (R = read set, W = read+write set). */
function summaryTable(matrix: Record<string, ReturnType<typeof simulatedMatrix>>): string {
  const datasets = [...fx.tables.keys()];
  const servers = [...fx.servers.keys()];
  const readSet = READ_ACTIONS.map(short).sort().join();
  const writeSet = [...READ_ACTIONS, ...WRITE_ACTIONS].map(short).sort().join();
  const cell = (actions: string[]): string => (actions.length === 0 ? '-' : actions.join() === writeSet ? 'W' : actions.join() === readSet ? 'R' : actions.join('+'));
  const header = ['agent', ...servers.map((s) => `invoke ${s}`), ...datasets.map((d) => `${d} (${fx.model.dataset(d).class})`), 'keys: Decrypt/GenerateDataKey by table', 'data role assumable by'];
  const rows = Object.entries(matrix).map(([agent, m]) => [
    agent,
    ...servers.map((s) => (m.invoke[s]!.length ? 'POST /mcp' : '-')),
    ...datasets.map((d) => cell(m.tables[d]!)),
    Object.entries(m.keys)
      .flatMap(([c, byTable]) => Object.entries(byTable).filter(([, a]) => a.length).map(([d, a]) => `${c}@${d}:${a.map((x) => (x === 'Decrypt' ? 'D' : 'G')).join('')}`))
      .join(' '),
    m.assumableBy.join(', ') || '-',
  ]);
  const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  return `Simulated access (R = ${readSet}; W = R + writes; D = kms:Decrypt, G = kms:GenerateDataKey, via DynamoDB with that table's encryption context)\n${lines.join('\n')}`;
}
