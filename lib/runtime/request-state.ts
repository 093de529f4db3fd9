/**
 * The runtime's side of `input_required` (MCP 2026-07-28): it reads a retried round (the
 * client's answers, the verified state, the declared capabilities) for tool and prompt code,
 * and seals the state code returns into `requestState` with the SDK's HMAC codec: expiring,
 * bound to the agent and server, and naming the tool or prompt it belongs to, so a client
 * can neither alter it nor replay it for another agent, server, tool or prompt.
 */
import { randomBytes } from 'node:crypto';
import { CLIENT_CAPABILITIES_META_KEY, createRequestStateCodec, inputRequired as sdkInputRequired, ProtocolError, ProtocolErrorCode, type RequestStateCodec, type ServerContext } from '@modelcontextprotocol/server';
import type { ToolCallResult } from '../guard/contract';
import type { JsonValue } from './dataset-client';
import { FIRST_ROUND, type InputRound } from './input-required';

/** How long a client may take to answer one round. */
export const REQUEST_STATE_TTL_SECONDS = 600;

/** What the sealed requestState carries: whose round it is, and the code's own state. */
interface SealedState {
  readonly kind: 'tool' | 'prompt';
  readonly name: string;
  readonly state?: JsonValue;
}

/** The SDK's wording and reason for a refused requestState, so every refusal reads the same. */
const invalidState = () => new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid or expired requestState', { reason: 'invalid_request_state' });

export interface RequestStateSeal {
  /** For ServerOptions.requestState.verify: refuses a tampered, expired or foreign state before any code runs. */
  readonly verify: (state: string, ctx: ServerContext) => Promise<unknown>;
  /** The round a retried request brings (FIRST_ROUND when it brings nothing). */
  round(ctx: ServerContext, kind: SealedState['kind'], name: string): InputRound;
  /** The guard's input_required result as the 2026-07-28 wire result, its state sealed. */
  seal(result: ToolCallResult, ctx: ServerContext, kind: SealedState['kind'], name: string): Promise<ReturnType<typeof sdkInputRequired>>;
}

/**
 * The HMAC key that seals requestState: bytes, or where to get them when a state is first
 * sealed or verified (e.g. derived from the server's KMS key in Lambda, once per process), so
 * a request that never uses input_required never waits for it.
 */
export type RequestStateKey = Uint8Array | string | (() => Promise<Uint8Array | string>);

/**
 * @param key HMAC key, at least 32 bytes; every instance that may receive a retried round
 *   needs the same one. @default - random per process (one dev server, one Lambda instance)
 */
export function requestStateSeal(binding: string, key: RequestStateKey = processKey()): RequestStateSeal {
  let codec: Promise<RequestStateCodec<SealedState>> | undefined;
  const codecOf = () => {
    codec ??= Promise.resolve(typeof key === 'function' ? key() : key).then((bytes) => createRequestStateCodec<SealedState>({ key: bytes, ttlSeconds: REQUEST_STATE_TTL_SECONDS, bind: () => binding }));
    // a key source that failed (KMS unreachable) is asked again by the next request
    codec.catch(() => (codec = undefined));
    return codec;
  };
  return {
    verify: async (state, ctx) => (await codecOf()).verify(state, ctx),
    round(ctx, kind, name) {
      const sealed = ctx.mcpReq.requestState<SealedState>();
      if (sealed !== undefined && (sealed.kind !== kind || sealed.name !== name)) throw invalidState();
      const responses = ctx.mcpReq.inputResponses ?? {};
      const capabilities = ctx.mcpReq.envelope?.[CLIENT_CAPABILITIES_META_KEY as keyof NonNullable<typeof ctx.mcpReq.envelope>];
      if (sealed === undefined && Object.keys(responses).length === 0 && capabilities === undefined) return FIRST_ROUND;
      return { responses, state: sealed?.state, clientCapabilities: (capabilities ?? {}) as Record<string, unknown> };
    },
    async seal(result, ctx, kind, name) {
      const requests = (result.inputRequests ?? {}) as Record<string, never>;
      const requestState = await (await codecOf()).mint({ kind, name, ...(result.state !== undefined ? { state: result.state as JsonValue } : {}) }, ctx);
      return sdkInputRequired({ ...(Object.keys(requests).length > 0 ? { inputRequests: requests } : {}), requestState });
    },
  };
}

let key: Buffer | undefined;
function processKey(): Buffer {
  key ??= randomBytes(32);
  return key;
}
