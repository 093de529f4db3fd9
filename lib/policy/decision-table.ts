/**
 * A decision table: every Cedar decision one server can be asked, computed at synth by Cedar
 * itself (precompute-decisions.ts) and inlined in that server's Lambda, so a cold start answers
 * without loading cedar-wasm. Sound because a decision is a pure function of (kind, agent,
 * feature, kill-switch status): policies and entities are fixed for the deployment and the
 * status is the only context (the same argument the authorizer's memo rests on). The table
 * carries a fingerprint of the manifest and policies it was made for; the authorizer ignores a
 * table whose fingerprint does not match, and asks Cedar for anything the table does not hold.
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../config/schema';
import type { FeatureKind } from './access-model';

/** One decision: allowed (1/0), indexes into `policies`, and the reason when it is not the usual one. */
export type EncodedDecision = readonly [allowed: 0 | 1, policies: readonly number[], reason?: string];

export interface DecisionTable {
  readonly version: 1;
  /** sha-256 of the manifest and team policies the table was computed for. */
  readonly fingerprint: string;
  /** Every policy id of the set (generated and team-written). */
  readonly policies: readonly string[];
  /** decisionKey() → [decision while active, decision while contained]. */
  readonly entries: Readonly<Record<string, readonly [EncodedDecision, EncodedDecision]>>;
}

export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
  readonly policies: string[];
}

export function decisionKey(kind: FeatureKind, agent: string, server: string, name: string): string {
  return `${kind}\u0000${agent}\u0000${server}\u0000${name}`;
}

export function tableFingerprint(manifest: Manifest, extraPolicies: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify([manifest, extraPolicies])).digest('hex');
}

export function tableMatches(table: DecisionTable, manifest: Manifest, extraPolicies: readonly string[]): boolean {
  return table.version === 1 && table.fingerprint === tableFingerprint(manifest, extraPolicies);
}

/** What nothing permitting an agent reads like in the audit log. */
export function noPermitReason(kind: FeatureKind, agent: string, id: string): string {
  return `no policy permits agent "${agent}" to ${kind === 'tool' ? 'call' : kind === 'resource' ? 'read resource' : 'get prompt'} "${id}"`;
}

/** The reason Cedar's answer gives when nothing unusual happened (no evaluation error). */
function usualReason(allowed: boolean, policies: readonly string[], kind: FeatureKind, agent: string, id: string): string {
  if (allowed) return `permitted by ${policies.join(', ')}`;
  return policies.length > 0 ? `forbidden by ${policies.join(', ')}` : noPermitReason(kind, agent, id);
}

export function encodeDecision(decision: Decision, index: ReadonlyMap<string, number>, kind: FeatureKind, agent: string, id: string): EncodedDecision {
  const policies = decision.policies.map((p) => {
    const i = index.get(p);
    if (i === undefined) throw new Error(`decision table: policy "${p}" is not in the policy set`);
    return i;
  });
  const usual = decision.reason === usualReason(decision.allowed, decision.policies, kind, agent, id);
  return usual ? [decision.allowed ? 1 : 0, policies] : [decision.allowed ? 1 : 0, policies, decision.reason];
}

export function decodeDecision(encoded: EncodedDecision, policyIds: readonly string[], kind: FeatureKind, agent: string, id: string): Decision {
  const policies = encoded[1].map((i) => policyIds[i]!);
  const allowed = encoded[0] === 1;
  return { allowed, reason: encoded[2] ?? usualReason(allowed, policies, kind, agent, id), policies };
}
