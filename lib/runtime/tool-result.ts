/**
 * Turns what a tool handler returned into an MCP `CallToolResult`: a text block always (every
 * client can read it), and `structuredContent` when the value is a JSON object (MCP requires
 * structured content to be an object).
 */
import type { ToolCallResult } from '../guard/contract';

export function toToolResult(value: unknown): ToolCallResult {
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (value === undefined) return { content: [{ type: 'text', text: 'null' }] };
  const text = JSON.stringify(value, null, 2) ?? 'null';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // Round-trip so the result holds only JSON (no Dates, Maps or prototypes) before the guard redacts it.
    return { content: [{ type: 'text', text }], structuredContent: JSON.parse(text) as Record<string, unknown> };
  }
  return { content: [{ type: 'text', text }] };
}

/** An `isError` result: what the agent sees when a tool refuses or fails. */
export function toolErrorResult(message: string): ToolCallResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
