/**
 * The audit event: one per request, shaped as an OCSF 1.8 API Activity event (class 6003,
 * category 6 Application Activity) so a SIEM (Security Lake, Splunk, OpenSearch) ingests it
 * without a custom parser. Warden-specific fields live in `unmapped`. Arguments are never
 * logged, only their SHA-256 over canonical JSON: enough to prove what was sent, no PII in logs.
 */
import { createHash, hash as cryptoHash, randomFillSync, randomUUID } from 'node:crypto';
import type { AccessLevel, RedactionType } from '../config/schema';

export const OCSF_VERSION = '1.8.0';
export const API_ACTIVITY_CLASS_UID = 6003;
export const APPLICATION_CATEGORY_UID = 6;
export const PRODUCT = { name: 'mcp-warden', vendor_name: 'mcp-warden' } as const;

/** Per OCSF 6003: a read tool is a Read (2), a write tool an Update (3); no known tool: Other (99). */
export const ACTIVITY = { read: { id: 2, name: 'Read' }, write: { id: 3, name: 'Update' } } as const;
export const OTHER_ACTIVITY_ID = 99;

export type AuditDecision = 'allowed' | 'denied' | 'refused' | 'error';

/** Short machine-readable outcome, in `api.response.error` and the metrics. */
export type AuditOutcome =
  | 'ok'
  | 'tool_error'
  | 'forbidden'
  /** The request's caller proof was missing, or proved another principal than the one claimed (a direct invoke). */
  | 'identity_forgery'
  | 'contained'
  | 'unknown_caller'
  | 'invalid_arguments'
  | 'injection_blocked'
  | 'arguments_too_large'
  /** A prototype-pollution or NoSQL-operator key in the arguments. */
  | 'arguments_refused'
  /** The tool's result carried instruction-like text and `guard.outputInjection` is `block`. */
  | 'output_injection_blocked'
  | 'rate_limited'
  | 'tool_failed'
  | 'status_unavailable'
  | 'rate_limiter_unavailable'
  | 'protocol'
  /** The call needs a human's approval and was held, not run (lib/approvals). */
  | 'approval_pending'
  /** A retry's approval was missing, denied, expired, used, or for another agent, tool or arguments; or a decision was refused. */
  | 'approval_refused'
  /** An approver approved or denied a held call. */
  | 'approval_decided';

const RESPONSE_CODE: Record<AuditOutcome, number> = {
  ok: 200,
  tool_error: 200,
  forbidden: 403,
  contained: 403,
  unknown_caller: 403,
  identity_forgery: 403,
  status_unavailable: 403,
  invalid_arguments: 400,
  injection_blocked: 400,
  arguments_too_large: 400,
  arguments_refused: 400,
  // the upstream (the tool and its data) answered with something the guard won't pass on
  output_injection_blocked: 502,
  protocol: 400,
  rate_limited: 429,
  rate_limiter_unavailable: 503,
  tool_failed: 500,
  approval_pending: 202,
  approval_refused: 403,
  approval_decided: 200,
};

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High. */
const SEVERITY: Record<AuditOutcome, number> = {
  ok: 1,
  tool_error: 1,
  invalid_arguments: 2,
  protocol: 2,
  rate_limited: 2,
  tool_failed: 2,
  rate_limiter_unavailable: 2,
  forbidden: 3,
  contained: 3,
  unknown_caller: 3,
  status_unavailable: 3,
  arguments_too_large: 3,
  arguments_refused: 4,
  identity_forgery: 4,
  injection_blocked: 4,
  output_injection_blocked: 4,
  approval_pending: 1,
  approval_decided: 1,
  approval_refused: 3,
};

export interface AuditRecord {
  readonly time: number;
  readonly requestId: string;
  readonly method: string;
  readonly traceparent: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly agent?: string;
  readonly principalArn?: string;
  readonly server?: string;
  /** As requested (possibly a tool that does not exist). */
  readonly tool?: string;
  /** Set when the tool exists on the server. */
  readonly toolSpec?: { readonly dataset: string; readonly dataClass: string; readonly access: AccessLevel };
  readonly decision: AuditDecision;
  readonly outcome: AuditOutcome;
  readonly reason: string;
  readonly policies?: readonly string[];
  readonly argsSha256?: string;
  readonly redactions?: Partial<Record<RedactionType, number>>;
  readonly latencyMs: number;
  readonly injection?: { readonly action: 'flag' | 'block'; readonly findings: readonly string[] };
  /** Output screening: what was found in the result, where, and how many hidden characters were removed. */
  readonly outputInjection?: { readonly action: 'flag' | 'block'; readonly findings: readonly string[]; readonly paths: readonly string[]; readonly hiddenStripped: number };
  /** The approval a held, refused, released or decided call belongs to (links its events). */
  readonly approvalId?: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** The incoming W3C traceparent if well-formed, else a fresh sampled one. */
export function ensureTraceparent(traceparent: string | undefined): string {
  // W3C Trace Context: version ff, an all-zero trace id or an all-zero parent id are invalid
  if (traceparent && TRACEPARENT.test(traceparent) && !/^ff-|^[0-9a-f]{2}-0{32}-|-0{16}-[0-9a-f]{2}$/.test(traceparent)) return traceparent;
  let traceId: string;
  let parentId: string;
  do {
    traceId = randomHex(16);
    parentId = randomHex(8);
  } while (/^0+$/.test(traceId) || /^0+$/.test(parentId));
  return `00-${traceId}-${parentId}-01`;
}

// Random bytes drawn from the CSPRNG in blocks and each used once: two small `randomBytes`
// calls per request cost ~55 µs (a system call each), a block of 64 requests' worth one.
const RANDOM_POOL = Buffer.alloc(24 * 64);
let randomUsed = RANDOM_POOL.length;

function randomHex(bytes: number): string {
  if (randomUsed + bytes > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomUsed = 0;
  }
  const hex = RANDOM_POOL.toString('hex', randomUsed, randomUsed + bytes);
  // spent bytes are wiped, so nothing in the pool can be handed out twice
  RANDOM_POOL.fill(0, randomUsed, randomUsed + bytes);
  randomUsed += bytes;
  return hex;
}

/** Deepest nesting serialised exactly; deeper input is refused by screening anyway. */
const MAX_CANONICAL_DEPTH = 1000;

/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, no whitespace,
 * `undefined` members dropped, so equal arguments always hash equal whatever their key order.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_CANONICAL_DEPTH) return '"[nested too deep]"';
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], depth + 1)}`).join(',')}}`;
}

/** One-shot SHA-256 where the runtime has it (Node >= 20.12: no Hash object per call). */
const sha256Hex = typeof cryptoHash === 'function' ? (text: string) => cryptoHash('sha256', text, 'hex') : (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function argsSha256(args: unknown): string {
  return sha256Hex(canonicalJson(args));
}

const bounded = (s: string, max = 128): string => (s.length > max ? `${s.slice(0, max)}…` : s);

/**
 * Longest reason kept. Reasons can quote client input (a tool name, a finding per argument);
 * CloudWatch Logs cuts events at 256 KB, and a cut audit line is unparseable JSON that metric
 * filters and the SIEM silently drop, so every client-influenced field is bounded.
 */
export const MAX_REASON_CHARS = 1024;
/** Paths kept in `unmapped.output_injection.paths` (each bounded like other client-influenced text). */
export const MAX_OUTPUT_PATHS = 10;

/** Longest User-Agent kept. */
export const MAX_USER_AGENT_CHARS = 256;
/** Longest tool name kept (manifest tool names are far shorter; a longer one is a probe). */
export const MAX_TOOL_CHARS = 64;

/**
 * The record with every client-controlled string (reason, method, tool, User-Agent, principal,
 * source IP, request id, output paths) redacted by `redactText` (the guard passes redaction for
 * the least-cleared reader: audit lines are read by operators and SIEM users, not the agent)
 * and bounded. Bounded loosely first, so redaction work is bounded too, and exactly after, so a
 * cut can't split a value that redaction would have recognised whole.
 */
export function redactAuditRecord<R extends Omit<AuditRecord, 'time' | 'traceparent'>>(record: R, redactText: (text: string) => string): R {
  const clean = (s: string, max: number): string => bounded(redactText(s.length > max * 4 ? s.slice(0, max * 4) : s), max);
  const opt = (s: string | undefined, max: number) => (s === undefined ? undefined : clean(s, max));
  return {
    ...record,
    requestId: clean(record.requestId, 128),
    method: clean(record.method, 64),
    reason: clean(record.reason, MAX_REASON_CHARS),
    ...(record.tool === undefined ? {} : { tool: clean(record.tool, MAX_TOOL_CHARS) }),
    ...(record.userAgent === undefined ? {} : { userAgent: opt(record.userAgent, MAX_USER_AGENT_CHARS) }),
    ...(record.principalArn === undefined ? {} : { principalArn: opt(record.principalArn, 2048) }),
    ...(record.sourceIp === undefined ? {} : { sourceIp: opt(record.sourceIp, 64) }),
    ...(record.agent === undefined ? {} : { agent: opt(record.agent, 128) }),
    ...(record.outputInjection === undefined
      ? {}
      : { outputInjection: { ...record.outputInjection, paths: record.outputInjection.paths.slice(0, MAX_OUTPUT_PATHS).map((p) => clean(p, 128)) } }),
  };
}

/** The OCSF API Activity event for one request. */
export function ocsfApiActivity(input: AuditRecord): Record<string, unknown> {
  const r: AuditRecord = {
    ...input,
    method: bounded(input.method, 64),
    reason: bounded(input.reason, MAX_REASON_CHARS),
    requestId: bounded(input.requestId, 128),
    ...(input.principalArn === undefined ? {} : { principalArn: bounded(input.principalArn, 2048) }),
    ...(input.sourceIp === undefined ? {} : { sourceIp: bounded(input.sourceIp, 64) }),
  };
  const activity = r.toolSpec ? ACTIVITY[r.toolSpec.access] : { id: OTHER_ACTIVITY_ID, name: r.method };
  const success = r.decision === 'allowed';
  const code = RESPONSE_CODE[r.outcome];
  const session = r.principalArn?.match(/:assumed-role\/[^/]+\/(.+)$/)?.[1];
  const traceId = TRACEPARENT.exec(r.traceparent)?.[1];
  const user: Record<string, unknown> = {};
  if (r.agent) user.name = r.agent;
  if (r.principalArn) user.uid = r.principalArn;
  if (!r.agent && !r.principalArn) user.name = 'unidentified';
  return {
    class_uid: API_ACTIVITY_CLASS_UID,
    class_name: 'API Activity',
    category_uid: APPLICATION_CATEGORY_UID,
    category_name: 'Application Activity',
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: API_ACTIVITY_CLASS_UID * 100 + activity.id,
    type_name: `API Activity: ${activity.name}`,
    severity_id: SEVERITY[r.outcome],
    status_id: success ? 1 : 2,
    status: success ? 'Success' : 'Failure',
    status_code: String(code),
    status_detail: r.reason,
    time: r.time,
    duration: r.latencyMs,
    message: `${r.agent ?? 'unidentified caller'} ${r.method}${r.tool ? ` ${r.server}/${bounded(r.tool, 64)}` : ''}: ${r.decision}`,
    metadata: { version: OCSF_VERSION, product: PRODUCT, uid: randomUUID(), profiles: ['trace'], log_name: 'mcp-warden-audit' },
    actor: { user, ...(session ? { session: { uid: session, issuer: r.principalArn } } : {}) },
    api: {
      operation: r.method,
      ...(r.server ? { service: { name: r.server } } : {}),
      request: { uid: r.requestId },
      response: { code, ...(success ? {} : { error: r.outcome, error_message: r.reason }) },
    },
    src_endpoint: r.sourceIp ? { ip: r.sourceIp } : { name: 'unknown' },
    ...(r.userAgent ? { http_request: { user_agent: bounded(r.userAgent, 256) } } : {}),
    ...(r.tool
      ? {
          resources: [
            {
              name: bounded(r.tool, 64),
              uid: `${r.server}/${bounded(r.tool, 64)}`,
              type: 'mcp-tool',
              ...(r.toolSpec ? { data: { dataset: r.toolSpec.dataset, data_class: r.toolSpec.dataClass, access: r.toolSpec.access } } : {}),
            },
          ],
        }
      : {}),
    ...(traceId ? { trace: { uid: traceId } } : {}),
    unmapped: {
      agent: r.agent ?? null,
      server: r.server ?? null,
      tool: r.tool === undefined ? null : bounded(r.tool, 64),
      args_sha256: r.argsSha256 ?? null,
      decision: r.decision,
      outcome: r.outcome,
      reason: r.reason,
      policies: r.policies ?? [],
      redactions: r.redactions ?? {},
      latency_ms: r.latencyMs,
      request_id: r.requestId,
      traceparent: r.traceparent,
      injection: r.injection ?? null,
      output_injection: r.outputInjection
        ? { action: r.outputInjection.action, findings: r.outputInjection.findings, paths: r.outputInjection.paths.slice(0, MAX_OUTPUT_PATHS).map((p) => bounded(p)), hidden_stripped: r.outputInjection.hiddenStripped }
        : null,
      ...(r.approvalId ? { approval_id: bounded(r.approvalId, 64) } : {}),
    },
  };
}
