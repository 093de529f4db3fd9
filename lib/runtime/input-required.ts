/**
 * Multi round-trip requests (MCP 2026-07-28 `input_required`): instead of calling the client
 * back (elicitation, sampling, roots pushed by the server), a tool or prompt returns what it
 * needs, and the client retries the same request with the answers.
 *
 *   handler: (args, ctx) => {
 *     const answer = ctx.input.responses.confirm;        // untrusted: validate it
 *     if (!answer) return inputRequired({ requests: { confirm: elicit('Delete it?', { ok: { type: 'boolean' } }) }, state: { step: 1 } });
 *     ...
 *   }
 *
 * `state` goes to the client as `requestState`, sealed by the runtime (HMAC-SHA256, expiring,
 * bound to the agent, the server and the tool): a client can read it but not change it or
 * replay it for another agent or tool; a tampered state is refused before any code runs.
 */
import type { JsonValue } from './dataset-client';

const INPUT_REQUIRED = Symbol.for('mcp-warden/input-required');

/** One request to the client (MCP `InputRequest`): elicitation, sampling or roots. */
export interface InputRequest {
  readonly method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list';
  readonly params: Readonly<Record<string, unknown>>;
}

export interface InputRequired {
  readonly [INPUT_REQUIRED]: true;
  readonly requests: Readonly<Record<string, InputRequest>>;
  readonly state?: JsonValue;
}

/** What the retried request brought back. */
export interface InputRound {
  /** The client's answers, keyed as the requests were (client input: validate before use). */
  readonly responses: Readonly<Record<string, unknown>>;
  /** The `state` returned last round, verified; undefined on a first round. */
  readonly state: JsonValue | undefined;
  /** Client capabilities the request declared (2026-07-28 `_meta`); ask only for what is declared. */
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
}

/** No answers and no state: a request's first round, and every 2025-11-25 request. */
export const FIRST_ROUND: InputRound = Object.freeze({ responses: Object.freeze({}), state: undefined, clientCapabilities: Object.freeze({}) });

/** Most input requests one result may carry (the guard refuses more). */
export { MAX_INPUT_REQUESTS } from '../guard/input-request-shape';
import { MAX_INPUT_REQUESTS } from '../guard/input-request-shape';

export function inputRequired(options: { readonly requests?: Readonly<Record<string, InputRequest>>; readonly state?: JsonValue }): InputRequired {
  const requests = options.requests ?? {};
  const keys = Object.keys(requests);
  if (keys.length === 0 && options.state === undefined) throw new Error('inputRequired needs at least one request or a state');
  if (keys.length > MAX_INPUT_REQUESTS) throw new Error(`inputRequired: at most ${MAX_INPUT_REQUESTS} requests per round, got ${keys.length}`);
  return Object.freeze({ [INPUT_REQUIRED]: true as const, requests, ...(options.state !== undefined ? { state: options.state } : {}) });
}

export function isInputRequired(value: unknown): value is InputRequired {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[INPUT_REQUIRED] === true;
}

/** An elicitation (a form the user fills): `properties` is the JSON Schema of each field. */
export function elicit(message: string, properties: Readonly<Record<string, Record<string, unknown>>>, required: readonly string[] = Object.keys(properties)): InputRequest {
  return { method: 'elicitation/create', params: { message, requestedSchema: { type: 'object', properties, required: [...required] } } };
}

/** A sampling request (the client's model answers `text`). */
export function sample(text: string, maxTokens = 100): InputRequest {
  return { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text } }], maxTokens } };
}

/** The client's roots. */
export function listRoots(): InputRequest {
  return { method: 'roots/list', params: {} };
}
