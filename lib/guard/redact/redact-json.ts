/**
 * `redactJson`: the same redaction over a JSON value (a tool's `structuredContent`). Strings are
 * redacted wherever they are, keys included; values under sensitive keys are replaced whole
 * whatever their type. Unchanged subtrees are returned as the same objects (no copy).
 */
import { typesAbove, type RedactionCounts, type RedactionPolicy } from './policy';
import { redact, redactionMarker } from './redact-text';
import { sensitiveKeyType } from './sensitive-keys';
import type { RedactionType } from '../../config/schema';

/**
 * Walks a JSON value: redacts every string; and values of sensitive keys (cvv, cvc, cvv2, card_number,
 * cardNumber, pan, ssn, iban, password, secret, ...; case/separator-insensitive) whatever their type.
 */
export function redactJson(value: unknown, clearance: string, policy: RedactionPolicy): { value: unknown; counts: RedactionCounts } {
  const hidden = new Set<RedactionType>(typesAbove(policy, clearance));
  const counts: RedactionCounts = {};
  if (hidden.size === 0) return { value, counts };
  const walker = new Walker(clearance, policy, hidden, counts);
  return { value: walker.walk(value), counts };
}

class Walker {
  private readonly path = new Set<object>();

  constructor(
    private readonly clearance: string,
    private readonly policy: RedactionPolicy,
    private readonly hidden: ReadonlySet<RedactionType>,
    private readonly counts: RedactionCounts,
  ) {}

  walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (this.path.has(value)) throw new TypeError('redactJson: the value contains a cycle; tool results must be plain JSON');
    this.path.add(value);
    try {
      return Array.isArray(value) ? this.array(value) : this.object(value as Record<string, unknown>);
    } finally {
      this.path.delete(value);
    }
  }

  private text(s: string): string {
    const r = redact(s, this.clearance, this.policy);
    if (r.text !== s) for (const [type, n] of Object.entries(r.counts) as [RedactionType, number][]) this.add(type, n);
    return r.text;
  }

  private add(type: RedactionType, n = 1): void {
    this.counts[type] = (this.counts[type] ?? 0) + n;
  }

  private array(items: unknown[]): unknown[] {
    let copy: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const next = this.walk(items[i]);
      if (next !== items[i]) (copy ??= items.slice())[i] = next;
    }
    return copy ?? items;
  }

  private object(obj: Record<string, unknown>): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined;
    const keys = Object.keys(obj);
    for (const key of keys) {
      const original = obj[key];
      const keyType = sensitiveKeyType(key);
      let next: unknown;
      if (keyType !== undefined && this.hidden.has(keyType) && original !== null && original !== undefined && original !== '') {
        next = redactionMarker(keyType);
        this.add(keyType);
      } else next = this.walk(original);
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

/** Plain assignment would turn a `"__proto__"` key from JSON.parse into a prototype change. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
