/**
 * Checks every request passes before the MCP SDK sees it. Pure: no I/O, no globals.
 *
 * Why here and not only in the SDK: the SDK accepts batches, null ids and any nesting depth,
 * and it parses before it rejects. These checks refuse hostile input early, cheaply and
 * uniformly, as JSON-RPC errors with 4xx statuses (never a 5xx for client input).
 */
import {
  CallToolRequestSchema,
  CancelledNotificationSchema,
  CompleteRequestSchema,
  DiscoverRequestSchema,
  GetPromptRequestSchema,
  InitializedNotificationSchema,
  InitializeRequestSchema,
  JSONRPCMessageSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/core';
import { SUPPORTED_PROTOCOL_VERSIONS as LEGACY_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import { headerOf, type HttpRequestLike, type HttpResponseLike } from './http-types';
import { JSON_RPC, jsonRpcError, type JsonRpcId } from './json-rpc-errors';

/** Deepest nesting of objects/arrays accepted in a message (the envelope counts as 1). */
export const MAX_JSON_DEPTH = 32;
/** Keys that could reach an object's prototype if any code merged them; refused wherever they appear. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** The stateless revision: no handshake, every request carries its version and capabilities in `_meta`. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
/** Every revision served, newest first; each request picks one (docs/dev-server.md). */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [MODERN_PROTOCOL_VERSION, ...LEGACY_PROTOCOL_VERSIONS];
/** `_meta` key naming a 2026-07-28 request's revision (its presence makes the request modern). */
export const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';
/** What a warden server answers under either revision; anything else is -32601. */
export const SUPPORTED_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'server/discover',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'prompts/list',
  'prompts/get',
  'completion/complete',
]);
/** Methods 2026-07-28 removed: a modern request for one is 404 / -32601, as for an unknown method. */
export const REMOVED_METHODS: ReadonlySet<string> = new Set(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe']);
/** Methods only 2026-07-28 has: a 2025-era request for one is -32601. */
export const MODERN_ONLY_METHODS: ReadonlySet<string> = new Set(['server/discover']);
/** Notifications accepted (and ignored): the client's lifecycle and cancellation messages. */
export const SUPPORTED_NOTIFICATIONS: ReadonlySet<string> = new Set(['notifications/initialized', 'notifications/cancelled']);

interface ShapeSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}
/**
 * The SDK's own schema of each accepted message. Checked here so a malformed `params` is a
 * -32602 naming the field, not the SDK's -32603 with a zod dump or its "-32700 Parse error"
 * for a well-formed body.
 */
const MESSAGE_SCHEMAS: ReadonlyMap<string, ShapeSchema> = new Map<string, ShapeSchema>([
  ['initialize', InitializeRequestSchema],
  ['ping', PingRequestSchema],
  ['tools/list', ListToolsRequestSchema],
  ['tools/call', CallToolRequestSchema],
  ['server/discover', DiscoverRequestSchema],
  ['resources/list', ListResourcesRequestSchema],
  ['resources/templates/list', ListResourceTemplatesRequestSchema],
  ['resources/read', ReadResourceRequestSchema],
  ['prompts/list', ListPromptsRequestSchema],
  ['prompts/get', GetPromptRequestSchema],
  ['completion/complete', CompleteRequestSchema],
  ['notifications/initialized', InitializedNotificationSchema],
  ['notifications/cancelled', CancelledNotificationSchema],
]);
/** RFC 8259: JSON exchanged between systems MUST be UTF-8; invalid or overlong sequences are refused, not replaced. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface ValidMessage {
  readonly ok: true;
  readonly method: string;
  /** Absent for notifications. */
  readonly id?: string | number;
  readonly params?: Record<string, unknown>;
  /** The parsed message, as the SDK transport should receive it. */
  readonly message: Record<string, unknown>;
  /** A 2026-07-28 request (its `_meta` envelope or its MCP-Protocol-Version header says so). */
  readonly modern: boolean;
}
export interface Refused {
  readonly ok: false;
  readonly response: HttpResponseLike;
  /** Method name when it could be read, for the audit event. */
  readonly method?: string;
}

/**
 * HTTP-level checks: method, size, content type and encoding, Accept and (unless `version: false`,
 * for a caller that checks it once the body says which revision the request is) protocol version.
 */
export function checkHttp(req: HttpRequestLike, maxBodyBytes: number, checks: { readonly version?: boolean } = {}): HttpResponseLike | undefined {
  if (String(req.method ?? '').toUpperCase() !== 'POST') {
    // Stateless server: no SSE stream to GET and no session to DELETE.
    return jsonRpcError(405, JSON_RPC.SERVER_ERROR, `Method not allowed: this MCP endpoint accepts POST only`, null, { allow: 'POST' });
  }
  const size = bodySize(req.body);
  const declared = Number(headerOf(req.headers, 'content-length') ?? 0) || 0;
  // the contract is "a body of 1 MB or more is refused": the limit itself is too large
  if (size >= maxBodyBytes || declared >= maxBodyBytes) {
    return jsonRpcError(413, JSON_RPC.SERVER_ERROR, `Request body too large: it must be smaller than ${maxBodyBytes} bytes (guard.maxBodyBytes in the manifest)`);
  }
  if (!isJsonContentType(headerOf(req.headers, 'content-type'))) {
    return jsonRpcError(415, JSON_RPC.SERVER_ERROR, 'Unsupported Media Type: Content-Type must be application/json');
  }
  const encoding = contentEncodingProblem(headerOf(req.headers, 'content-encoding'));
  if (encoding) {
    // RFC 9110 §15.5.16: 415 for a content coding the server does not apply; nothing here decodes one
    return jsonRpcError(415, JSON_RPC.SERVER_ERROR, `Unsupported Media Type: Content-Encoding "${printable(encoding)}" is not decoded here; send the body unencoded (identity)`, null, { 'accept-encoding': 'identity' });
  }
  if (!acceptsBoth(headerOf(req.headers, 'accept') ?? '')) {
    // Streamable HTTP: the client MUST accept both (the response here is always JSON).
    return jsonRpcError(406, JSON_RPC.SERVER_ERROR, 'Not Acceptable: Accept must list both application/json and text/event-stream');
  }
  return checks.version === false ? undefined : checkProtocolVersionHeader(req);
}

/**
 * A 2025-era request's MCP-Protocol-Version header. A 2026-07-28 request (one with a `_meta`
 * envelope) is not checked here: the SDK answers its unknown version with the revision's
 * UnsupportedProtocolVersionError (`data.supported`, `data.requested`) and a header that
 * disagrees with the envelope with -32020.
 */
export function checkProtocolVersionHeader(req: HttpRequestLike): HttpResponseLike | undefined {
  const version = headerOf(req.headers, 'mcp-protocol-version');
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    return jsonRpcError(400, JSON_RPC.SERVER_ERROR, `Unsupported MCP-Protocol-Version "${printable(version)}": supported versions are ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`);
  }
  return undefined;
}

/** Parses and checks one JSON-RPC message. */
/** The members of a JSON-RPC 2.0 request or notification. */
const JSON_RPC_MEMBERS = new Set(['jsonrpc', 'id', 'method', 'params']);

/**
 * @param headerSaysModern the MCP-Protocol-Version header names 2026-07-28: the request is
 *   judged by that revision's rules even if its envelope is missing (the SDK then answers -32602)
 */
export function parseMessage(body: string | Uint8Array | null | undefined, headerSaysModern = false): ValidMessage | Refused {
  let text: string;
  try {
    // TextDecoder drops a leading BOM from bytes; a string body (Lambda) gets the same treatment
    text = typeof body === 'string' ? body.replace(/^\uFEFF/, '') : body ? UTF8.decode(body) : '';
  } catch {
    return refuse(JSON_RPC.PARSE_ERROR, 'Parse error: the body is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse(JSON_RPC.PARSE_ERROR, 'Parse error: the body is not valid JSON');
  }
  // JSON.parse creates "__proto__" as an own data property (it never sets the prototype), so
  // walking the parsed value finds it without anything having been evaluated.
  const shape = inspectShape(parsed);
  if (shape) return refuse(JSON_RPC.INVALID_REQUEST, `Invalid Request: ${shape}`);
  if (Array.isArray(parsed)) return refuse(JSON_RPC.INVALID_REQUEST, 'Invalid Request: batches (JSON arrays) are not supported; send one JSON-RPC message per request');
  if (parsed === null || typeof parsed !== 'object') return refuse(JSON_RPC.INVALID_REQUEST, 'Invalid Request: the body must be a JSON-RPC object');
  const msg = parsed as Record<string, unknown>;
  const hasId = Object.hasOwn(msg, 'id');
  // the SDK (and so MCP) takes integer ids only; 1.5, 1e300 and 1e400 (Infinity) are refused here, plainly
  const idValid = hasId && (typeof msg.id === 'string' || (typeof msg.id === 'number' && Number.isSafeInteger(msg.id)));
  const id: JsonRpcId = idValid ? (msg.id as string | number) : null;
  if (msg.jsonrpc !== '2.0') return refuse(JSON_RPC.INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be exactly "2.0"', id);
  if (hasId && !idValid) return refuse(JSON_RPC.INVALID_REQUEST, 'Invalid Request: "id" must be a string or an integer (at most 2^53 - 1)');
  if (typeof msg.id === 'string' && msg.id.length > 256) return refuse(JSON_RPC.INVALID_REQUEST, 'Invalid Request: "id" is longer than 256 characters');
  if (Object.hasOwn(msg, 'result') || Object.hasOwn(msg, 'error')) {
    return refuse(JSON_RPC.INVALID_REQUEST, 'Invalid Request: this server sends no requests, so it accepts no responses', id);
  }
  if (typeof msg.method !== 'string' || msg.method.length === 0 || msg.method.length > 128) {
    return refuse(JSON_RPC.INVALID_REQUEST, 'Invalid Request: "method" must be a non-empty string', id);
  }
  const method = msg.method;
  // JSON-RPC 2.0 defines exactly these members; anything else is a malformed request, not bad params
  const stray = Object.keys(msg).find((key) => !JSON_RPC_MEMBERS.has(key));
  if (stray !== undefined) {
    return { ...refuse(JSON_RPC.INVALID_REQUEST, `Invalid Request: unknown member ${JSON.stringify(printable(stray.slice(0, 64)))}; a JSON-RPC request has only jsonrpc, id, method and params`, id), method };
  }
  if (Object.hasOwn(msg, 'params') && (msg.params === null || typeof msg.params !== 'object' || Array.isArray(msg.params))) {
    return { ...refuse(JSON_RPC.INVALID_REQUEST, 'Invalid Request: "params" must be an object when present', id), method };
  }
  const params = msg.params as Record<string, unknown> | undefined;
  if (!hasId) {
    if (SUPPORTED_METHODS.has(method)) {
      // a request sent as a notification would run with nowhere to send its answer
      return { ...refuse(JSON_RPC.INVALID_REQUEST, `Invalid Request: "${method}" is a request and needs an "id"`), method };
    }
    if (!SUPPORTED_NOTIFICATIONS.has(method)) {
      return { ...refuse(JSON_RPC.METHOD_NOT_FOUND, `Method not found: ${printable(method)}`), method };
    }
    const invalid = schemaProblem(msg, method);
    if (invalid) return { ...refuse(JSON_RPC.INVALID_PARAMS, `Invalid params: ${invalid}`), method };
    return { ok: true, method, params, message: msg, modern: isModernRequest(params) || headerSaysModern };
  }
  const modern = isModernRequest(params) || headerSaysModern;
  if (!SUPPORTED_METHODS.has(method) || (modern ? REMOVED_METHODS.has(method) : MODERN_ONLY_METHODS.has(method))) {
    // A well-formed request for a method this server lacks: 2025-11-25 answers a JSON-RPC
    // error in a normal response (the SDK client surfaces it as McpError -32601); 2026-07-28
    // makes it an HTTP 404, removed methods (initialize, ping) included.
    const offered = [...SUPPORTED_METHODS].filter((m) => (modern ? !REMOVED_METHODS.has(m) : !MODERN_ONLY_METHODS.has(m)));
    return {
      ok: false,
      method,
      response: jsonRpcError(modern ? 404 : 200, JSON_RPC.METHOD_NOT_FOUND, `Method not found: ${printable(method)} (this server offers ${offered.join(', ')})`, id),
    };
  }
  if (method === 'tools/call') {
    // The SDK would reject these with -32603 and a zod dump; answer plainly instead.
    if (typeof params?.name !== 'string' || params.name.length === 0) {
      return { ...refuse(JSON_RPC.INVALID_PARAMS, 'Invalid params: tools/call needs "name", the tool name as a string', id), method };
    }
    const args = params.arguments;
    if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
      return { ...refuse(JSON_RPC.INVALID_PARAMS, 'Invalid params: tools/call "arguments" must be an object of named arguments', id), method };
    }
  }
  const invalid = schemaProblem(msg, method);
  if (invalid) return { ...refuse(JSON_RPC.INVALID_PARAMS, `Invalid params: ${invalid}`, id), method };
  return { ok: true, method, id: id as string | number, params, message: msg, modern };
}

/** A 2026-07-28 request: its `_meta` envelope names the revision (no envelope: a 2025-era request). */
export function isModernRequest(params: Record<string, unknown> | undefined): boolean {
  const meta = params?._meta;
  return meta !== null && typeof meta === 'object' && Object.hasOwn(meta, PROTOCOL_VERSION_META);
}

/** The first problems the SDK's schemas find in a message, naming each field (`params.protocolVersion: ...`). */
function schemaProblem(msg: Record<string, unknown>, method: string): string | undefined {
  const checks = [MESSAGE_SCHEMAS.get(method), JSONRPCMessageSchema as ShapeSchema];
  for (const schema of checks) {
    const result = schema?.safeParse(msg);
    if (!result || result.success) continue;
    return result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length > 0 ? printable(issue.path.map(String).join('.')) : '(message)'}: ${printable(issue.message)}`)
      .join('; ');
  }
  return undefined;
}

/** Returns a description of the first problem, or undefined when depth and keys are fine. Iterative: hostile depth can't overflow the stack. */
export function inspectShape(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) return `nesting deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (const item of v) stack.push({ v: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) return `the key "${key}" is not allowed anywhere in a message`;
      stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}

/** The first content coding other than identity, or undefined when the body is sent as is. */
function contentEncodingProblem(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .find((c) => c !== 'identity' && c !== '');
}

/**
 * Whether an Accept header lists both application/json and text/event-stream, each with q > 0.
 * Parsed as media ranges (RFC 9110 §12.5.1), not searched: `application/jsonx` or a parameter
 * quoting the types is not them. Wildcards do not count: MCP asks the client to list both.
 */
export function acceptsBoth(accept: string): boolean {
  const accepted = new Set<string>();
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    if (!type) continue;
    const q = params.find((p) => /^q\s*=/.test(p));
    const weight = q === undefined ? 1 : Number(q.replace(/^q\s*=\s*/, ''));
    if (Number.isFinite(weight) && weight > 0) accepted.add(type);
  }
  return accepted.has('application/json') && accepted.has('text/event-stream');
}

export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type, ...parameters] = value.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json') return false;
  const charset = parameters.find((p) => p.startsWith('charset='));
  return !charset || ['charset=utf-8', 'charset="utf-8"'].includes(charset);
}

function refuse(code: number, message: string, id: JsonRpcId = null): Refused {
  return { ok: false, response: jsonRpcError(400, code, message, id) };
}

function bodySize(body: HttpRequestLike['body']): number {
  if (!body) return 0;
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

/** Echo untrusted text only as short printable ASCII (no control characters into logs or clients). */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}
