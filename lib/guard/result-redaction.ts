/**
 * Redaction of a whole tool result: its content parts and its `structuredContent`, with the
 * `structuredContent` walked once when a text part is its JSON.
 *
 * A JSON tool returns the same value twice: as `structuredContent` and as a text part that is
 * `JSON.stringify(structuredContent)` (compact, or indented by 2 as the runtime writes it).
 * Redacting the text reads it as JSON (`redact`: parse, walk every key and value, write it back
 * in its layout) and then runs the value patterns and key rules over the whole text (which
 * catch a value split across JSON members). The walk is the walk of `structuredContent`
 * again, so here the text is written back from the redacted `structuredContent` and only the
 * whole-text pass runs on it. Byte-identical output and counts to redacting each part on its
 * own (differential test: test/lib/guard/result-redaction.test.ts), because:
 * - the text parses to a value equal to `structuredContent` when that is plain JSON (plain
 *   objects and arrays, strings, finite numbers, booleans, null: checked), and the walk reads
 *   equal values alike;
 * - the text's walk runs one JSON level deeper than the structured one, which only matters to
 *   a string that itself looks like JSON (`redact` follows JSON in strings up to a depth):
 *   a `structuredContent` holding one (as a key or a value) takes the usual path;
 * - `redact` writes the text back as `JSON.stringify(value, null, indent)` with the indent of
 *   its first indented line, and keeps the text as it is when the walk changed nothing (its
 *   counts dropped then, as here).
 */
import type { ToolContent } from './contract';
import { redactJson, type RedactionCounts, type RedactionPolicy } from './redact';
import { redactPatterns } from './redact/redact-text';
import type { ToolOutput } from './screen-output';
import { redactToolContent } from './tool-content';

/** The layout of a text part that is the JSON of `value`: 2 (indented), 0 (compact) or undefined (not its JSON). */
export function jsonLayoutOf(text: string, value: unknown): 0 | 2 | undefined {
  if (text.charCodeAt(0) !== 0x7b /* { */) return undefined;
  const indent = text.charCodeAt(1) === 0x0a ? 2 : 0;
  try {
    return text === JSON.stringify(value, null, indent || undefined) ? indent : undefined;
  } catch {
    return undefined; // a BigInt or a cycle: not JSON, and not this text
  }
}

/** The indices of the text parts that are the JSON of `structuredContent`, with their layout. */
export function jsonMirrors(output: ToolOutput): ReadonlyMap<number, 0 | 2> {
  const mirrors = new Map<number, 0 | 2>();
  const sc = output.structuredContent;
  if (sc === undefined) return mirrors;
  output.content.forEach((part, i) => {
    if (part.type !== 'text') return;
    const layout = jsonLayoutOf(part.text, sc);
    if (layout !== undefined) mirrors.set(i, layout);
  });
  return mirrors;
}

/** `redact` reads a string as JSON only if it starts like JSON (after whitespace): such a string makes the walk's depth matter. */
const STARTS_LIKE_JSON = /^\s*[[{]/;

/**
 * True when `value` is plain JSON (what JSON.parse gives back equal) and none of its strings or
 * keys starts like a JSON document.
 */
export function isPlainJsonWithoutJsonText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        if (STARTS_LIKE_JSON.test(v)) return false;
        continue;
      case 'number':
        if (!Number.isFinite(v)) return false;
        continue;
      case 'boolean':
        continue;
      case 'object': {
        if (v === null) continue;
        const proto: unknown = Object.getPrototypeOf(v);
        if (Array.isArray(v)) {
          if (proto !== Array.prototype) return false;
          for (let i = 0; i < v.length; i++) {
            // a hole reads as undefined: not JSON
            if (!(i in v)) return false;
            stack.push(v[i]);
          }
          continue;
        }
        if (proto !== Object.prototype && proto !== null) return false;
        for (const key of Object.keys(v)) {
          if (STARTS_LIKE_JSON.test(key)) return false;
          stack.push((v as Record<string, unknown>)[key]);
        }
        continue;
      }
      default:
        return false; // undefined, a function, a symbol, a BigInt
    }
  }
  return true;
}

export interface ResultRedaction {
  readonly content: ToolContent[];
  readonly structuredContent?: Record<string, unknown>;
  /** Text parts known to be exactly the JSON of the redacted structuredContent (screenOutput need not compare them). */
  readonly jsonTexts: ReadonlySet<number>;
}

/** Adds redaction counts into the request's tally, content parts first, as the audit records them. */
function tally(into: Record<string, number>, counts: Readonly<Record<string, number | undefined>>): void {
  for (const [type, n] of Object.entries(counts)) if (n) into[type] = (into[type] ?? 0) + n;
}

/**
 * `redactToolContent(output.content, …)` then `redactJson(output.structuredContent, …)`, the
 * same results and counts (added into `into`, content first), with the JSON text parts
 * (`mirrors`: jsonMirrors of this output) written back from the redacted `structuredContent`
 * instead of being parsed and walked again. A walk that throws (nesting too deep for it) throws
 * as it did, after the content's counts were added.
 */
export function redactToolResult(
  output: ToolOutput,
  clearance: string,
  dataClass: string | undefined,
  policy: RedactionPolicy,
  mirrors: ReadonlyMap<number, 0 | 2>,
  into: Record<string, number>,
): ResultRedaction {
  const sc = output.structuredContent;
  let structured: { value: unknown; counts: RedactionCounts } | undefined;
  if (sc !== undefined && mirrors.size > 0 && isPlainJsonWithoutJsonText(sc)) {
    try {
      structured = redactJson(sc, clearance, policy);
    } catch {
      structured = undefined; // the usual order below throws it again, after the content's counts
    }
  }
  if (sc === undefined || structured === undefined) {
    const content = redactToolContent(output.content, clearance, dataClass, policy);
    tally(into, content.counts);
    if (sc === undefined) return { content: content.content, jsonTexts: new Set() };
    const s = redactJson(sc, clearance, policy);
    tally(into, s.counts);
    return { content: content.content, structuredContent: s.value as Record<string, unknown>, jsonTexts: new Set() };
  }
  const walked = structured;
  const changed = walked.value !== sc;
  const jsonTexts = new Set<number>();
  const content = redactToolContent(output.content, clearance, dataClass, policy, (index, text) => {
    const layout = mirrors.get(index);
    if (layout === undefined) return undefined;
    // what redact's JSON reading gives: the text itself when the walk changed nothing (and no counts)
    const written = changed ? JSON.stringify(walked.value, null, layout || undefined) : text;
    const patterns = redactPatterns(written, clearance, policy);
    const counts: Record<string, number> = changed ? { ...(walked.counts as Record<string, number>) } : {};
    tally(counts, patterns.counts);
    if (patterns.text === written) jsonTexts.add(index);
    return { text: patterns.text, counts };
  });
  tally(into, content.counts);
  tally(into, walked.counts);
  return { content: content.content, structuredContent: walked.value as Record<string, unknown>, jsonTexts };
}
