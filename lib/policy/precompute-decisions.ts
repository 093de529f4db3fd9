/**
 * Builds a server's decision table (decision-table.ts) at synth: Cedar evaluates every
 * (agent, tool/resource/prompt of the server, kill-switch status) once. Above MAX_TABLE_DECISIONS
 * no table is made (the inlined table would weigh on the bundle and the synth); the Lambda
 * then evaluates with Cedar as before.
 */
import type { Manifest } from '../config/schema';
import type { FeatureKind } from './access-model';
import { createAuthorizer } from './authorizer';
import { toolId } from './cedar-policies';
import { decisionKey, encodeDecision, tableFingerprint, type DecisionTable, type EncodedDecision } from './decision-table';

/** Decisions (agents × features × 2 statuses) above which a server gets no table. */
export const MAX_TABLE_DECISIONS = 4_000;

export function precomputeDecisions(manifest: Manifest, options: { readonly server: string; readonly extraPolicies?: readonly string[] }): DecisionTable | undefined {
  const server = manifest.servers.find((s) => s.name === options.server);
  if (!server) throw new Error(`precomputeDecisions: server "${options.server}" is not in the manifest`);
  const features: Array<[FeatureKind, string]> = [
    ...server.tools.map((t): [FeatureKind, string] => ['tool', t.name]),
    ...(server.resources ?? []).map((r): [FeatureKind, string] => ['resource', r.name]),
    ...(server.prompts ?? []).map((p): [FeatureKind, string] => ['prompt', p.name]),
  ];
  if (manifest.agents.length * features.length * 2 > MAX_TABLE_DECISIONS) return undefined;
  const extraPolicies = options.extraPolicies ?? [];
  const cedar = createAuthorizer(manifest, { extraPolicies, cache: false });
  const index = new Map(cedar.policyIds.map((id, i) => [id, i]));
  const entries: Record<string, readonly [EncodedDecision, EncodedDecision]> = {};
  for (const agent of manifest.agents) {
    for (const [kind, name] of features) {
      const id = toolId(server.name, name);
      const decide = (agentStatus: 'active' | 'contained') => encodeDecision(cedar.authorizeFeature(kind, agent.name, server.name, name, { agentStatus }), index, kind, agent.name, id);
      entries[decisionKey(kind, agent.name, server.name, name)] = [decide('active'), decide('contained')];
    }
  }
  return { version: 1, fingerprint: tableFingerprint(manifest, extraPolicies), policies: cedar.policyIds, entries };
}
