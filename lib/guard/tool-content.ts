/**
 * The parts of a tool result (MCP content blocks) as the guard lets them out: every part is
 * checked against the MCP shapes and copied field by field (an unknown field could carry data
 * past the redactor), then redacted by the agent's clearance.
 *
 * Text (text parts, resource text, link names and URIs) is redacted like any tool output.
 * Binary data (image/audio `data`, resource `blob`) can't be inspected: it passes only when
 * the agent's clearance covers the tool's dataset class, otherwise the part becomes the text
 * `[REDACTED:binary]`, counted as a `binary` redaction in the audit event. An unknown content
 * type or a malformed part makes the whole result malformed: the guard withholds it.
 */
import type { ToolContent, ToolContentAnnotations } from './contract';
import { clearanceRank, redact, redactEcho, type RedactionCounts, type RedactionPolicy } from './redact';

export interface ToolContentLimits {
  /** Parts per result. @default 64 */
  readonly maxParts: number;
  /** Decoded bytes of one image, audio or blob part. @default 1 MiB */
  readonly maxBinaryBytes: number;
  /** Decoded bytes of all binary parts of one result (Lambda responses stop at 6 MB). @default 4 MiB */
  readonly maxTotalBinaryBytes: number;
  /** Characters of a resource URI. @default 2048 */
  readonly maxUriLength: number;
}

export const DEFAULT_TOOL_CONTENT_LIMITS: ToolContentLimits = Object.freeze({
  maxParts: 64,
  maxBinaryBytes: 1024 * 1024,
  maxTotalBinaryBytes: 4 * 1024 * 1024,
  maxUriLength: 2048,
});

/** What replaces a binary part the agent is not cleared for. */
export const BINARY_REDACTION_MARKER = '[REDACTED:binary]';

export const TOOL_CONTENT_TYPES = ['text', 'image', 'audio', 'resource', 'resource_link'] as const;

export type ToolContentCheck = { readonly ok: true; readonly content: ToolContent[]; readonly binaryBytes: number } | { readonly ok: false; readonly problem: string };

/** RFC 6838 type/subtype (restricted-name characters), with at most a few `;name=value` parameters. */
const MIME_TYPE = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126})\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(?:\s*;\s*[a-z0-9!#$&^_.+-]{1,64}=(?:[a-z0-9!#$&^_.+-]{1,64}|"[^"\\\r\n]{0,64}"))*$/i;
const MAX_MIME_TYPE_LENGTH = 255;
/** Standard base64 (RFC 4648 §4), padded; no whitespace, no URL-safe alphabet. Linear: one anchored pass. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Schemes that would carry a payload inline (data:) or run in a client UI. */
const REFUSED_URI_SCHEMES = new Set(['data:', 'javascript:', 'vbscript:']);
const MAX_NAME_LENGTH = 1024;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_DESCRIPTION_LENGTH = 16 * 1024;

class Malformed extends Error {}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}…` : v) : typeof v);

/** The one media-type parameter the guard passes on; any other (`; card="…"`) is tool-controlled text it does not understand. */
const CHARSET_PARAMETER = /;\s*charset=("?)([a-z0-9!#$&^_.+-]{1,40})\1\s*(?=;|$)/i;

/** The media type as released: type/subtype and a charset, other parameters dropped. */
function mimeType(v: unknown, where: string, topType?: 'image' | 'audio'): string {
  if (typeof v !== 'string' || v.length > MAX_MIME_TYPE_LENGTH) throw new Malformed(`${where}.mimeType must be a string of at most ${MAX_MIME_TYPE_LENGTH} characters`);
  const m = MIME_TYPE.exec(v);
  if (!m) throw new Malformed(`${where}.mimeType ${shown(v)} is not a media type such as "image/png"`);
  if (topType && m[1]!.toLowerCase() !== topType) throw new Malformed(`${where}.mimeType ${shown(v)} is not an ${topType} type (${topType}/...)`);
  const essence = v.split(';', 1)[0]!.trim();
  const charset = CHARSET_PARAMETER.exec(v)?.[2];
  return charset === undefined ? essence : `${essence}; charset=${charset}`;
}

/** Returns the decoded size in bytes; throws unless `v` is non-empty standard base64 within `maxBytes`. */
function base64(v: unknown, where: string, maxBytes: number): number {
  if (typeof v !== 'string' || v.length === 0) throw new Malformed(`${where} must be a non-empty base64 string`);
  // length first, so an oversize value is refused before any pattern runs over it
  if (v.length > Math.ceil(maxBytes / 3) * 4) throw new Malformed(`${where} is larger than ${maxBytes} bytes`);
  if (v.length % 4 !== 0 || !BASE64.test(v)) throw new Malformed(`${where} is not standard padded base64 (RFC 4648)`);
  const bytes = (v.length / 4) * 3 - (v.endsWith('==') ? 2 : v.endsWith('=') ? 1 : 0);
  if (bytes > maxBytes) throw new Malformed(`${where} is larger than ${maxBytes} bytes`);
  return bytes;
}

function uri(v: unknown, where: string, limits: ToolContentLimits): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > limits.maxUriLength) throw new Malformed(`${where} must be a URI of 1-${limits.maxUriLength} characters`);
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new Malformed(`${where} ${shown(v)} is not an absolute URI`);
  }
  if (REFUSED_URI_SCHEMES.has(parsed.protocol)) throw new Malformed(`${where} uses the ${parsed.protocol} scheme, which is refused (inline data would bypass the binary rule)`);
  return v;
}

function boundedString(v: unknown, where: string, max: number): string {
  if (typeof v !== 'string' || v.length > max) throw new Malformed(`${where} must be a string of at most ${max} characters`);
  return v;
}

function annotations(v: unknown, where: string): ToolContentAnnotations | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) throw new Malformed(`${where}.annotations must be an object`);
  const out: { audience?: Array<'user' | 'assistant'>; priority?: number; lastModified?: string } = {};
  if (v.audience !== undefined) {
    if (!Array.isArray(v.audience) || v.audience.length > 2 || !v.audience.every((a) => a === 'user' || a === 'assistant')) throw new Malformed(`${where}.annotations.audience must list "user" and/or "assistant"`);
    out.audience = [...(v.audience as Array<'user' | 'assistant'>)];
  }
  if (v.priority !== undefined) {
    if (typeof v.priority !== 'number' || !(v.priority >= 0 && v.priority <= 1)) throw new Malformed(`${where}.annotations.priority must be a number from 0 to 1`);
    out.priority = v.priority;
  }
  // an ISO 8601 timestamp, as MCP defines it; any other text is tool-controlled data: dropped
  if (v.lastModified !== undefined && ISO_8601.test(boundedString(v.lastModified, `${where}.annotations.lastModified`, 64))) out.lastModified = v.lastModified as string;
  return out;
}

const withAnnotations = <T extends object>(part: T, a: ToolContentAnnotations | undefined): T => (a ? { ...part, annotations: a } : part);

function checkPart(part: unknown, where: string, limits: ToolContentLimits): { part: ToolContent; bytes: number } {
  if (!isPlainObject(part)) throw new Malformed(`${where} must be an object with a "type"`);
  const a = annotations(part.annotations, where);
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw new Malformed(`${where}.text must be a string`);
      return { part: withAnnotations({ type: 'text', text: part.text }, a), bytes: 0 };
    case 'image':
    case 'audio': {
      const type = part.type;
      const mime = mimeType(part.mimeType, where, type);
      const bytes = base64(part.data, `${where}.data`, limits.maxBinaryBytes);
      return { part: withAnnotations({ type, data: part.data as string, mimeType: mime }, a), bytes };
    }
    case 'resource': {
      const r = part.resource;
      if (!isPlainObject(r)) throw new Malformed(`${where}.resource must be an object with uri and text or blob`);
      const base = { uri: uri(r.uri, `${where}.resource.uri`, limits), ...(r.mimeType !== undefined ? { mimeType: mimeType(r.mimeType, `${where}.resource`) } : {}) };
      if ((r.text === undefined) === (r.blob === undefined)) throw new Malformed(`${where}.resource must have exactly one of text or blob`);
      if (r.text !== undefined) {
        if (typeof r.text !== 'string') throw new Malformed(`${where}.resource.text must be a string`);
        return { part: withAnnotations({ type: 'resource', resource: { ...base, text: r.text } }, a), bytes: 0 };
      }
      const bytes = base64(r.blob, `${where}.resource.blob`, limits.maxBinaryBytes);
      return { part: withAnnotations({ type: 'resource', resource: { ...base, blob: r.blob as string } }, a), bytes };
    }
    case 'resource_link': {
      const link: { type: 'resource_link'; uri: string; name: string; title?: string; description?: string; mimeType?: string; size?: number } = {
        type: 'resource_link',
        uri: uri(part.uri, `${where}.uri`, limits),
        name: boundedString(part.name, `${where}.name`, MAX_NAME_LENGTH),
      };
      if (part.title !== undefined) link.title = boundedString(part.title, `${where}.title`, MAX_NAME_LENGTH);
      if (part.description !== undefined) link.description = boundedString(part.description, `${where}.description`, MAX_DESCRIPTION_LENGTH);
      if (part.mimeType !== undefined) link.mimeType = mimeType(part.mimeType, where);
      if (part.size !== undefined) {
        if (!Number.isSafeInteger(part.size) || (part.size as number) < 0) throw new Malformed(`${where}.size must be a non-negative integer`);
        link.size = part.size as number;
      }
      return { part: withAnnotations(link, a), bytes: 0 };
    }
    default:
      throw new Malformed(`${where}: unsupported content type ${shown(part.type)} (use ${TOOL_CONTENT_TYPES.join(', ')})`);
  }
}

/**
 * Checks a result's `content` against the MCP content shapes and the limits; returns a copy
 * holding only the known fields, or the first problem (`content[1].mimeType "x" is not ...`).
 */
export function checkToolContent(value: unknown, limits: ToolContentLimits = DEFAULT_TOOL_CONTENT_LIMITS): ToolContentCheck {
  if (!Array.isArray(value)) return { ok: false, problem: 'content must be an array of content parts' };
  if (value.length > limits.maxParts) return { ok: false, problem: `content has ${value.length} parts, more than ${limits.maxParts}` };
  const content: ToolContent[] = [];
  let binaryBytes = 0;
  try {
    value.forEach((raw, i) => {
      const { part, bytes } = checkPart(raw, `content[${i}]`, limits);
      binaryBytes += bytes;
      if (binaryBytes > limits.maxTotalBinaryBytes) throw new Malformed(`content carries more than ${limits.maxTotalBinaryBytes} bytes of binary data`);
      content.push(part);
    });
  } catch (err) {
    if (err instanceof Malformed) return { ok: false, problem: err.message };
    throw err;
  }
  return { ok: true, content, binaryBytes };
}

export interface ContentRedaction {
  readonly content: ToolContent[];
  /** Redactions by type, `binary` included. */
  readonly counts: Record<string, number>;
}

/** A text part's redaction worked out by the caller (result-redaction.ts: the JSON text of `structuredContent`), or undefined. */
export type TextPartRedaction = (index: number, text: string) => { readonly text: string; readonly counts: RedactionCounts } | undefined;

/**
 * Redacts checked content for an agent: text by clearance (as `redact` does), binary parts
 * kept only when `clearance` ranks at or above `dataClass` (the tool's dataset class).
 * @param dataClass undefined (unknown tool or dataset) → binary is never released
 * @param textPart the redaction of a text part when the caller has it already (it must equal `redact`'s)
 */
export function redactToolContent(content: readonly ToolContent[], clearance: string, dataClass: string | undefined, policy: RedactionPolicy, textPart?: TextPartRedaction): ContentRedaction {
  const counts: Record<string, number> = {};
  const text = (s: string, index?: number): string => {
    const r = (index === undefined ? undefined : textPart?.(index, s)) ?? redact(s, clearance, policy);
    for (const [type, n] of Object.entries(r.counts) as Array<[string, number | undefined]>) if (n) counts[type] = (counts[type] ?? 0) + n;
    return r.text;
  };
  let cleared = false;
  try {
    cleared = dataClass !== undefined && clearanceRank(policy, clearance) >= clearanceRank(policy, dataClass);
  } catch {
    cleared = false; // an unknown class never releases what can't be inspected
  }
  const binaryWithheld = (a: ToolContentAnnotations | undefined): ToolContent => {
    counts.binary = (counts.binary ?? 0) + 1;
    return withAnnotations({ type: 'text' as const, text: BINARY_REDACTION_MARKER }, a);
  };
  /** A media type that held something to redact (`text/x-4111…` too: it is a name) is dropped, not released half-redacted. */
  const mime = <T extends { mimeType?: string }>(o: T): T => {
    if (o.mimeType === undefined || redactEcho(o.mimeType, clearance, policy).text === o.mimeType) return o;
    const { mimeType: _dropped, ...rest } = o;
    return rest as T;
  };
  const out = content.map((part, index): ToolContent => {
    switch (part.type) {
      case 'text':
        return { ...part, text: text(part.text, index) };
      case 'image':
      case 'audio':
        return cleared ? part : binaryWithheld(part.annotations);
      case 'resource': {
        const r = part.resource;
        if ('blob' in r) return cleared ? { ...part, resource: mime({ ...r, uri: text(r.uri) }) } : binaryWithheld(part.annotations);
        return { ...part, resource: mime({ ...r, uri: text(r.uri), text: text(r.text) }) };
      }
      case 'resource_link':
        return {
          ...mime(part),
          uri: text(part.uri),
          name: text(part.name),
          ...(part.title !== undefined ? { title: text(part.title) } : {}),
          ...(part.description !== undefined ? { description: text(part.description) } : {}),
        };
    }
  });
  return { content: out, counts };
}
