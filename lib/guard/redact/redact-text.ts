/**
 * `redact(text, clearance, policy)`: finds every value whose data class ranks above the
 * clearance and replaces it with a typed marker such as `[REDACTED:card]`. One mechanism for
 * every text that leaves the server (tool output, logs, audit lines, the `redact` CLI):
 * - text that is a JSON document is redacted as JSON (`redactJson`: sensitive keys hide their
 *   values whatever they look like) and written back in its own layout;
 * - other text is read in its normalized form (normalize.ts) by the value detectors and the
 *   key rules for fragments (keyed-values.ts); the original span of each finding is replaced.
 */
import type { RedactionType } from '../../config/schema';
import { DETECTORS, TYPE_RANK } from './detectors';
import { forgetDigitWindows } from './digit-windows';
import { forgetPhoneAnswers } from './phone';
import type { Detector, Finding } from './finding';
import { findKeyedValues } from './keyed-values';
import { detectionView, originalSpan } from './normalize';
import { typesAbove, type RedactionCounts, type RedactionPolicy } from './policy';
import { redactJsonAt } from './redact-json';

/** The marker that replaces a value of `type`. */
export function redactionMarker(type: RedactionType): string {
  return `[REDACTED:${type}]`;
}

// The detectors a clearance needs, per policy object (policies are built once per cold start).

interface Plan {
  readonly detectors: readonly Detector[];
  readonly hidden: ReadonlySet<RedactionType>;
  /** Short texts this clearance already read and found nothing in (see CLEAN_MEMO_MAX_LENGTH). */
  readonly clean: Set<string>;
}

/**
 * Short texts (object keys, enum values, statuses, names) come back in every result of a
 * tool, and twice in one when the text part is the JSON of `structuredContent`. `redact` is a
 * pure function of text, clearance and policy, so a short text found clean once is clean
 * again: remembered per clearance, bounded. Only clean texts are kept (nothing sensitive is
 * held), and never JSON-looking ones, whose reading depends on how deep they are nested.
 */
const CLEAN_MEMO_MAX_LENGTH = 256;
const CLEAN_MEMO_MAX_ENTRIES = 8192;
const plans = new WeakMap<RedactionPolicy, Map<string, Plan>>();

function planFor(policy: RedactionPolicy, clearance: string): Plan {
  let byClearance = plans.get(policy);
  if (!byClearance) {
    byClearance = new Map();
    plans.set(policy, byClearance);
  }
  let plan = byClearance.get(clearance);
  if (!plan) {
    const types = typesAbove(policy, clearance);
    plan = { detectors: types.map((type) => DETECTORS[type]), hidden: new Set(types), clean: new Set() };
    byClearance.set(clearance, plan);
  }
  return plan;
}

/** Every finding of the given detectors, overlaps resolved: sorted, disjoint spans. */
export function findSensitive(text: string, detectors: readonly Detector[]): Finding[] {
  const found: Finding[] = [];
  try {
    for (const detect of detectors) detect(text, found);
  } finally {
    // nothing read from one text is kept after it
    forgetDigitWindows();
    forgetPhoneAnswers();
  }
  return mergeFindings(found);
}

/** Sorted, disjoint spans; overlapping findings become one. */
function mergeFindings(found: Finding[]): Finding[] {
  if (found.length < 2) return found;
  found.sort((a, b) => a.start - b.start || TYPE_RANK[a.type] - TYPE_RANK[b.type] || b.end - a.end);
  const merged: Finding[] = [];
  for (const f of found) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) {
      // Overlapping values are redacted together, so no digit of either one leaks.
      if (f.end > last.end) merged[merged.length - 1] = { start: last.start, end: f.end, type: last.type };
    } else merged.push(f);
  }
  return merged;
}

/** JSON nested in JSON strings is followed this deep (each level at least doubles the escapes). */
const MAX_JSON_DEPTH = 8;
const JSON_START = /^\s*[[{]/;
/** `/[\]}]\s*$/`, without a regex that tries every `]` and `}` of the text: trimEnd drops exactly `\s`. */
function endsLikeJson(text: string): boolean {
  const trimmed = text.trimEnd();
  const last = trimmed.charCodeAt(trimmed.length - 1);
  return last === 0x5d || last === 0x7d;
}

/**
 * Replaces every finding whose class is above `clearance` with a typed marker `[REDACTED:card]`.
 * Text with nothing to redact comes back byte-identical (same string).
 * @param depth how deep in JSON-in-JSON this text is (internal)
 */
export function redact(text: string, clearance: string, policy: RedactionPolicy, depth = 0): { text: string; counts: RedactionCounts } {
  const plan = planFor(policy, clearance);
  if (plan.detectors.length === 0 || text.length === 0) return { text, counts: {} };
  const short = text.length <= CLEAN_MEMO_MAX_LENGTH;
  if (short && plan.clean.has(text)) return { text, counts: {} };
  const jsonLooking = JSON_START.test(text) && endsLikeJson(text);
  let counts: RedactionCounts = {};
  if (depth < MAX_JSON_DEPTH && jsonLooking) {
    const asJson = redactJsonText(text, clearance, policy, depth);
    // the patterns still read the text: a number JSON.parse rounded (19 digits) is there as written
    if (asJson) ({ text, counts } = asJson);
  }
  const view = detectionView(text);
  const found = findSensitive(view.text, plan.detectors);
  const keyed: Finding[] = [];
  findKeyedValues(view.text, plan.hidden, keyed);
  const findings = keyed.length === 0 ? found : mergeFindings([...found, ...keyed]);
  if (findings.length === 0) {
    // not JSON-looking: no JSON reading ran, so nothing at all was found
    if (short && !jsonLooking) {
      if (plan.clean.size >= CLEAN_MEMO_MAX_ENTRIES) plan.clean.clear();
      plan.clean.add(text);
    }
    return { text, counts };
  }
  counts = { ...counts };
  let result = '';
  let cursor = 0;
  for (const f of findings) {
    const span = originalSpan(view, f.start, f.end);
    if (span.start < cursor) {
      // two findings that map into one original character: the second one's rest goes too
      cursor = Math.max(cursor, span.end);
      continue;
    }
    result += text.slice(cursor, span.start) + redactionMarker(f.type);
    cursor = span.end;
    counts[f.type] = (counts[f.type] ?? 0) + 1;
  }
  return { text: result + text.slice(cursor), counts };
}

/**
 * A JSON document redacted as JSON and written back in its layout (indentation as the first
 * indented line shows it, surrounding whitespace kept); undefined when `text` is not JSON.
 */
function redactJsonText(text: string, clearance: string, policy: RedactionPolicy, depth: number): { text: string; counts: RedactionCounts } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  let r: { value: unknown; counts: RedactionCounts };
  try {
    r = redactJsonAt(value, clearance, policy, depth + 1);
  } catch {
    // nested deeper than the walk can go: the text path (patterns and key rules on the text) still runs
    return undefined;
  }
  if (r.value === value) return { text, counts: {} };
  const indent = /^[ \t]*[[{]\r?\n([ \t]+)/.exec(text)?.[1];
  const lead = /^\s*/.exec(text)![0];
  const trail = /\s*$/.exec(text)![0];
  return { text: lead + JSON.stringify(r.value, null, indent) + trail, counts: r.counts };
}

/**
 * `redact` without its JSON reading: the value patterns and key rules over the text as it is
 * (what `redact` runs after writing a JSON document back from its redacted value). For a text
 * the caller already rebuilt from a redacted JSON value (lib/guard/result-redaction.ts).
 */
export function redactPatterns(text: string, clearance: string, policy: RedactionPolicy): { text: string; counts: RedactionCounts } {
  return redact(text, clearance, policy, MAX_JSON_DEPTH);
}
