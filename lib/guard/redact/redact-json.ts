/**
 * `redactJson`: the same redaction over a JSON value (a tool's `structuredContent`). Strings are
 * redacted wherever they are, keys included; values under sensitive keys are replaced whole
 * whatever their type. Unchanged subtrees are returned as the same objects (no copy).
 */
import { typesAbove, type RedactionCounts, type RedactionPolicy } from './policy';
import { DETECTORS } from './detectors';
import type { Detector } from './finding';
import { findSensitive, redact, redactionMarker } from './redact-text';
import { sensitiveKeyType } from './sensitive-keys';
import type { RedactionType } from '../../config/schema';

/**
 * Walks a JSON value: redacts every string; and values of sensitive keys (cvv, cvc, cvv2, card_number,
 * cardNumber, pan, ssn, iban, password, secret, ...; case/separator-insensitive) whatever their type.
 */
export function redactJson(value: unknown, clearance: string, policy: RedactionPolicy): { value: unknown; counts: RedactionCounts } {
  return redactJsonAt(value, clearance, policy, 0);
}

/** `redactJson` for a value that was itself text (JSON in a string): `depth` bounds the nesting. */
export function redactJsonAt(value: unknown, clearance: string, policy: RedactionPolicy, depth: number): { value: unknown; counts: RedactionCounts } {
  const hidden = new Set<RedactionType>(typesAbove(policy, clearance));
  const counts: RedactionCounts = {};
  if (hidden.size === 0) return { value, counts };
  const walker = new Walker(clearance, policy, hidden, counts, depth);
  return { value: walker.walk(value), counts };
}

class Walker {
  private readonly path = new Set<object>();
  /** The detectors a number can trigger (card, SSN, phone) that this clearance must apply. */
  private readonly numberDetectors: readonly Detector[];
  /** The detectors of values people split into groups (card, IBAN, SSN). */
  private readonly splitDetectors: readonly Detector[];

  constructor(
    private readonly clearance: string,
    private readonly policy: RedactionPolicy,
    private readonly hidden: ReadonlySet<RedactionType>,
    private readonly counts: RedactionCounts,
    private readonly depth: number,
  ) {
    this.numberDetectors = NUMBER_TYPES.filter((type) => hidden.has(type)).map((type) => DETECTORS[type]);
    this.splitDetectors = SPLIT_TYPES.filter((type) => hidden.has(type)).map((type) => DETECTORS[type]);
  }

  /** `key`: the nearest enclosing object key, the only context a short value has (`"tax_id": "536221234"`). */
  walk(value: unknown, key?: string): unknown {
    if (typeof value === 'string') return key !== undefined && value.length <= CONTEXT_MAX ? this.inContext(key, value) : this.text(value);
    if (typeof value === 'number') return this.number(value, key);
    if (typeof value !== 'object' || value === null) return value;
    if (this.path.has(value)) throw new TypeError('redactJson: the value contains a cycle; tool results must be plain JSON');
    this.path.add(value);
    try {
      return Array.isArray(value) ? this.array(value, key) : this.object(value as Record<string, unknown>);
    } finally {
      this.path.delete(value);
    }
  }

  private text(s: string): string {
    const r = redact(s, this.clearance, this.policy, this.depth);
    if (r.text !== s) for (const [type, n] of Object.entries(r.counts) as [RedactionType, number][]) this.add(type, n);
    return r.text;
  }

  /**
   * A short string redacted as if its key were written before it (`tax id: 536221234`), so
   * detectors that need a nearby word get the one JSON puts in the key. Falls back to the
   * value alone when a finding would reach into the key.
   */
  private inContext(key: string, s: string): string {
    // Every detector that needs a nearby word looks for digits; other strings need no context.
    if (!HAS_DIGIT.test(s)) return this.text(s);
    const label = keyLabel(key);
    if (label === '') return this.text(s);
    const prefix = `${label}: `;
    const r = redact(prefix + s, this.clearance, this.policy, this.depth);
    if (r.text.length === prefix.length + s.length && r.text.endsWith(s)) return s;
    if (!r.text.startsWith(prefix)) return this.text(s);
    for (const [type, n] of Object.entries(r.counts) as [RedactionType, number][]) this.add(type, n);
    return r.text.slice(prefix.length);
  }

  /**
   * A card, phone or SSN stored as a JSON number (`"value": 4111111111111111`) is still one:
   * integers of 7+ digits are checked as text with their key as context and, when sensitive,
   * replaced by the marker (a string). Smaller numbers (quantities, prices, ids) are skipped.
   */
  private number(n: number, key: string | undefined): unknown {
    if (!Number.isInteger(n) || Math.abs(n) < 1_000_000 || this.numberDetectors.length === 0) return n;
    // the sign is not part of the value: `-4111111111111111` is the card written by a careless export
    const digits = String(Math.abs(n));
    if (!ALL_DIGITS.test(digits)) return n;
    const label = key === undefined ? '' : keyLabel(key);
    const text = label === '' ? digits : `${label}: ${digits}`;
    const start = text.length - digits.length;
    // Only the detectors that can match digits alone, and only a finding that is the whole number.
    const finding = findSensitive(text, this.numberDetectors).find((f) => f.start === start && f.end === text.length);
    if (finding === undefined) return n;
    this.add(finding.type);
    return redactionMarker(finding.type);
  }

  private add(type: RedactionType, n = 1): void {
    this.counts[type] = (this.counts[type] ?? 0) + n;
  }

  private array(items: unknown[], key: string | undefined): unknown[] {
    let copy: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const next = this.walk(items[i], key);
      if (next !== items[i]) (copy ??= items.slice())[i] = next;
    }
    return this.splitValues(items, copy, key) ?? copy ?? items;
  }

  /**
   * A value split into array items (`["4111", "1111", "1111", "1111"]`, `[4111, 1111, …]`,
   * IBAN or SSN groups) is one value to a reader. An array made only of short fragments
   * (a few letters or digits each, at most MAX_SPLIT_ITEMS) is read as the groups of one text,
   * joined by spaces with the key as context. A card or SSN counts only when it is the whole
   * array (a list of quantities or zip codes is not read into one); an IBAN, whose country code
   * and mod-97 check make it unmistakable, anywhere in it. Items a finding covers become its marker.
   */
  private splitValues(items: readonly unknown[], copy: unknown[] | undefined, key: string | undefined): unknown[] | undefined {
    if (items.length < 2 || items.length > MAX_SPLIT_ITEMS || copy !== undefined || this.splitDetectors.length === 0) return undefined;
    for (const item of items) if (fragmentOf(item) === undefined) return undefined;
    return this.splitRun(items, 0, items.length, undefined, key);
  }

  private splitRun(items: readonly unknown[], from: number, to: number, out: unknown[] | undefined, key: string | undefined): unknown[] | undefined {
    const label = key === undefined ? '' : keyLabel(key);
    let text = label === '' ? '' : `${label}: `;
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = from; i < to; i++) {
      if (i > from) text += ' ';
      starts.push(text.length);
      text += fragmentOf(items[i])!;
      ends.push(text.length);
    }
    if (!HAS_DIGIT.test(text)) return out;
    // findings come sorted and disjoint: one pointer over the items keeps this linear
    let k = 0;
    for (const f of findSensitive(text, this.splitDetectors)) {
      while (k < ends.length && ends[k]! <= f.start) k++;
      // items whose text the finding touches; one item alone was judged by walk() already
      const first = k;
      let last = k - 1;
      while (last + 1 < starts.length && starts[last + 1]! < f.end) last++;
      if (first >= starts.length || last <= first) continue;
      if (f.type !== 'iban' && (first !== 0 || last !== starts.length - 1)) continue;
      out ??= items.slice();
      for (let j = first; j <= last; j++) out[from + j] = redactionMarker(f.type);
      this.add(f.type);
    }
    return out;
  }

  private object(obj: Record<string, unknown>): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined;
    const keys = Object.keys(obj);
    for (const key of keys) {
      const original = obj[key];
      const keyType = sensitiveKeyType(key);
      let next: unknown;
      // A boolean (`"cvv_checked": true`) or an empty value holds nothing to hide.
      if (keyType !== undefined && this.hidden.has(keyType) && original !== null && original !== undefined && original !== '' && typeof original !== 'boolean') {
        next = redactionMarker(keyType);
        this.add(keyType);
      } else next = this.walk(original, key);
      const newKey = this.text(key);
      if (next !== original || newKey !== key) {
        if (!copy) {
          copy = {};
          // Keep the keys before this one, in order.
          for (const k of keys) {
            if (k === key) break;
            setOwn(copy, k, obj[k]);
          }
        }
      }
      if (copy) setOwn(copy, newKey, next);
    }
    return copy ?? obj;
  }
}

/** Strings longer than this are prose; the key says nothing about what is deep inside them. */
const CONTEXT_MAX = 120;
/** The types a bare integer can be. */
const NUMBER_TYPES: readonly RedactionType[] = ['card', 'ssn', 'phone'];
const ALL_DIGITS = /^\d+$/;
/** The types whose values are written in groups, so an array of the groups is the value. */
const SPLIT_TYPES: readonly RedactionType[] = ['card', 'iban', 'ssn'];
/** A card has at most 19 digits, an IBAN 34 characters: more items than this are a list. */
const MAX_SPLIT_ITEMS = 34;
/** A group of a split value: a few letters or digits of any script. */
const FRAGMENT = /^[\p{L}\p{Nd}]{1,8}$/u;

/** The text of an array item that may be one group of a split value, else undefined. */
function fragmentOf(item: unknown): string | undefined {
  if (typeof item === 'string') return FRAGMENT.test(item) ? item : undefined;
  if (typeof item === 'number' && Number.isSafeInteger(item) && item >= 0 && item < 100_000_000) return String(item);
  return undefined;
}

const HAS_DIGIT = /\d/;
const labels = new Map<string, string>();
const LABELS_MAX = 2048;

/** `taxId`, `tax_id`, `Tax-ID` -> `tax id`: a key as the words a detector looks for. */
function keyLabel(key: string): string {
  let label = labels.get(key);
  if (label === undefined) {
    label = key
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/[^A-Za-z]+/g, ' ')
      .trim()
      .toLowerCase()
      .slice(0, 40);
    if (labels.size >= LABELS_MAX) labels.clear();
    labels.set(key, label);
  }
  return label;
}

/** Plain assignment would turn a `"__proto__"` key from JSON.parse into a prototype change. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
