/**
 * The guard's check of an `input_required` result (MCP 2026-07-28): what a tool or prompt asks
 * the client for, and the state it wants back. Both leave the server and are readable by the
 * client, so both are shape-checked, bounded and redacted by the agent's clearance like any
 * result. Pure.
 */
import { redactJson, type RedactionCounts, type RedactionPolicy } from './redact';
import type { ToolCallResult } from './contract';

/** `resultType` of a result that asks the client for input. */
export const INPUT_REQUIRED = 'input_required';
/** The requests the 2026-07-28 revision defines. */
export const INPUT_REQUEST_METHODS: ReadonlySet<string> = new Set(['elicitation/create', 'sampling/createMessage', 'roots/list']);
export const MAX_INPUT_REQUESTS = 16;
/** Largest state (serialized) a tool may ask the client to carry. */
export const MAX_STATE_BYTES = 8 * 1024;
const KEY = /^[A-Za-z0-9_.-]{1,64}$/;

export const isInputRequiredResult = (value: unknown): boolean => (value as { resultType?: unknown } | null)?.resultType === INPUT_REQUIRED;

export type ShapedInputRequired = { readonly ok: true; readonly result: ToolCallResult; readonly counts: RedactionCounts } | { readonly ok: false; readonly problem: string };

export function shapeInputRequired(raw: ToolCallResult, clearance: string, policy: RedactionPolicy): ShapedInputRequired {
  const requests = raw.inputRequests;
  if (requests === null || typeof requests !== 'object' || Array.isArray(requests)) return { ok: false, problem: 'inputRequests must be an object' };
  const entries = Object.entries(requests as Record<string, unknown>);
  if (entries.length > MAX_INPUT_REQUESTS) return { ok: false, problem: `more than ${MAX_INPUT_REQUESTS} input requests` };
  for (const [key, request] of entries) {
    if (!KEY.test(key)) return { ok: false, problem: `input request key ${JSON.stringify(key.slice(0, 64))} must be 1-64 letters, digits, "_", "-" or "."` };
    const { method, params } = (request ?? {}) as { method?: unknown; params?: unknown };
    if (typeof method !== 'string' || !INPUT_REQUEST_METHODS.has(method)) return { ok: false, problem: `inputRequests.${key}.method must be one of ${[...INPUT_REQUEST_METHODS].join(', ')}` };
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return { ok: false, problem: `inputRequests.${key}.params must be an object` };
  }
  let stateText: string | undefined;
  if (raw.state !== undefined) {
    try {
      stateText = JSON.stringify(raw.state);
    } catch {
      return { ok: false, problem: 'state is not JSON' };
    }
    if (Buffer.byteLength(stateText, 'utf8') > MAX_STATE_BYTES) return { ok: false, problem: `state is larger than ${MAX_STATE_BYTES} bytes` };
  }
  if (entries.length === 0 && stateText === undefined) return { ok: false, problem: 'an input_required result needs input requests or a state' };
  const redacted = redactJson({ inputRequests: requests, ...(stateText !== undefined ? { state: raw.state } : {}) }, clearance, policy);
  const value = redacted.value as { inputRequests: Record<string, unknown>; state?: unknown };
  return {
    ok: true,
    counts: redacted.counts,
    result: { content: [], resultType: INPUT_REQUIRED, inputRequests: value.inputRequests, ...(value.state !== undefined ? { state: value.state } : {}) },
  };
}
