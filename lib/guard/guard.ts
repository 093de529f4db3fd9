/**
 * The per-call guard: identify → kill switch → authorize (Cedar) → rate limit → validate →
 * screen arguments → run → strip hidden characters → redact → screen the result → audit +
 * metrics. Pure: every effect is an injected adapter. Every
 * request produces exactly one audit event, emitted here and never by tool code.
 */
import { injectionSettings, type AccessLevel, type AgentSpec, type ServerSpec, type ToolSpec } from '../config/schema';
import type { FeatureKind } from '../policy/access-model';
import { createAuthorizer } from '../policy/authorizer';
import { argsSha256, ensureTraceparent, ocsfApiActivity, redactAuditRecord, type AuditDecision, type AuditOutcome, type AuditRecord } from './audit-event';
import type { Admission, CallerInfo, Guard, GuardOptions, Identified, MetricName, RequestInfo, ToolCallRequest, ToolCallResult } from './contract';
import { principalResolver } from './identify';
import { ADAPTER_TIMEOUT_MS, bounded, failureText } from './bounded-call';
import { KillSwitch, type StatusReading } from './kill-switch';
import { DEFAULT_PER_MINUTE } from './rate-limit';
import { redactEcho, redactionPolicy, type RedactionCounts } from './redact';
import { screenArguments, STRUCTURAL_FINDINGS } from './screen';
import { engineTexts } from './screen-engine-texts';
import { screenExemptions } from './screen-exemptions';
import { screenOutput, stripOutputHidden, type ToolOutput } from './screen-output';
import { checkToolContent } from './tool-content';
import { jsonMirrors, redactToolResult } from './result-redaction';
import { isInputRequiredResult, shapeInputRequired } from './input-request-shape';
import { APPROVAL_META } from '../approvals/approval-gate';

/** Principals remembered from identify() for the audit of the same request (bounded). */
const MAX_REMEMBERED_REQUESTS = 1024;

/** A tool name as echoed back to the client: bounded, so the refusal can't be used as a mirror. */
const shownToolName = (tool: string): string => {
  // redacted before it is cut, so the cut can't leave half of a value redaction would have seen whole
  const shown = redactEcho(tool.slice(0, 256), 'none', ECHO_POLICY).text;
  return JSON.stringify(shown.length > 64 ? `${shown.slice(0, 64)}…` : shown);
};
/** Redaction of what a refusal echoes back: every type hidden (a card typed as a tool name is not sent back). */
const ECHO_POLICY = redactionPolicy({ dataClasses: ['none', 'personal', 'payment'], guard: { injection: 'block', policies: [], redaction: {}, maxBodyBytes: 1 } });

/** `_meta` key of a rate-limited result: whole seconds until the agent's window resets. */
export const RETRY_AFTER_META = 'mcp-warden/retryAfterSeconds';

/** The one refusal for a forbidden and an unknown tool, resource or prompt: it reveals nothing about which. */
export const notAvailableText = (tool: string, kind: FeatureKind = 'tool'): string => `${kind} ${shownToolName(tool)} is not available to this agent`;

function errorResult(text: string): ToolCallResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** Why a tool's return value is not a result the guard can release, or undefined when it is. */
function malformedResult(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a result object';
  const { structuredContent } = value as { structuredContent?: unknown };
  if (structuredContent !== undefined && (structuredContent === null || typeof structuredContent !== 'object' || Array.isArray(structuredContent))) return 'structuredContent must be an object';
  return undefined;
}

function addCounts(into: Record<string, number>, counts: RedactionCounts): void {
  for (const [type, n] of Object.entries(counts) as Array<[string, number | undefined]>) if (n) into[type] = (into[type] ?? 0) + n;
}

class ToolTimeout extends Error {}

/** The request's own fields of the audit record (picked, so nothing else a transport adds leaks in). */
function requestFields(request: RequestInfo): Pick<AuditRecord, 'requestId' | 'method' | 'sourceIp' | 'userAgent'> & { traceparent?: string } {
  return { requestId: request.requestId, method: request.method, traceparent: request.traceparent, sourceIp: request.sourceIp, userAgent: request.userAgent };
}

export function createGuard(options: GuardOptions): Guard {
  const { manifest, adapters } = options;
  const now = adapters.now ?? Date.now;
  const authorizer = createAuthorizer(manifest, { extraPolicies: options.extraPolicies, decisions: options.decisions });
  const policy = redactionPolicy(manifest);
  const resolvePrincipal = options.resolvePrincipal ?? principalResolver(manifest);
  const adapterTimeoutMs = options.adapterTimeoutMs ?? ADAPTER_TIMEOUT_MS;
  const killSwitch = new KillSwitch(adapters.status, now, undefined, adapterTimeoutMs);
  const agents = new Map(manifest.agents.map((a) => [a.name, a]));
  const servers = new Map<string, ServerSpec>(manifest.servers.map((s) => [s.name, s]));
  const datasetClass = new Map(manifest.datasets.map((d) => [d.name, d.class]));
  const injectionConfig = injectionSettings(manifest.guard);
  const injectionAction = injectionConfig.action;
  const exemptions = screenExemptions(injectionConfig.exempt);
  const outputAction = manifest.guard.outputInjection ?? 'flag';
  const visible = new Map<string, ToolSpec[]>();
  /** requestId → principal ARN seen by identify(), for the audit event of the same request. */
  const principals = new Map<string, string>();
  /** requestIds identify() already audited as refused: a second auditRefusal is a no-op. */
  const refusedByIdentify = new Set<string>();
  /** requestIds the transport abandoned and auditAbandoned recorded: the guard's own later event is dropped. */
  const abandoned = new Set<string>();
  /** requestIds with an audit event already: auditAbandoned must not add a second. */
  const audited = new Set<string>();

  const remember = <T>(map: Map<string, T> | Set<string>, key: string, value?: T) => {
    if (map instanceof Map) map.set(key, value as T);
    else map.add(key);
    if (map.size > MAX_REMEMBERED_REQUESTS) map.delete(map.keys().next().value as string);
  };

  // audit lines are read by operators and the SIEM: what a client sent is redacted as for the least-cleared reader
  const auditClearance = manifest.dataClasses[0]!;
  // names glued to values (`leak-4111…`) count too: what an audit line or a refusal quotes is read as names
  const redactForAudit = (text: string): string => redactEcho(text, auditClearance, policy).text;
  const emit = (record: Omit<AuditRecord, 'traceparent' | 'time'> & { traceparent?: string }) => {
    const safe = redactAuditRecord(record, redactForAudit);
    adapters.audit.emit(ocsfApiActivity({ ...safe, traceparent: ensureTraceparent(record.traceparent), time: now() }));
    remember(audited, record.requestId);
  };

  const putMetrics = (agent: string, decision: AuditDecision, outcome: AuditOutcome, extra: { tool?: string; latencyMs: number; redactions: number; injection: boolean }) => {
    const metrics: Partial<Record<MetricName, number>> = {
      Calls: 1,
      // a withheld result is the data's fault, not a call the agent was denied
      Denied: decision === 'denied' || (decision === 'refused' && outcome !== 'rate_limited' && outcome !== 'invalid_arguments' && outcome !== 'output_injection_blocked' && outcome !== 'approval_pending') ? 1 : 0,
      RateLimited: outcome === 'rate_limited' ? 1 : 0,
      InjectionFlagged: extra.injection ? 1 : 0,
      Redactions: extra.redactions,
      Errors: decision === 'error' || outcome === 'invalid_arguments' ? 1 : 0,
      Latency: extra.latencyMs,
    };
    adapters.metrics.put(agent, metrics, extra.tool ? { Tool: extra.tool } : undefined);
  };
  /** Metrics are best effort: a failing sink must not withhold a result the audit already recorded. */
  const safeMetrics = (...args: Parameters<typeof putMetrics>): void => {
    try {
      putMetrics(...args);
    } catch {
      // the audit event carries the same facts; CloudWatch can rebuild the metric from it
    }
  };

  /** Audits a request refused before any tool ran; `outcome` is decided by the caller, never read from `reason`. */
  const refuse = (request: RequestInfo, reason: string, outcome: AuditOutcome, agent?: string): void => {
    emit({
      ...requestFields(request),
      agent,
      // before identify() ran, the principal the transport authenticated is all there is
      principalArn: principals.get(request.requestId) ?? request.claimedPrincipal,
      decision: 'refused',
      outcome,
      reason,
      latencyMs: 0,
    });
    safeMetrics(agent ?? '(unidentified)', 'refused', outcome, { latencyMs: 0, redactions: 0, injection: false });
    if (outcome === 'identity_forgery') {
      try {
        adapters.metrics.put(agent ?? '(unknown)', { IdentityForgery: 1 });
      } catch {
        // as safeMetrics: the audit event carries the same fact
      }
    }
  };

  /**
   * Transports name the refusal in `reason` ("agent contained", "http 413"). Only the start of
   * the reason classifies it: a dev agent or principal named "container-bot" appears later in
   * the text and must not turn an unknown caller into a containment.
   */
  const auditRefusal = (request: RequestInfo, reason: string, agent?: string): void => {
    if (refusedByIdentify.has(request.requestId)) return;
    const outcome: AuditOutcome = /^identity forgery/i.test(reason) ? 'identity_forgery' : /^unknown caller/i.test(reason) ? 'unknown_caller' : /^(?:agent )?contain/i.test(reason) ? 'contained' : agent ? 'forbidden' : 'protocol';
    refuse(request, reason, outcome, agent);
  };

  const identify = (caller: CallerInfo, request: RequestInfo): Identified | undefined => {
    let agent: AgentSpec | undefined;
    let why = 'unknown caller: no identity';
    if (caller.principalArn !== undefined && caller.devAgent !== undefined) {
      why = 'unknown caller: both an IAM principal and a dev agent were given';
    } else if (caller.principalArn !== undefined) {
      remember(principals, request.requestId, caller.principalArn);
      const name = resolvePrincipal(caller.principalArn);
      agent = name === undefined ? undefined : agents.get(name);
      why = `unknown caller: ${caller.principalArn.length > 256 ? 'an over-long principal' : `"${caller.principalArn}"`} is not a caller role of ${manifest.project}-${manifest.environment}`;
    } else if (caller.devAgent !== undefined) {
      agent = agents.get(caller.devAgent);
      why = `unknown caller: dev agent "${caller.devAgent.slice(0, 64)}" is not in the manifest`;
    }
    if (agent) return { agent };
    if (!refusedByIdentify.has(request.requestId)) refuse(request, why, 'unknown_caller');
    remember(refusedByIdentify, request.requestId);
    return undefined;
  };

  /** The kill switch, telling the runtime when an agent is (or must be treated as) contained. */
  const checkStatus = async (agent: string): Promise<StatusReading> => {
    const reading = await killSwitch.check(agent);
    if (reading.status !== 'active') {
      try {
        options.onContained?.(agent);
      } catch {
        // dropping caches is best effort: the refusal stands either way
      }
    }
    return reading;
  };
  const containedReason = (reading: StatusReading): { outcome: AuditOutcome; reason: string } =>
    reading.unreadable === undefined
      ? { outcome: 'contained', reason: 'agent contained (kill switch)' }
      : { outcome: 'status_unavailable', reason: `kill switch unreadable (${reading.unreadable}): refused (fail closed)` };

  /** One rate-limit update, bounded; a failure or timeout is a refusal (fail closed). */
  const takeRate = async (agent: AgentSpec): Promise<{ ok: true; limit: Awaited<ReturnType<GuardOptions['adapters']['rateLimiter']['take']>> } | { ok: false; why: string }> => {
    const perMinute = agent.rateLimit?.perMinute ?? DEFAULT_PER_MINUTE;
    try {
      return { ok: true, limit: await bounded(() => adapters.rateLimiter.take(agent.name, perMinute, now()), adapterTimeoutMs) };
    } catch (err) {
      return { ok: false, why: failureText(err) };
    }
  };

  /** Strings the second engine sees: every argument value not exempt from instruction checks, bounded. */
  const engineVerdict = async (args: unknown, exempt: ((path: string) => ReadonlySet<string> | undefined) | undefined): Promise<{ kind: 'clean' } | { kind: 'flagged'; detail: string } | { kind: 'unavailable'; why: string }> => {
    const texts = engineTexts(args, exempt);
    if (texts.length === 0) return { kind: 'clean' };
    const timeoutMs = injectionConfig.bedrock?.timeoutMs ?? ADAPTER_TIMEOUT_MS;
    const abort = new AbortController();
    try {
      const answer = await bounded(() => adapters.injectionEngine!.screen(texts, abort.signal), timeoutMs);
      return answer.flagged ? { kind: 'flagged', detail: `${adapters.injectionEngine!.name}: ${answer.detail ?? 'prompt attack'}`.slice(0, 200) } : { kind: 'clean' };
    } catch (err) {
      abort.abort();
      return { kind: 'unavailable', why: failureText(err) };
    }
  };

  const isContained = async (agent: string): Promise<boolean> => (await checkStatus(agent)).status !== 'active';

  /** What the guard needs of a tool, resource or prompt: its dataset (none for a prompt), class and access. */
  const featureSpec = (kind: FeatureKind, server: string, name: string): { dataset: string; dataClass: string | undefined; access: AccessLevel } | undefined => {
    const spec = servers.get(server);
    if (kind === 'tool') {
      const t = spec?.tools.find((x) => x.name === name);
      return t && { dataset: t.dataset, dataClass: datasetClass.get(t.dataset), access: t.access };
    }
    if (kind === 'resource') {
      const r = spec?.resources?.find((x) => x.name === name);
      return r && { dataset: r.dataset, dataClass: datasetClass.get(r.dataset), access: 'read' };
    }
    const p = spec?.prompts?.find((x) => x.name === name);
    return p && { dataset: '', dataClass: p.dataClasses.reduce((a, b) => (manifest.dataClasses.indexOf(b) > manifest.dataClasses.indexOf(a) ? b : a)), access: 'read' };
  };

  const visibleFeatures = (kind: 'resource' | 'prompt', agent: string, server: string): string[] => {
    const names = (kind === 'resource' ? servers.get(server)?.resources : servers.get(server)?.prompts) ?? [];
    return names.map((x) => x.name).filter((name) => authorizer.authorizeFeature(kind, agent, server, name).allowed);
  };

  const visibleTools = (agent: string, server: string): ToolSpec[] => {
    const key = `${agent}\u0000${server}`;
    let tools = visible.get(key);
    if (!tools) {
      tools = (servers.get(server)?.tools ?? []).filter((t) => authorizer.authorize(agent, server, t.name).allowed);
      // memoise declared pairs only: names from a request must not grow the map without bound
      if (agents.has(agent) && servers.has(server)) visible.set(key, tools);
    }
    return [...tools];
  };

  async function runWithTimeout(call: ToolCallRequest, args: unknown): Promise<ToolCallResult> {
    const timeoutMs = options.toolTimeoutMs;
    if (!timeoutMs) return call.run(args);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        call.run(args),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ToolTimeout()), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  const callTool = async (call: ToolCallRequest): Promise<ToolCallResult> => {
    const started = now();
    const { server, tool, request } = call;
    // Clearance and rate limit come from the manifest, not from the object the transport passed:
    // a stale or altered AgentSpec with the right name must not widen what the agent sees.
    const agent = agents.get(call.agent.name) ?? call.agent;
    const kind = call.kind ?? 'tool';
    const toolSpec = featureSpec(kind, server, tool);
    const principalArn = call.caller?.principalArn ?? principals.get(request.requestId);
    let argsHash: string | undefined;
    try {
      argsHash = argsSha256(call.args);
    } catch {
      argsHash = undefined; // non-JSON input (a BigInt): nothing to hash, the call is refused by validation
    }
    let policies: readonly string[] = [];
    let injection: AuditRecord['injection'];
    /** Set when the second engine could not answer and the local verdict stood (for the audit). */
    let engineNote = '';
    let outputInjection: AuditRecord['outputInjection'];
    const redactions: Record<string, number> = {};
    /** The approval this call belongs to, when its tool needs one (in every event of the call). */
    let approvalId: string | undefined;

    const finish = (decision: AuditDecision, outcome: AuditOutcome, reason: string, result: ToolCallResult): ToolCallResult => {
      const latencyMs = Math.max(0, now() - started);
      // the transport already answered (and audited) this request: one request, one event
      if (abandoned.has(request.requestId)) return result;
      try {
        emit({
          ...requestFields(request),
          agent: agent.name,
          principalArn,
          server,
          tool,
          toolSpec: toolSpec ? { dataset: toolSpec.dataset, dataClass: toolSpec.dataClass ?? 'unknown', access: toolSpec.access } : undefined,
          decision,
          outcome,
          reason,
          policies,
          argsSha256: argsHash,
          redactions,
          latencyMs,
          injection,
          outputInjection,
          ...(approvalId ? { approvalId } : {}),
        });
      } catch {
        // No audit, no answer: a result that could not be recorded is not released.
        return errorResult(`the call could not be audited and was withheld (request id ${request.requestId})`);
      }
      const redactionTotal = Object.values(redactions).reduce((a, b) => a + b, 0);
      safeMetrics(agent.name, decision, outcome, { tool: toolSpec ? tool : undefined, latencyMs, redactions: redactionTotal, injection: injection !== undefined || outputInjection !== undefined });
      return result;
    };

    try {
      // 1. kill switch (cached ≤ 5 s; a failed or timed-out read counts as contained)
      const reading = await checkStatus(agent.name);
      const status = reading.status;
      // 2. authorize: Cedar sees the status too, so its structural forbid is a second lock
      const decision = authorizer.authorizeFeature(kind, agent.name, server, tool, { agentStatus: status });
      policies = decision.policies;
      if (status !== 'active') {
        const why = containedReason(reading);
        return finish('refused', why.outcome, `${why.reason}; ${decision.reason}`, errorResult(`calls are refused: this agent is contained by incident response (request id ${request.requestId})`));
      }
      // 3. rate limit every call of an identified, active agent — refused ones too, so probing
      //    for tools or injections is throttled like any other traffic (fail closed when the
      //    counter store is down or does not answer within the bound)
      const perMinute = agent.rateLimit?.perMinute ?? DEFAULT_PER_MINUTE;
      const taken = await takeRate(agent);
      if (!taken.ok) {
        return finish('refused', 'rate_limiter_unavailable', `rate limiter unavailable (${taken.why}): refused (fail closed)`, errorResult(`the rate limiter is unavailable; retry shortly (request id ${request.requestId})`));
      }
      const limit = taken.limit;
      if (!limit.allowed) {
        // the seconds also go in `_meta`, so a transport or client can act on them without parsing text
        const refusal = { ...errorResult(`rate limit exceeded (${perMinute} calls per minute); retry after ${limit.retryAfterSeconds} s`), _meta: { [RETRY_AFTER_META]: limit.retryAfterSeconds } };
        return finish('refused', 'rate_limited', `rate limit ${perMinute}/min exceeded`, refusal);
      }
      if (!decision.allowed || !toolSpec) {
        // the same answer for a forbidden and a nonexistent tool: no probing for tool names
        return finish('denied', 'forbidden', decision.reason, errorResult(notAvailableText(tool, kind)));
      }
      // 4. validate with the tool's schema
      let validated: ReturnType<ToolCallRequest['validate']>;
      try {
        validated = call.validate(call.args);
      } catch {
        validated = { ok: false, message: 'the arguments could not be validated' };
      }
      // refusal texts quote argument names and values: redacted as for the least-cleared reader too
      if (!validated.ok) return finish('refused', 'invalid_arguments', `invalid arguments: ${validated.message}`, errorResult(redactForAudit(`invalid arguments: ${validated.message}`)));
      // 5. screen what the client sent (unknown keys included)
      // answers a client sent back for an input_required round are client input too
      const argsScreen = screenArguments(call.args, { exempt: exemptions.get(`${server}/${tool}`) });
      const answersScreen = call.inputResponses === undefined ? undefined : screenArguments({ inputResponses: call.inputResponses });
      const screen = answersScreen === undefined ? argsScreen : {
        verdict: argsScreen.verdict === 'flagged' || answersScreen.verdict === 'flagged' ? ('flagged' as const) : ('clean' as const),
        findings: [...argsScreen.findings, ...answersScreen.findings],
        structural: argsScreen.structural || answersScreen.structural,
        score: Math.max(argsScreen.score, answersScreen.score),
      };
      if (screen.structural) {
        const f = screen.findings.find((x) => STRUCTURAL_FINDINGS.has(x.kind))!;
        injection = { action: 'block', findings: [...new Set(screen.findings.map((x) => x.kind))] };
        // a prototype or query-operator key is an attack on the data layer, not a size problem
        const outcome = f.kind === 'forbidden-key' || f.kind === 'operator-key' ? 'arguments_refused' : 'arguments_too_large';
        return finish('refused', outcome, `arguments refused: ${f.detail} at ${f.path}`, errorResult(redactForAudit(`arguments refused: ${f.detail} at ${f.path}`)));
      }
      if (screen.verdict === 'flagged') {
        const kinds = [...new Set(screen.findings.map((x) => x.kind))];
        injection = { action: injectionAction, findings: kinds };
        if (injectionAction === 'block') {
          const paths = [...new Set(screen.findings.map((x) => x.path))].slice(0, 5).join(', ');
          const text = `arguments refused: possible prompt injection (${kinds.join(', ')}) in ${paths}; remove instruction-like text, hidden characters and markup, then retry (request id ${request.requestId})`;
          return finish('refused', 'injection_blocked', `injection markers: ${screen.findings.map((x) => `${x.kind} at ${x.path}: ${x.detail}`).join('; ')}`, errorResult(redactForAudit(text)));
        }
      }
      // 5b. the second engine (Bedrock Guardrails), bounded, with the manifest's fail mode
      if (adapters.injectionEngine && injectionConfig.engine !== 'local') {
        const verdict = await engineVerdict(call.args, exemptions.get(`${server}/${tool}`));
        if (verdict.kind === 'flagged') {
          injection = { action: injectionAction, findings: ['instruction'] };
          if (injectionAction === 'block') {
            return finish('refused', 'injection_blocked', `injection markers: ${verdict.detail}`, errorResult(`arguments refused: possible prompt injection; remove instruction-like text, then retry (request id ${request.requestId})`));
          }
        } else if (verdict.kind === 'unavailable') {
          if (injectionConfig.bedrock?.onUnavailable === 'refuse') {
            return finish('refused', 'injection_blocked', `screening engine unavailable (${verdict.why}): refused (guard.injection.bedrock.onUnavailable: refuse)`, errorResult(`arguments could not be screened; retry shortly (request id ${request.requestId})`));
          }
          engineNote = `; screening engine unavailable (${verdict.why}): local screen only`;
        }
      }
      // 5c. human approval (lib/approvals): held and recorded, or released once for this retry
      let approvalNote = '';
      if (adapters.approvals && kind === 'tool') {
        const gate = await adapters.approvals.check({ agent: agent.name, principal: principalArn ?? (call.caller?.devAgent ? `dev:${call.caller.devAgent}` : undefined), server, tool, args: validated.value, argsSha256: argsHash, requestId: request.requestId, reference: call.approvalReference });
        if (gate.kind !== 'not_required') approvalId = gate.approvalId;
        if (gate.kind === 'held') {
          const held: ToolCallResult = { content: [{ type: 'text', text: gate.text }], structuredContent: { approval: gate.held }, _meta: { [APPROVAL_META]: gate.held } };
          return finish('refused', 'approval_pending', gate.reason, held);
        }
        if (gate.kind === 'refused') return finish('refused', 'approval_refused', gate.reason, errorResult(`${gate.message} (request id ${request.requestId})`));
        if (gate.kind === 'released') approvalNote = `; ${gate.reason}`;
      }
      // 6. run
      let raw: ToolCallResult;
      try {
        raw = await runWithTimeout(call, validated.value);
      } catch (err) {
        const why = err instanceof ToolTimeout ? `tool timed out after ${options.toolTimeoutMs} ms` : `tool threw ${err instanceof Error ? err.name : typeof err}`;
        return finish('error', 'tool_failed', why, errorResult(`tool failed (request id ${request.requestId})`));
      }
      // 6b. a request for client input (2026-07-28 input_required): shaped, bounded and redacted
      if (isInputRequiredResult(raw)) {
        const asked = shapeInputRequired(raw, agent.clearance, policy);
        if (!asked.ok) return finish('error', 'tool_failed', `tool returned a malformed input request: ${asked.problem}`, errorResult(`tool failed (request id ${request.requestId})`));
        addCounts(redactions, asked.counts);
        return finish('allowed', 'ok', `${decision.reason}; client input required`, asked.result);
      }
      // 7. check the shape (MCP content types only, bounded binary), then redact by clearance;
      //    only known fields leave (an unknown one could carry data unredacted)
      const checked = checkToolContent((raw as { content?: unknown } | null)?.content);
      const malformed = malformedResult(raw) ?? (checked.ok ? undefined : checked.problem);
      if (malformed !== undefined || !checked.ok) {
        return finish('error', 'tool_failed', `tool returned a malformed result: ${malformed}`, errorResult(`tool failed (request id ${request.requestId})`));
      }
      // 8. strip hidden characters BEFORE redaction: a card number split by zero-width spaces
      //    must reach the redactor whole, not be reassembled after it. Stripping is part of
      //    redaction: it runs whatever guard.outputInjection says (`off` only stops screening)
      let shaped: ToolOutput = { content: checked.content, ...(raw.structuredContent !== undefined ? { structuredContent: raw.structuredContent } : {}) };
      // (the text parts that are the JSON of structuredContent: stripping reads them for it, redaction writes them back from it)
      let mirrors = jsonMirrors(shaped);
      const stripped = stripOutputHidden(shaped, mirrors);
      if (stripped.stripped > 0) mirrors = jsonMirrors(stripped.output);
      shaped = stripped.output;
      const hidden = outputAction === 'off' ? undefined : stripped;
      // 9. redact by clearance; binary parts can't be redacted: they pass only when the
      //    clearance covers the tool's dataset class
      //    (a text part that is the JSON of structuredContent is written back from its redaction)
      const redacted = redactToolResult(shaped, agent.clearance, toolSpec.dataClass, policy, mirrors, redactions);
      const content = redacted.content;
      const out: { content: typeof content; isError?: boolean; structuredContent?: Record<string, unknown> } = { content };
      if (redacted.structuredContent !== undefined) out.structuredContent = redacted.structuredContent;
      // 10. screen what leaves for instruction-like text planted in the data (indirect injection)
      if (hidden) {
        const findings = [...hidden.findings, ...screenOutput(out, redacted.jsonTexts)];
        if (findings.length > 0) {
          const kinds = [...new Set(findings.map((f) => f.kind))];
          const paths = [...new Set(findings.map((f) => f.path))];
          // hidden characters alone were removed above: nothing instruction-like is left to withhold
          const blocked = outputAction === 'block' && findings.some((f) => f.kind !== 'hidden-unicode');
          outputInjection = { action: blocked ? 'block' : 'flag', findings: kinds, paths, hiddenStripped: hidden.stripped };
          if (blocked) {
            const reason = `result withheld, instruction-like text: ${findings.map((f) => `${f.kind} at ${f.path}: ${f.detail}`).join('; ')}`;
            return finish('refused', 'output_injection_blocked', reason, errorResult(`the tool result was withheld: it contains instruction-like text (request id ${request.requestId})`));
          }
        }
      }
      if (raw.isError) {
        out.isError = true;
        return finish('error', 'tool_error', 'tool returned an error result', out);
      }
      return finish('allowed', 'ok', `${decision.reason}${engineNote}${approvalNote}`, out);
    } catch {
      return finish('error', 'tool_failed', 'guard pipeline error', errorResult(`tool failed (request id ${request.requestId})`));
    }
  };

  const auditRequest = (request: RequestInfo, agent: string): void => {
    emit({ ...requestFields(request), agent, principalArn: principals.get(request.requestId), decision: 'allowed', outcome: 'ok', reason: `${request.method.slice(0, 64)} answered`, latencyMs: 0 });
  };

  const admitRequest = async (request: RequestInfo, agentName: string, admitOptions: { readonly countRate?: boolean } = {}): Promise<Admission> => {
    const agent = agents.get(agentName);
    const reading = await checkStatus(agentName);
    if (!agent || reading.status !== 'active') {
      const why = agent ? containedReason(reading) : { outcome: 'unknown_caller' as const, reason: 'unknown caller: not an agent of the manifest' };
      refuse(request, why.reason, why.outcome, agentName);
      return { admitted: false, status: 403, message: `Forbidden: agent "${agentName.slice(0, 64)}" is contained by incident response` };
    }
    if (admitOptions.countRate === false) return { admitted: true };
    const taken = await takeRate(agent);
    if (!taken.ok) {
      refuse(request, `rate limiter unavailable (${taken.why}): refused (fail closed)`, 'rate_limiter_unavailable', agentName);
      return { admitted: false, status: 503, message: `The rate limiter is unavailable; retry shortly (request id ${request.requestId})`, retryAfterSeconds: 1 };
    }
    if (!taken.limit.allowed) {
      const perMinute = agent.rateLimit?.perMinute ?? DEFAULT_PER_MINUTE;
      refuse(request, `rate limit ${perMinute}/min exceeded`, 'rate_limited', agentName);
      return { admitted: false, status: 429, message: `Too many requests: rate limit exceeded (${perMinute} requests per minute); retry after ${taken.limit.retryAfterSeconds} s`, retryAfterSeconds: taken.limit.retryAfterSeconds };
    }
    return { admitted: true };
  };

  const auditAbandoned = (request: RequestInfo, agent: string, reason: string): void => {
    if (abandoned.has(request.requestId) || audited.has(request.requestId)) return;
    remember(abandoned, request.requestId);
    emit({ ...requestFields(request), agent, principalArn: principals.get(request.requestId), decision: 'error', outcome: 'tool_failed', reason: `abandoned: ${reason.slice(0, 200)}`, latencyMs: 0 });
    safeMetrics(agent, 'error', 'tool_failed', { latencyMs: 0, redactions: 0, injection: false });
  };

  return { identify, isContained, visibleTools, visibleFeatures, callTool, auditRefusal, auditRequest, admitRequest, auditAbandoned };
}
