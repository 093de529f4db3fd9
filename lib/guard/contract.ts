/**
 * The contract between the per-call guard and the transports that host it (the Lambda
 * handler and the local dev server). The guard is pure: every effect (kill-switch status,
 * rate-limit counters, audit output, metrics, clock) is an adapter passed in, so the same
 * pipeline runs in AWS, in `npm run dev` and in tests.
 */
import type { DecisionTable } from '../policy/decision-table';
import type { AgentSpec, Manifest, ToolSpec } from '../config/schema';
import type { ApprovalGate } from '../approvals/approval-gate';

/** Who sent the request, as the transport saw it. Exactly one of the identities is set. */
export interface CallerInfo {
  /** AWS: the caller's IAM ARN from API Gateway's requestContext (assumed-role or role ARN). */
  readonly principalArn?: string;
  /** Dev: the agent a valid bearer token (or `--agent`) stands for. */
  readonly devAgent?: string;
}

export interface RequestInfo {
  readonly requestId: string;
  /** W3C traceparent, passed through to the audit event (generated when absent). */
  readonly traceparent?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** MCP JSON-RPC method, e.g. `tools/call`. */
  readonly method: string;
  /**
   * The principal the transport authenticated (Lambda: the IAM caller ARN), for the audit of a
   * request refused before identify() ran. @default - none known
   */
  readonly claimedPrincipal?: string;
}

/** Kill switch: agent status, read with a short cache by the guard. */
export interface AgentStatusStore {
  /** Throws when the store can't be read; the guard then fails closed. */
  getStatus(agent: string): Promise<AgentStatus>;
}
export type AgentStatus = 'active' | 'contained';

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Seconds until the window resets; set when refused. */
  readonly retryAfterSeconds: number;
  readonly remaining: number;
}

/** Fixed-window counter per agent (DynamoDB in AWS, in memory in dev). */
export interface RateLimiter {
  take(agent: string, perMinute: number, nowMs: number): Promise<RateLimitDecision>;
}

/** Where audit events go: stdout JSON lines in Lambda (CloudWatch Logs), a buffer in tests. */
export interface AuditSink {
  emit(event: Record<string, unknown>): void;
}

/** CloudWatch EMF metrics, per agent. */
/**
 * The guard's metrics (namespace `McpWarden`, dimension `Agent`): the one list that the runtime
 * emits and the monitoring construct alarms on. `IdentityForgery` counts requests whose caller
 * proof was missing or did not match the claimed caller (dimension: the claimed agent, or `(unknown)`).
 */
export const METRIC_NAMES = ['Calls', 'Denied', 'RateLimited', 'InjectionFlagged', 'Redactions', 'Errors', 'Latency', 'IdentityForgery'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export interface MetricsSink {
  put(agent: string, metrics: Partial<Record<MetricName, number>>, dimensions?: Record<string, string>): void;
}

/**
 * A second argument-screening engine (`guard.injection.engine`), asked after the local screen
 * let the arguments through: Amazon Bedrock Guardrails' prompt-attack filter in AWS. The guard
 * bounds each call (`guard.injection.bedrock.timeoutMs`) and applies the manifest's fail mode.
 */
export interface InjectionEngine {
  readonly name: string;
  /** Whether `texts` carry a prompt attack; rejects when the engine cannot say. */
  screen(texts: readonly { readonly path: string; readonly text: string }[], signal: AbortSignal): Promise<{ readonly flagged: boolean; readonly detail?: string }>;
}

export interface GuardAdapters {
  /** The engine `guard.injection.engine` names, when it is not `local`. @default - local screen only */
  readonly injectionEngine?: InjectionEngine;
  readonly status: AgentStatusStore;
  /** Human approval of the tools the manifest marks (lib/approvals). @default - no call is held */
  readonly approvals?: ApprovalGate;
  readonly rateLimiter: RateLimiter;
  readonly audit: AuditSink;
  readonly metrics: MetricsSink;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface GuardOptions {
  readonly manifest: Manifest;
  /** Extra Cedar policy texts (team forbid/permit rules), already read from disk. */
  readonly extraPolicies?: readonly string[];
  /** Cedar's decisions computed at synth for this manifest and policies (the server Lambda's). @default - Cedar evaluates */
  readonly decisions?: DecisionTable;
  readonly adapters: GuardAdapters;
  /**
   * Maps an IAM principal ARN to an agent name. AWS: caller role name
   * `<project>-<environment>-<agent>-caller`. @default - that naming convention
   */
  readonly resolvePrincipal?: (principalArn: string) => string | undefined;
  /** Upper bound on one tool run, on top of the transport's deadline. @default - none */
  readonly toolTimeoutMs?: number;
  /**
   * Upper bound on each adapter call (kill-switch read, rate-limit update); past it the guard
   * fails closed and audits the timeout. @default 1000 (ADAPTER_TIMEOUT_MS)
   */
  readonly adapterTimeoutMs?: number;
  /**
   * Called when the kill switch reports an agent contained (or unreadable): the runtime drops
   * what it caches for the agent, e.g. its data-role sessions. Errors are ignored. @default - none
   */
  readonly onContained?: (agent: string) => void;
}

/** Whether a request of an identified agent may go on; a refusal is already audited. */
export type Admission =
  | { readonly admitted: true }
  | {
      readonly admitted: false;
      /** HTTP status: 403 contained, 429 rate limited, 503 a backend unavailable. */
      readonly status: 403 | 429 | 503;
      readonly message: string;
      /** Set with 429 (and 503): seconds the client should wait, for a `retry-after` header. */
      readonly retryAfterSeconds?: number;
    };

/** The agent the guard recognised; `undefined` means refuse the request (HTTP 403). */
export interface Identified {
  readonly agent: AgentSpec;
}

/** Optional hints on a content part (MCP `Annotations`). */
export interface ToolContentAnnotations {
  readonly audience?: Array<'user' | 'assistant'>;
  readonly priority?: number;
  readonly lastModified?: string;
}

export interface TextToolContent {
  readonly type: 'text';
  readonly text: string;
  readonly annotations?: ToolContentAnnotations;
}

/** Base64 `data`; the guard can't read it, so it passes only to agents cleared for the tool's dataset class. */
export interface ImageToolContent {
  readonly type: 'image';
  readonly data: string;
  readonly mimeType: string;
  readonly annotations?: ToolContentAnnotations;
}

export interface AudioToolContent {
  readonly type: 'audio';
  readonly data: string;
  readonly mimeType: string;
  readonly annotations?: ToolContentAnnotations;
}

/** An embedded resource: `text` is redacted like any text; a base64 `blob` is treated like image data. */
export interface EmbeddedResourceToolContent {
  readonly type: 'resource';
  readonly resource: { readonly uri: string; readonly mimeType?: string; readonly text: string } | { readonly uri: string; readonly mimeType?: string; readonly blob: string };
  readonly annotations?: ToolContentAnnotations;
}

/** A link to a resource the client may fetch itself (its strings are redacted as text). */
export interface ResourceLinkToolContent {
  readonly type: 'resource_link';
  readonly uri: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly size?: number;
  readonly annotations?: ToolContentAnnotations;
}

/** One part of a tool result (MCP `ContentBlock`). */
export type ToolContent = TextToolContent | ImageToolContent | AudioToolContent | EmbeddedResourceToolContent | ResourceLinkToolContent;

/** Result of a tool call as MCP returns it (`CallToolResult`). */
export interface ToolCallResult {
  readonly content: ToolContent[];
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
  [key: string]: unknown;
}

/** What the transport hands the guard for one `tools/call`. */
export interface ToolCallRequest {
  /**
   * What is called: a tool (`tools/call`), a resource (`resources/read`, its contents as
   * embedded-resource parts) or a prompt (`prompts/get`, its messages' content parts). All three
   * take the same pipeline. @default 'tool'
   */
  readonly kind?: 'tool' | 'resource' | 'prompt';
  readonly agent: AgentSpec;
  /** The tool name as the client sent it (no server prefix: one MCP server per manifest server). */
  readonly server: string;
  readonly tool: string;
  readonly args: unknown;
  readonly request: RequestInfo;
  /**
   * Validates and parses arguments with the tool's zod schema; returns the parsed value or a
   * message naming the offending argument (becomes JSON-RPC -32602 / isError).
   */
  readonly validate: (args: unknown) => { ok: true; value: unknown } | { ok: false; message: string };
  /** Runs the tool code; the guard redacts and audits what it returns. */
  readonly run: (args: unknown) => Promise<ToolCallResult>;
  /** Answers the client sent for an `input_required` round (2026-07-28): screened like the arguments. */
  readonly inputResponses?: Readonly<Record<string, unknown>>;
  /** Who called, for the audit event's actor. @default - what identify() saw for this request id */
  readonly caller?: CallerInfo;
  /** The approval id a retry of a held call brings back (requestState or `_meta`). @default - none */
  readonly approvalReference?: string;
}

export interface Guard {
  /** Identify the caller. Unknown principal, unknown agent → undefined (refuse, audited). */
  identify(caller: CallerInfo, request: RequestInfo): Identified | undefined;
  /** Kill switch: true when the agent is contained or its status can't be read (fail closed). */
  isContained(agent: string): Promise<boolean>;
  /** The tools of `server` that `agent` may call; `tools/list` shows only these. */
  visibleTools(agent: string, server: string): ToolSpec[];
  /** Names of the resources (and templates) or prompts of `server` that `agent` may use; their lists show only these. */
  visibleFeatures(kind: 'resource' | 'prompt', agent: string, server: string): string[];
  /**
   * The whole per-call pipeline: kill switch → authorize (Cedar) → rate limit (every call of an
   * active agent counts, refused ones too) → validate → screen → run → redact → audit +
   * metrics. Never throws for client input; a refusal
   * is an `isError` result whose text names no other tool.
   */
  callTool(call: ToolCallRequest): Promise<ToolCallResult>;
  /** Audit a request refused before it reached a tool (unknown caller, contained agent, bad protocol). */
  auditRefusal(request: RequestInfo, reason: string, agent?: string): void;
  /**
   * Audit an accepted request that runs no tool (`initialize`, `tools/list`, `ping`), so that
   * every request, not only tool calls, leaves exactly one audit event. No metrics: `Calls`
   * counts tool calls.
   */
  auditRequest?(request: RequestInfo, agent: string): void;
  /**
   * Kill switch, then the agent's rate limit, for any request of an identified agent (so
   * `tools/list`, `ping` and `initialize` count like calls). `countRate: false` skips the limit
   * for `tools/call`, which `callTool` counts itself. Every adapter call is bounded; a refusal is audited.
   */
  admitRequest(request: RequestInfo, agent: string, options?: { readonly countRate?: boolean }): Promise<Admission>;
  /**
   * The transport gave up on a request (its deadline passed): audit it now, once. If the guard
   * finishes the same request later, that second event is dropped: one request, one event.
   */
  auditAbandoned(request: RequestInfo, agent: string, reason: string): void;
}
