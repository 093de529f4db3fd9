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
} as const;

export type JsonRpcId = string | number | null;

export function jsonRpcError(status: number, code: number, message: string, id: JsonRpcId = null, headers: Record<string, string> = {}): HttpResponseLike {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }),
  };
}
