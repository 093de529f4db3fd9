/**
 * Turns what a tool handler returned into an MCP `CallToolResult`.
 *
 * - JSON or a string: a text block always (every client can read it), and `structuredContent`
 *   when the value is a JSON object (MCP requires structured content to be an object).
 * - `toolResult([...])`: the given content parts (text, image, audio, embedded resource,
 *   resource link), built with the `content.*` helpers. Only a value made by `toolResult`
 *   counts: a plain object with a `content` key is data and stays JSON.
 *
 * The helpers check shapes at once so the tool author sees the mistake in the tool's log;
 * the guard checks again (it can't trust the transport) and redacts what it releases.
 */
import { checkToolContent } from '../guard/tool-content';
import { isInputRequired } from './input-required';
import type { AudioToolContent, EmbeddedResourceToolContent, ImageToolContent, ResourceLinkToolContent, TextToolContent, ToolCallResult, ToolContent, ToolContentAnnotations } from '../guard/contract';

/** Marks values made by `toolResult` (a registry symbol, so two copies of this module agree). */
const TOOL_RESULT = Symbol.for('mcp-warden/tool-result');

/** A result a handler built itself with `toolResult`. */
export interface ToolResult {
  readonly [TOOL_RESULT]: true;
  readonly content: readonly ToolContent[];
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
}

export interface ToolResultOptions {
  /** Machine-readable result (a JSON object); redacted by the guard like the text. */
  readonly structuredContent?: Record<string, unknown>;
  /** Marks the result as a tool-level error the agent can act on. */
  readonly isError?: boolean;
}

function checked<T extends ToolContent>(part: T): T {
  const result = checkToolContent([part]);
  if (!result.ok) throw new Error(`invalid tool content: ${result.problem.replace(/^content\[0\]\.?/, '')}`);
  return result.content[0] as T;
}

const base64Of = (data: string | Uint8Array): string => (typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'));
const withAnnotations = (annotations: ToolContentAnnotations | undefined) => (annotations ? { annotations } : {});

/** Builders for MCP content parts. Binary data may be given as bytes or as base64 text. */
export const content = {
  text(text: string, annotations?: ToolContentAnnotations): TextToolContent {
    return checked({ type: 'text', text, ...withAnnotations(annotations) });
  },
  /** `mimeType` must be `image/...`; data is sent base64-encoded. */
  image(data: string | Uint8Array, mimeType: string, annotations?: ToolContentAnnotations): ImageToolContent {
    return checked({ type: 'image', data: base64Of(data), mimeType, ...withAnnotations(annotations) });
  },
  /** `mimeType` must be `audio/...`; data is sent base64-encoded. */
  audio(data: string | Uint8Array, mimeType: string, annotations?: ToolContentAnnotations): AudioToolContent {
    return checked({ type: 'audio', data: base64Of(data), mimeType, ...withAnnotations(annotations) });
  },
  /** An embedded resource with `text` (redacted like any text) or a binary `blob` (released by clearance). */
  resource(
    resource: { readonly uri: string; readonly mimeType?: string; readonly text: string } | { readonly uri: string; readonly mimeType?: string; readonly blob: string | Uint8Array },
    annotations?: ToolContentAnnotations,
  ): EmbeddedResourceToolContent {
    const body = 'blob' in resource ? { uri: resource.uri, mimeType: resource.mimeType, blob: base64Of(resource.blob) } : { uri: resource.uri, mimeType: resource.mimeType, text: resource.text };
    if (body.mimeType === undefined) delete body.mimeType;
    return checked({ type: 'resource', resource: body, ...withAnnotations(annotations) });
  },
  /** A link the client may resolve itself; nothing of the target passes through the guard. */
  resourceLink(link: Omit<ResourceLinkToolContent, 'type'>): ResourceLinkToolContent {
    return checked({ ...link, type: 'resource_link' });
  },
};

/** A result made of explicit content parts, e.g. `toolResult([content.text('chart:'), content.image(png, 'image/png')])`. */
export function toolResult(parts: readonly ToolContent[], options: ToolResultOptions = {}): ToolResult {
  const result = checkToolContent(parts);
  if (!result.ok) throw new Error(`invalid tool result: ${result.problem}`);
  const out: { [TOOL_RESULT]: true; content: ToolContent[]; structuredContent?: Record<string, unknown>; isError?: boolean } = { [TOOL_RESULT]: true, content: result.content };
  if (options.structuredContent !== undefined) out.structuredContent = options.structuredContent;
  if (options.isError) out.isError = true;
  return Object.freeze(out);
}

export function isToolResult(value: unknown): value is ToolResult {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TOOL_RESULT] === true;
}

/** Round-trips through JSON so the result holds only JSON (no Dates, Maps or prototypes) before the guard redacts it. */
const jsonObject = (value: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** `resultType` of a result that asks the client for input (2026-07-28); the guard releases it redacted. */
export const INPUT_REQUIRED_RESULT = 'input_required';

export function toToolResult(value: unknown): ToolCallResult {
  if (isInputRequired(value)) {
    // no content: the guard shapes, redacts and audits the requests; the handler seals the state
    return { content: [], resultType: INPUT_REQUIRED_RESULT, inputRequests: JSON.parse(JSON.stringify(value.requests)) as Record<string, unknown>, ...(value.state !== undefined ? { state: JSON.parse(JSON.stringify(value.state)) as unknown } : {}) };
  }
  if (isToolResult(value)) {
    const out: { content: ToolContent[]; structuredContent?: Record<string, unknown>; isError?: boolean } = { content: [...value.content] };
    if (value.structuredContent !== undefined) out.structuredContent = jsonObject(value.structuredContent);
    if (value.isError) out.isError = true;
    return out;
  }
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (value === undefined) return { content: [{ type: 'text', text: 'null' }] };
  const text = JSON.stringify(value, null, 2) ?? 'null';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return { content: [{ type: 'text', text }], structuredContent: JSON.parse(text) as Record<string, unknown> };
  }
  return { content: [{ type: 'text', text }] };
}

/** An `isError` result: what the agent sees when a tool refuses or fails. */
export function toolErrorResult(message: string): ToolCallResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
