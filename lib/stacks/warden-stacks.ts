/**
 * Builds every mcp-warden stack of a manifest into an app. Parts are separate stacks so each
 * stays small and deploys on its own: data (keys, tables) first, then the identity shards.
 * Later parts (servers, monitoring, incident-response, backups) are added here the same way,
 * each depending on the parts it uses.
 */
import type { Construct } from 'constructs';
import type { AgentIdentity } from '../../constructs/agent-identity';
import type { Manifest } from '../config/schema';
import { AccessModel } from '../policy/access-model';
import { WardenDataStack } from './data-stack';
import { WardenIdentityStack } from './identity-stack';
import { DEFAULT_AGENTS_PER_STACK, shard } from './shard';
import type { WardenStack } from './warden-stack';

export interface BuildWardenStacksOptions {
  /** Agents per identity stack. @default 100 */
  readonly agentsPerStack?: number;
}

export interface WardenStacks {
  readonly model: AccessModel;
  readonly data: WardenDataStack;
  /** Identity shards, in order; agents are placed in manifest order. */
  readonly identities: readonly WardenIdentityStack[];
  /** Every stack, in deployment order. */
  readonly all: readonly WardenStack[];
  /** The identity of an agent, wherever its shard is. */
  identityOf(agent: string): AgentIdentity;
}

/** Builds the stacks of `loaded.manifest` (a `LoadedManifest` from lib/config) into `app`. */
export function buildWardenStacks(app: Construct, loaded: { readonly manifest: Manifest }, options: BuildWardenStacksOptions = {}): WardenStacks {
  const model = new AccessModel(loaded.manifest);
  const data = new WardenDataStack(app, { manifest: loaded.manifest });
  const identities = shard(loaded.manifest.agents, options.agentsPerStack ?? DEFAULT_AGENTS_PER_STACK).map((agents, i) => {
    const stack = new WardenIdentityStack(app, { model, agents, datasets: data.datasets, shard: i });
    stack.addStackDependency(data, 'data roles are scoped to the class keys');
    return stack;
  });
  const byAgent = new Map(identities.flatMap((s) => s.identities.map((id) => [id.agentName, id] as const)));
  return {
    model,
    data,
    identities,
    all: [data, ...identities],
    identityOf(agent: string): AgentIdentity {
      const identity = byAgent.get(agent);
      if (!identity) throw new Error(`no identity for agent "${agent}"; agents are ${[...byAgent.keys()].join(', ')}.`);
      return identity;
    },
  };
}
