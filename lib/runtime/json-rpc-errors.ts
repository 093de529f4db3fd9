/**
 * JSON-RPC error responses. Every refusal the runtime makes is one of these: a client can
 * always parse the body, and the message says what was wrong without a stack trace or path.
 */
import type { HttpResponseLike } from './http-types';

export const JSON_RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** Implementation-defined server errors (-32000..-32099), as the MCP SDK uses for transport refusals. */
  SERVER_ERROR: -32000,
  /** MCP: `resources/read` of a URI the server does not have (2025-11-25; 2026-07-28 uses -32602 with `data.uri`). */
  RESOURCE_NOT_FOUND: -32002,
  /** MCP 2026-07-28: the Mcp-Method / Mcp-Name / MCP-Protocol-Version header disagrees with the body. */
  HEADER_MISMATCH: -32020,
  /** MCP 2026-07-28: the request needs a client capability its `_meta` envelope did not declare. */
  MISSING_CLIENT_CAPABILITY: -32021,
  /** MCP 2026-07-28: the requested revision is not served; `data.supported` lists the ones that are. */
  UNSUPPORTED_PROTOCOL_VERSION: -32022,
} as const;

/**
 * Codes whose `data` the SDK builds from protocol facts only (supported versions, missing
 * capabilities, the mismatched header, a refused requestState's reason): passed on to the client.
 */
export const PROTOCOL_DATA_CODES: ReadonlySet<number> = new Set([JSON_RPC.HEADER_MISMATCH, JSON_RPC.MISSING_CLIENT_CAPABILITY, JSON_RPC.UNSUPPORTED_PROTOCOL_VERSION]);

export type JsonRpcId = string | number | null;

export function jsonRpcError(status: number, code: number, message: string, id: JsonRpcId = null, headers: Record<string, string> = {}): HttpResponseLike {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }),
  };
}
