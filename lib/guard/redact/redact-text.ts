/**
 * `redact(text, clearance, policy)`: finds every value whose data class ranks above the
 * clearance and replaces it with a typed marker such as `[REDACTED:card]`.
 */
import type { RedactionType } from '../../config/schema';
import { DETECTORS, TYPE_RANK } from './detectors';
import type { Detector, Finding } from './finding';
import { typesAbove, type RedactionCounts, type RedactionPolicy } from './policy';

/** The marker that replaces a value of `type`. */
export function redactionMarker(type: RedactionType): string {
  return `[REDACTED:${type}]`;
}

// The detectors a clearance needs, per policy object (policies are built once per cold start).
const plans = new WeakMap<RedactionPolicy, Map<string, readonly Detector[]>>();

function detectorsFor(policy: RedactionPolicy, clearance: string): readonly Detector[] {
  let byClearance = plans.get(policy);
  if (!byClearance) {
    byClearance = new Map();
    plans.set(policy, byClearance);
  }
  let detectors = byClearance.get(clearance);
  if (!detectors) {
    detectors = typesAbove(policy, clearance).map((type) => DETECTORS[type]);
    byClearance.set(clearance, detectors);
  }
  return detectors;
}

/** Every finding of the given detectors, overlaps resolved: sorted, disjoint spans. */
export function findSensitive(text: string, detectors: readonly Detector[]): Finding[] {
  const found: Finding[] = [];
  for (const detect of detectors) detect(text, found);
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

/**
 * Replaces every finding whose class is above `clearance` with a typed marker `[REDACTED:card]`.
 * Text with nothing to redact comes back byte-identical (same string).
 */
export function redact(text: string, clearance: string, policy: RedactionPolicy): { text: string; counts: RedactionCounts } {
  const detectors = detectorsFor(policy, clearance);
  if (detectors.length === 0 || text.length === 0) return { text, counts: {} };
  const findings = findSensitive(text, detectors);
  if (findings.length === 0) return { text, counts: {} };
  const counts: RedactionCounts = {};
  let result = '';
  let cursor = 0;
  for (const f of findings) {
    result += text.slice(cursor, f.start) + redactionMarker(f.type);
    cursor = f.end;
    counts[f.type] = (counts[f.type] ?? 0) + 1;
  }
  return { text: result + text.slice(cursor), counts };
}
