/**
 * Builds every mcp-warden stack of a manifest into an app. Parts are separate stacks so each
 * stays small and deploys on its own: data (keys, tables) first, then the identity shards, then
 * the servers (their policies name and attach to the identity roles, by name). Later parts
 * (monitoring, incident-response, backups) are added here the same way, each depending on the
 * parts it uses.
 */
import { resolve } from 'node:path';
import type { Construct } from 'constructs';
import type { AgentIdentity } from '../../constructs/agent-identity';
import type { McpServer } from '../../constructs/mcp-server';
import type { Manifest, ServerSpec } from '../config/schema';
import { AccessModel } from '../policy/access-model';
import { WardenBackupsStack } from './backups-stack';
import { WardenDataStack } from './data-stack';
import { WardenIdentityStack } from './identity-stack';
import { ALARMED_AGENTS_PER_STACK, WardenAgentAlarmsStack, WardenMonitoringStack } from './monitoring-stack';
import { WardenIncidentResponseStack } from './incident-response-stack';
import { IncidentDeciderPolicy } from '../../constructs/incident-response/decider-policy';
import { SERVERS_PER_STACK, WardenServersStack } from './servers-stack';
import { policySizeProblems } from './policy-limits';
import { checkRoleLimits, RoleLimitError } from './role-limits';
import { DEFAULT_AGENTS_PER_STACK, shard } from './shard';
import type { WardenStack } from './warden-stack';

export interface BuildWardenStacksOptions {
  /** Agents per identity stack. @default 100 */
  readonly agentsPerStack?: number;
  /** Agents per agent-alarms stack. @default 50 */
  readonly alarmedAgentsPerStack?: number;
  /** Servers per servers stack. @default 8 */
  readonly serversPerStack?: number;
  /**
   * Managed policies the account may attach to one role (IAM quota, adjustable up to 20): an
   * agent's caller role gets one invoke policy per server it calls. @default 10
   */
  readonly managedPoliciesPerRole?: number;
  /**
   * Characters the account allows in a role trust policy (IAM quota "Role trust policy length",
   * 2,048 up to 4,096): a data role's trust has one statement per server of its agent. @default 2048
   */
  readonly trustPolicyChars?: number;
}

export interface WardenStacks {
  readonly model: AccessModel;
  readonly data: WardenDataStack;
  /** Identity shards, in order; agents are placed in manifest order. */
  readonly identities: readonly WardenIdentityStack[];
  /** Servers shards, in order; the first holds the shared kill-switch table. */
  readonly servers: readonly WardenServersStack[];
  /** The trail, alerting, server alarms and dashboards. */
  readonly monitoring: WardenMonitoringStack;
  /** Agent-alarm shards, in order; agents are placed in manifest order. */
  readonly agentAlarms: readonly WardenAgentAlarmsStack[];
  /** Contains agents on their alarms, collects evidence, waits for a human; runs the drills. */
  readonly incidentResponse: WardenIncidentResponseStack;
  /** Configuration snapshots and the MFA-gated admin role. */
  readonly backups: WardenBackupsStack;
  /** Manifest servers no agent has a tool on; they are not deployed. */
  readonly uncalledServers: readonly string[];
  /** Every stack, in deployment order. */
  readonly all: readonly WardenStack[];
  /** The identity of an agent, wherever its shard is. */
  identityOf(agent: string): AgentIdentity;
  /** The McpServer of a manifest server, wherever its shard is. */
  serverOf(server: string): McpServer;
}

/**
 * Builds the stacks of `loaded.manifest` (a `LoadedManifest` from lib/config) into `app`. Tool
 * `entry` paths are relative to `loaded.dir` (the manifest's folder; default: the working folder).
 * Throws a `RoleLimitError` when an agent's roles would exceed IAM's tag or managed-policy limits,
 * or a policy document its size limit (managed policy, trust policy, key policy: policy-limits.ts).
 */
export function buildWardenStacks(app: Construct, loaded: { readonly manifest: Manifest; readonly dir?: string }, options: BuildWardenStacksOptions = {}): WardenStacks {
  const model = new AccessModel(loaded.manifest);
  // fail here, naming the agent, rather than in CloudFormation minutes into a deploy
  checkRoleLimits(model, { managedPoliciesPerRole: options.managedPoliciesPerRole, trustPolicyChars: options.trustPolicyChars });
  const data = new WardenDataStack(app, { manifest: loaded.manifest });
  const identities = shard(loaded.manifest.agents, options.agentsPerStack ?? DEFAULT_AGENTS_PER_STACK).map((agents, i) => {
    const stack = new WardenIdentityStack(app, { model, agents, datasets: data.datasets, shard: i });
    stack.addStackDependency(data, 'data roles are scoped to the class keys');
    return stack;
  });
  const byAgent = new Map(identities.flatMap((s) => s.identities.map((id) => [id.agentName, id] as const)));
  const manifestDir = resolve(loaded.dir ?? '.');
  const servers: WardenServersStack[] = [];
  // a server no agent may call is not deployed (it would be a VPC and an API nobody can reach)
  const [called, uncalled] = [true, false].map((hasAgents) => loaded.manifest.servers.filter((s) => model.agentsOfServer(s.name).length > 0 === hasAgents)) as [ServerSpec[], ServerSpec[]];
  for (const [i, specs] of shard(called, options.serversPerStack ?? SERVERS_PER_STACK).entries()) {
    const stack = new WardenServersStack(app, { manifest: loaded.manifest, manifestDir, servers: specs, shard: i, agentStatusTable: servers[0]?.agentStatusTable, approvals: servers[0]?.approvals });
    for (const identity of identities) stack.addStackDependency(identity, 'server policies name and attach to the agent roles');
    servers.push(stack);
  }
  const byServer = new Map(servers.flatMap((s) => s.servers.map((mcp) => [mcp.serverName, mcp] as const)));
  // detection names what it watches (functions, tables, roles, the topic): no references, no cycles
  const monitoring = new WardenMonitoringStack(app, { manifest: loaded.manifest, servers: called.map((s) => s.name) });
  const agentAlarms = shard(loaded.manifest.agents, options.alarmedAgentsPerStack ?? ALARMED_AGENTS_PER_STACK).map((agents, i) => {
    const stack = new WardenAgentAlarmsStack(app, { manifest: loaded.manifest, agents, shard: i });
    stack.addStackDependency(monitoring, 'alarms notify the alert topic');
    return stack;
  });
  const incidentResponse = new WardenIncidentResponseStack(app, { manifest: loaded.manifest });
  if (servers[0]) incidentResponse.addStackDependency(servers[0], 'incident response writes the kill switch the first servers stack holds');
  for (const identity of identities) incidentResponse.addStackDependency(identity, 'incident response contains the agent roles');
  incidentResponse.addStackDependency(monitoring, 'incident response notifies the alert topic');
  // reads every other part live, at run time: no deploy-time dependency but the alert topic
  const backups = new WardenBackupsStack(app, { manifest: loaded.manifest, manifestDir });
  backups.addStackDependency(monitoring, 'backup alarms notify the alert topic');
  // the admin role (backups stack) is the one human principal of `warden incident` and `warden drill`;
  // its policy names the state machine and table (IAM does not check that they exist yet)
  new IncidentDeciderPolicy(backups, 'IncidentDecisions', { project: loaded.manifest.project, environment: loaded.manifest.environment, role: backups.backup.admin.role });
  const all = [data, ...identities, ...servers, monitoring, ...agentAlarms, incidentResponse, backups];
  // per-document limits, on the documents as built (data policies grow with datasets, key policies with data roles)
  const oversized = policySizeProblems(all, { trustPolicyChars: options.trustPolicyChars });
  if (oversized.length > 0) throw new RoleLimitError(oversized);
  return {
    model,
    data,
    identities,
    servers,
    monitoring,
    agentAlarms,
    incidentResponse,
    backups,
    uncalledServers: uncalled.map((s) => s.name),
    all,
    identityOf(agent: string): AgentIdentity {
      const identity = byAgent.get(agent);
      if (!identity) throw new Error(`no identity for agent "${agent}"; agents are ${[...byAgent.keys()].join(', ')}.`);
      return identity;
    },
    serverOf(server: string): McpServer {
      const mcp = byServer.get(server);
      if (!mcp) throw new Error(`no server "${server}"; servers are ${[...byServer.keys()].join(', ')}.`);
      return mcp;
    },
  };
}
