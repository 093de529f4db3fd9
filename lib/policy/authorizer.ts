/**
 * Cedar authorization for tool calls. The policy set (generated permits and forbids plus the
 * teams' own policy files) is parsed and validated against the schema ONCE, when the
 * authorizer is created; each call then evaluates the preparsed set.
 *
 * With a decision table (decision-table.ts: every decision of one server, computed by Cedar at
 * synth) the authorizer answers from the table and loads cedar-wasm (4 MB of WebAssembly,
 * compiled on load) only if a question falls outside it: a Lambda cold start skips Cedar.
 */
import type * as CedarWasm from '@cedar-policy/cedar-wasm/nodejs';
import type { Manifest } from '../config/schema';
import type { AgentStatus } from '../guard/contract';
import { AccessModel } from './access-model';
import type { FeatureKind } from './access-model';
import { ACTION_TYPE, AGENT_TYPE, cedarEntities, FEATURE_CEDAR, generatedPolicies, toolId, type CedarEntity } from './cedar-policies';
import { CEDAR_SCHEMA } from './cedar-schema';
import { decodeDecision, decisionKey, noPermitReason, tableMatches, type DecisionTable } from './decision-table';

let cedarWasm: typeof CedarWasm | undefined;
/** cedar-wasm, loaded (and its WebAssembly compiled) on first use. */
function cedarModule(): typeof CedarWasm {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose: loading compiles 4 MB of WebAssembly
  cedarWasm ??= require('@cedar-policy/cedar-wasm/nodejs') as typeof CedarWasm;
  return cedarWasm;
}

export interface AuthorizeResult {
  readonly allowed: boolean;
  /** For the audit log (internal): which policy decided, or why nothing permitted. */
  readonly reason: string;
  /** Ids of the policies that determined the decision. */
  readonly policies: string[];
}

export interface AuthorizeContext {
  /** Kill-switch status. @default 'active' */
  readonly agentStatus?: AgentStatus;
}

export interface Authorizer {
  authorize(agent: string, server: string, tool: string, context?: AuthorizeContext): AuthorizeResult;
  /** The same decision for a resource (`readResource`) or a prompt (`getPrompt`); `tool` is `authorize`. */
  authorizeFeature(kind: FeatureKind, agent: string, server: string, name: string, context?: AuthorizeContext): AuthorizeResult;
  /** Ids of every policy in the set, generated and team-written. */
  readonly policyIds: readonly string[];
  /** Decisions memoised (for tests of the memory bound). */
  readonly cachedDecisions: number;
}

export interface AuthorizerOptions {
  /** Team policy texts (manifest `guard.policies`, read from disk), in manifest order. */
  readonly extraPolicies?: readonly string[];
  /** Names shown in errors for `extraPolicies[i]`. @default - `guard.policies[i]` with the manifest's file name */
  readonly extraPolicyNames?: readonly string[];
  /**
   * Memoise decisions. Policies and entities are fixed for the authorizer's life and the
   * context is only the kill-switch status, so a decision is a pure function of
   * (agent, tool, status); the cache holds at most agents × tools × 2 entries. @default true
   */
  readonly cache?: boolean;
  /**
   * Decisions Cedar computed at synth for this manifest and these policies (decisionTable()).
   * Answered from the table; Cedar is loaded only for a question outside it. A table made for
   * another manifest or other policies is ignored. @default - Cedar evaluates (memoised)
   */
  readonly decisions?: DecisionTable;
}

/** A policy file that does not parse or does not match the Cedar schema. */
export class PolicyValidationError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `Cedar policies rejected (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nFix the policy file(s) so they parse and use only the entities, attributes and action of the Warden schema (docs/policy.md), or remove them from guard.policies.',
    );
    this.name = 'PolicyValidationError';
  }
}

let nextPolicySetId = 0;
const SCHEMA_NAME = 'mcp-warden-schema-v1';

function errorText(e: CedarWasm.DetailedError): string {
  return e.help ? `${e.message} (${e.help})` : e.message;
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

interface PolicySource {
  readonly label: string;
  /** The whole file text and where this policy starts in it (for line numbers). */
  readonly file?: string;
  readonly start?: number;
  readonly text: string;
}

function teamPolicies(texts: readonly string[], names: readonly string[], into: Map<string, string>, sources: Map<string, PolicySource>, problems: string[]): void {
  const cedar = cedarModule();
  texts.forEach((file, i) => {
    const label = names[i] ? `guard.policies[${i}] (${names[i]})` : `guard.policies[${i}]`;
    const parts = cedar.policySetTextToParts(file);
    if (parts.type === 'failure') {
      for (const e of parts.errors) {
        const at = e.sourceLocations?.[0];
        problems.push(`${label}${at ? ` at ${lineCol(file, at.start)}` : ''}: ${errorText(e)}${at?.label ? ` — ${at.label}` : ''}`);
      }
      return;
    }
    if (parts.policy_templates.length > 0) problems.push(`${label}: policy templates (?principal/?resource slots) are not supported; write static policies`);
    parts.policies.forEach((text, n) => {
      const json = cedar.policyToJson(text);
      const annotated = json.type === 'success' ? json.json.annotations?.id : undefined;
      const id = annotated ?? `${label}#${n + 1}`;
      if (into.has(id)) {
        problems.push(`${label}: policy id "${id}" is already used${sources.get(id) ? ` by ${sources.get(id)!.label}` : ' by a generated policy'}; give it another @id`);
        return;
      }
      into.set(id, text);
      sources.set(id, { label, file, start: file.indexOf(text), text });
    });
  });
}

/**
 * Builds the policy set for a manifest, validates it against the Cedar schema and preparses it.
 * Throws PolicyValidationError listing every problem at once.
 */
export function createAuthorizer(manifest: Manifest, options: AuthorizerOptions = {}): Authorizer {
  if (options.decisions && tableMatches(options.decisions, manifest, options.extraPolicies ?? [])) return tableAuthorizer(manifest, options.decisions, () => cedarAuthorizer(manifest, options));
  return cedarAuthorizer(manifest, options);
}

/** Why a name the manifest does not declare is refused (it never reaches Cedar), or undefined when both are declared. */
function undeclared(entities: ReadonlyMap<string, CedarEntity>, kind: FeatureKind, agent: string, server: string, tool: string): AuthorizeResult | undefined {
  if (!entities.has(`${AGENT_TYPE}::${agent}`)) return { allowed: false, reason: `unknown agent "${agent}"`, policies: [] };
  const id = toolId(server, tool);
  if (!entities.has(`${FEATURE_CEDAR[kind].type}::${id}`)) return { allowed: false, reason: `unknown ${kind} "${id}"`, policies: [] };
  return undefined;
}

/** Answers from a synth-time decision table; Cedar is built (once) only for a question outside it. */
function tableAuthorizer(manifest: Manifest, table: DecisionTable, cedarBacked: () => Authorizer): Authorizer {
  const entities = cedarEntities(manifest);
  let fallback: Authorizer | undefined;
  function authorizeFeature(kind: FeatureKind, agent: string, server: string, tool: string, context: AuthorizeContext = {}): AuthorizeResult {
    const unknown = undeclared(entities, kind, agent, server, tool);
    if (unknown) return unknown;
    const status = context.agentStatus ?? 'active';
    const row = status === 'active' || status === 'contained' ? table.entries[decisionKey(kind, agent, server, tool)] : undefined;
    if (row) return decodeDecision(row[status === 'active' ? 0 : 1], table.policies, kind, agent, toolId(server, tool));
    fallback ??= cedarBacked();
    return fallback.authorizeFeature(kind, agent, server, tool, context);
  }
  return {
    authorizeFeature,
    policyIds: [...table.policies],
    get cachedDecisions() {
      return fallback?.cachedDecisions ?? 0;
    },
    authorize(agent, server, tool, context = {}) {
      return authorizeFeature('tool', agent, server, tool, context);
    },
  };
}

function cedarAuthorizer(manifest: Manifest, options: AuthorizerOptions): Authorizer {
  const cedar = cedarModule();
  const model = new AccessModel(manifest);
  const policies = generatedPolicies(manifest, model);
  const sources = new Map<string, PolicySource>();
  const problems: string[] = [];
  const names = options.extraPolicyNames ?? manifest.guard.policies;
  teamPolicies(options.extraPolicies ?? [], names, policies, sources, problems);
  if (problems.length > 0) throw new PolicyValidationError(problems);

  const staticPolicies = Object.fromEntries(policies);
  const validation = cedar.validate({ schema: CEDAR_SCHEMA, policies: { staticPolicies }, validationSettings: { mode: 'strict' } });
  if (validation.type === 'failure') throw new PolicyValidationError(validation.errors.map(errorText));
  // a mistake in an unscoped policy is found once per action (tool, resource, prompt): report it once
  const reported = new Set<string>();
  // the tool's wording first: most team rules are about tools
  const byToolFirst = [...validation.validationErrors].sort((a, b) => Number(!a.error.message.includes('Warden::Tool')) - Number(!b.error.message.includes('Warden::Tool')));
  for (const v of byToolFirst) {
    const src = sources.get(v.policyId);
    const at = v.error.sourceLocations?.[0];
    const once = `${v.policyId}\u0000${at?.start ?? ''}`;
    if (reported.has(once)) continue;
    reported.add(once);
    const where = src && at && src.file !== undefined && src.start !== undefined && src.start >= 0 ? ` at ${lineCol(src.file, src.start + at.start)}` : '';
    problems.push(`${src?.label ?? 'generated policy'}${where}: policy "${v.policyId}": ${errorText(v.error)}`);
  }
  if (problems.length > 0) throw new PolicyValidationError(problems);

  const psetId = `mcp-warden-${process.pid}-${nextPolicySetId++}`;
  const parsed = cedar.preparsePolicySet(psetId, { staticPolicies });
  if (parsed.type === 'failure') throw new PolicyValidationError(parsed.errors.map(errorText));
  const schemaParsed = cedar.preparseSchema(SCHEMA_NAME, CEDAR_SCHEMA);
  if (schemaParsed.type === 'failure') throw new PolicyValidationError(schemaParsed.errors.map(errorText));

  const entities = cedarEntities(manifest);
  const classEntities = [...entities.values()].filter((e) => e.uid.type.endsWith('::DataClass'));

  const decisions = new Map<string, AuthorizeResult>();
  const useCache = options.cache ?? true;

  function evaluate(kind: FeatureKind, agent: string, server: string, tool: string, context: AuthorizeContext): AuthorizeResult {
    const id = toolId(server, tool);
    const { type, action } = FEATURE_CEDAR[kind];
    // Unknown names never reach Cedar: a team's wildcard permit must not admit a tool,
    // resource, prompt or agent the manifest does not declare.
    const unknown = undeclared(entities, kind, agent, server, tool);
    if (unknown) return unknown;
    const callEntities: CedarEntity[] = [...classEntities, entities.get(`${AGENT_TYPE}::${agent}`)!, entities.get(`${type}::${id}`)!];
    const answer = cedar.statefulIsAuthorized({
      principal: { type: AGENT_TYPE, id: agent },
      action: { type: ACTION_TYPE, id: action },
      resource: { type, id },
      context: { agentStatus: context.agentStatus ?? 'active' },
      preparsedPolicySetId: psetId,
      preparsedSchemaName: SCHEMA_NAME,
      validateRequest: true,
      entities: callEntities as CedarWasm.Entities,
    });
    if (answer.type === 'failure') {
      return { allowed: false, reason: `authorization request rejected: ${answer.errors.map(errorText).join('; ')}`, policies: [] };
    }
    const { decision, diagnostics } = answer.response;
    const errored = diagnostics.errors.map((e) => e.policyId);
    // Cedar skips a policy whose evaluation errors; a skipped forbid must not turn into an
    // allow, so any evaluation error refuses the call (fail closed).
    if (errored.length > 0 && decision === 'allow') {
      return { allowed: false, reason: `policy evaluation failed in ${errored.join(', ')}: refused (fail closed)`, policies: errored };
    }
    if (decision === 'allow') return { allowed: true, reason: `permitted by ${diagnostics.reason.join(', ')}`, policies: diagnostics.reason };
    if (diagnostics.reason.length > 0) return { allowed: false, reason: `forbidden by ${diagnostics.reason.join(', ')}`, policies: diagnostics.reason };
    return { allowed: false, reason: noPermitReason(kind, agent, id), policies: [] };
  }

  function authorizeFeature(kind: FeatureKind, agent: string, server: string, tool: string, context: AuthorizeContext = {}): AuthorizeResult {
    if (!useCache) return evaluate(kind, agent, server, tool, context);
    const key = `${kind}\u0000${agent}\u0000${server}\u0000${tool}\u0000${context.agentStatus ?? 'active'}`;
    const cached = decisions.get(key);
    if (cached) return { ...cached, policies: [...cached.policies] };
    const decision = evaluate(kind, agent, server, tool, context);
    // only declared agents and names and the two kill-switch statuses are cached: any other
    // name or status (caller-chosen text) would grow the map without bound
    const status = context.agentStatus ?? 'active';
    if ((status === 'active' || status === 'contained') && entities.has(`${AGENT_TYPE}::${agent}`) && entities.has(`${FEATURE_CEDAR[kind].type}::${toolId(server, tool)}`)) decisions.set(key, decision);
    return { ...decision, policies: [...decision.policies] };
  }

  return {
    authorizeFeature,
    policyIds: [...policies.keys()],
    get cachedDecisions() {
      return decisions.size;
    },
    authorize(agent, server, tool, context = {}) {
      return authorizeFeature('tool', agent, server, tool, context);
    },
  };
}
