/**
 * `tools/call` and `tools/list` answered without a per-request SDK `Server` and transport.
 *
 * Per request the SDK path costs a `Server` with its handlers, a transport, two zod parses of
 * the request and, for 2026-07-28, `createMcpHandler`'s entry (a web `Request`, an event bus,
 * a `Response` read back as text, and a close chain that builds a "Connection closed" error
 * with its stack): about 150 µs (2025-11-25) and 500 µs (2026-07-28) per call on the 2 vCPU
 * bench machine, outside the guard. The direct path does what those steps decide with the
 * SDK's own code where it matters for the answer: the era's wire codec (request and result
 * validation, result projection and encoding, error codes), reached through a long-lived
 * `Server` subclass that is never connected (`SdkCodecs`), and the SDK's public
 * `classifyInboundRequest` for the 2026-07-28 routing checks.
 *
 * It takes only requests whose every SDK check is known to pass (`directRequest` says which;
 * anything else, such as a requestState, inputResponses, extra `_meta` keys or a `Mcp-Name`
 * that is not the tool name byte for byte, goes the SDK way), and it encodes only a complete
 * result that the codec validates. Any other outcome of a call already run (an error thrown,
 * an input_required or held-approval round, a result the codec refuses) is replayed through
 * the SDK `Server` with the call's outcome in hand, so the SDK writes that answer itself and
 * the tool never runs twice. test/lib/runtime/direct-dispatch.test.ts sends the same requests
 * both ways and compares the bytes.
 */
import { classifyInboundRequest, CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, PROTOCOL_VERSION_META_KEY, Server, type CallToolResult, type Implementation, type Result } from '@modelcontextprotocol/server';
import { headerOf, type HttpRequestLike } from './http-types';
import { MODERN_PROTOCOL_VERSION } from './request-checks';

/** The methods answered directly. */
export const DIRECT_METHODS: ReadonlySet<string> = new Set(['tools/call', 'tools/list']);

/** `_meta` keys a direct 2026-07-28 request may carry: the envelope, nothing else. */
const ENVELOPE_KEYS: ReadonlySet<string> = new Set([PROTOCOL_VERSION_META_KEY, CLIENT_INFO_META_KEY, CLIENT_CAPABILITIES_META_KEY]);
/** Reserved for the protocol (the SDK lifts or interprets them): a 2025-11-25 request carrying one goes the SDK way. */
const PROTOCOL_META_PREFIX = 'io.modelcontextprotocol/';
/** Top-level params of a multi-round-trip retry (SDK: RETRY_PARAMS_KEYS). */
const RETRY_PARAMS = ['requestState', 'inputResponses'] as const;
/** The SDK decodes a `Mcp-Name` of this shape (`=?base64?…?=`) before comparing it. */
const BASE64_NAME_PREFIX = '=?base64?';

/** The parts of the SDK's per-era wire codec (its `WireCodec`, not exported by name) the direct path uses. */
export interface WireCodec {
  validateRequest(method: string, raw: unknown): { readonly ok: true; readonly value: unknown } | { readonly ok: false };
  validateResult(method: string, raw: unknown): { readonly ok: true; readonly value: unknown } | { readonly ok: false };
  projectCallToolResult(result: CallToolResult, advertisedOutputSchema: undefined): CallToolResult;
  encodeResult(method: string, result: Result, serverInfo?: Implementation): Result;
  checkInboundEnvelope(material: { readonly envelope?: Record<string, unknown> }): string | undefined;
}

/** One revision's codec and the server identity its results are stamped with. */
export interface SdkCodec {
  readonly codec: WireCodec;
  readonly identity: Implementation | undefined;
}

/**
 * The SDK's wire codec for one revision, from a `Server` that is never connected.
 * `_wireCodec` and `_negotiatedProtocolVersion` are the SDK's protected surface for role
 * subclasses: an instance is 2025-era unless a version is negotiated.
 */
class CodecServer extends Server {
  constructor(info: Implementation, revision: 'legacy' | typeof MODERN_PROTOCOL_VERSION) {
    super({ ...info }, { capabilities: { tools: { listChanged: false } } });
    if (revision !== 'legacy') this._negotiatedProtocolVersion = revision;
  }

  codec(): WireCodec {
    return this._wireCodec();
  }

  identity(): Implementation | undefined {
    return this._outboundServerInfo();
  }
}

export function sdkCodec(info: Implementation, revision: 'legacy' | typeof MODERN_PROTOCOL_VERSION): SdkCodec {
  const server = new CodecServer(info, revision);
  return { codec: server.codec(), identity: server.identity() };
}

/** A request the direct path may answer: the message as the SDK handler would receive it, and its envelope. */
export interface DirectRequest {
  readonly method: 'tools/call' | 'tools/list';
  readonly id: string | number;
  /** The request after the SDK's envelope lift and its era's request schema (what its handler gets). */
  readonly request: { readonly params?: Record<string, unknown> };
  /** 2026-07-28: the lifted `_meta` envelope. */
  readonly envelope?: Record<string, unknown>;
}

/**
 * Whether every check the SDK makes before its handler runs is known to pass for this request,
 * and if so the request as that handler would see it. `undefined`: serve it the SDK way.
 */
export function directRequest(message: Record<string, unknown>, modern: boolean, request: HttpRequestLike, codec: WireCodec): DirectRequest | undefined {
  const method = message.method;
  if (method !== 'tools/call' && method !== 'tools/list') return undefined;
  const id = message.id;
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  const params = message.params as Record<string, unknown> | undefined;
  if (params !== undefined && RETRY_PARAMS.some((key) => Object.hasOwn(params, key))) return undefined;
  const meta = params?._meta as Record<string, unknown> | undefined;
  let envelope: Record<string, unknown> | undefined;
  let lifted = message;
  if (modern) {
    if (meta === undefined || meta === null || typeof meta !== 'object' || Array.isArray(meta)) return undefined;
    if (!Object.keys(meta).every((key) => ENVELOPE_KEYS.has(key))) return undefined;
    if (!routesAsModern(message, request)) return undefined;
    envelope = { ...meta };
    // the SDK's lift: the envelope leaves `_meta`, and an emptied `_meta` leaves params
    const rest = { ...params };
    delete rest._meta;
    lifted = { ...message, params: rest };
    if (codec.checkInboundEnvelope({ envelope }) !== undefined) return undefined;
  } else if (meta !== undefined && meta !== null && typeof meta === 'object' && Object.keys(meta).some((key) => key.startsWith(PROTOCOL_META_PREFIX))) {
    return undefined;
  }
  const validated = codec.validateRequest(method, lifted);
  if (!validated.ok) return undefined;
  return { method, id, request: validated.value as DirectRequest['request'], ...(envelope ? { envelope } : {}) };
}

/**
 * A 2026-07-28 request that `createMcpHandler` routes to its modern path and whose standard
 * headers pass: classified modern on the served revision, MCP-Protocol-Version and Mcp-Method
 * present, and for tools/call a `Mcp-Name` equal to the tool name as sent (no padding, no
 * base64 form); tools/list with no `Mcp-Name`.
 */
function routesAsModern(message: Record<string, unknown>, request: HttpRequestLike): boolean {
  const protocolVersionHeader = headerOf(request.headers, 'mcp-protocol-version');
  const mcpMethodHeader = headerOf(request.headers, 'mcp-method');
  const mcpNameHeader = headerOf(request.headers, 'mcp-name');
  if (protocolVersionHeader === undefined || mcpMethodHeader === undefined) return false;
  if (message.method === 'tools/call') {
    const name = (message.params as Record<string, unknown> | undefined)?.name;
    if (typeof name !== 'string' || mcpNameHeader !== name || name.startsWith(BASE64_NAME_PREFIX) || /^[\t ]|[\t ]$/.test(name)) return false;
  } else if (mcpNameHeader !== undefined) {
    return false;
  }
  const route = classifyInboundRequest({ httpMethod: 'POST', protocolVersionHeader, mcpMethodHeader, mcpNameHeader, body: message });
  return route.kind === 'modern' && route.messageKind === 'request' && route.classification.revision === MODERN_PROTOCOL_VERSION;
}

/** The JSON-RPC response the SDK's protocol layer writes for a result (its member order). */
export function resultResponse(id: string | number, result: unknown): string {
  return JSON.stringify({ result, jsonrpc: '2.0', id });
}

/** SDK `normalizeContentlessToolResult`: a plain tool result without `content` gains `content: []`. */
export function withContent<T extends object>(result: T): T {
  if (Array.isArray(result) || (result as { content?: unknown }).content !== undefined || ['task', 'inputRequests', 'requestState'].some((key) => key in result)) return result;
  return { ...result, content: [] };
}
