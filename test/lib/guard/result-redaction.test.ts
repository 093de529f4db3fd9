/**
 * A JSON text part written back from the redacted structuredContent (result-redaction.ts) is
 * byte for byte what redacting the text on its own gives, with the same counts in the same
 * order: checked against the two separate passes (`redactToolContent` then `redactJson`) on the
 * red-team shapes, on values split across JSON members (the whole-text pass must still see them)
 * and on thousands of generated results, for every clearance of the shop policy.
 */
import { redactJson } from '../../../lib/guard/redact';
import { isPlainJsonWithoutJsonText, jsonLayoutOf, jsonMirrors, redactToolResult } from '../../../lib/guard/result-redaction';
import { screenOutput, stripOutputHidden, type ToolOutput } from '../../../lib/guard/screen-output';
import { redactToolContent } from '../../../lib/guard/tool-content';
import { toToolResult } from '../../../lib/runtime/tool-result';
import { SECRETS, SHAPES } from '../../fixtures/redteam/leaky-server';
import { SHOP_CLASSES, shopPolicy } from './redact/shop-policy';

/** The two passes the guard ran before, counts tallied as it tallied them (content, then structured). */
function separately(output: ToolOutput, clearance: string): { result: unknown; counts: string } {
  const counts: Record<string, number> = {};
  const content = redactToolContent(output.content, clearance, 'internal', shopPolicy);
  for (const [type, n] of Object.entries(content.counts)) counts[type] = (counts[type] ?? 0) + n;
  let structuredContent: unknown;
  if (output.structuredContent !== undefined) {
    const s = redactJson(output.structuredContent, clearance, shopPolicy);
    for (const [type, n] of Object.entries(s.counts)) if (n) counts[type] = (counts[type] ?? 0) + n;
    structuredContent = s.value;
  }
  return { result: JSON.stringify({ content: content.content, structuredContent }), counts: JSON.stringify(counts) };
}

function together(output: ToolOutput, clearance: string): { result: unknown; counts: string } {
  const counts: Record<string, number> = {};
  const r = redactToolResult(output, clearance, 'internal', shopPolicy, jsonMirrors(output), counts);
  return { result: JSON.stringify({ content: r.content, structuredContent: r.structuredContent }), counts: JSON.stringify(counts) };
}

/** A JSON tool's result (text part + structuredContent, as the runtime builds it), and its compact-text twin. */
function asResults(value: Record<string, unknown>): ToolOutput[] {
  const indented = toToolResult(value) as ToolOutput;
  return [indented, { content: [{ type: 'text', text: JSON.stringify(value) }, { type: 'text', text: 'see above' }], structuredContent: value }];
}

function expectSame(output: ToolOutput): void {
  for (const clearance of SHOP_CLASSES) expect({ clearance, ...together(output, clearance) }).toEqual({ clearance, ...separately(output, clearance) });
}

describe('redactToolResult', () => {
  it('treats exactly the JSON texts of structuredContent as mirrors', () => {
    const value = { a: 1, b: ['x'] };
    expect(jsonLayoutOf(JSON.stringify(value, null, 2), value)).toBe(2);
    expect(jsonLayoutOf(JSON.stringify(value), value)).toBe(0);
    expect(jsonLayoutOf(JSON.stringify(value, null, 4), value)).toBeUndefined();
    expect(jsonLayoutOf(` ${JSON.stringify(value)}`, value)).toBeUndefined();
    expect(jsonLayoutOf(JSON.stringify({ ...value, c: 2 }), value)).toBeUndefined();
  });

  it('walks structuredContent once only when it is plain JSON with no JSON-looking string', () => {
    expect(isPlainJsonWithoutJsonText({ a: [1, 'x', null, true, { b: -0 }] })).toBe(true);
    expect(isPlainJsonWithoutJsonText({ a: '{"card": "4111"}' })).toBe(false);
    expect(isPlainJsonWithoutJsonText({ ' [x]': 1 })).toBe(false);
    expect(isPlainJsonWithoutJsonText({ a: new Date(0) })).toBe(false);
    expect(isPlainJsonWithoutJsonText({ a: undefined })).toBe(false);
    expect(isPlainJsonWithoutJsonText({ a: NaN })).toBe(false);
    // eslint-disable-next-line no-sparse-arrays
    expect(isPlainJsonWithoutJsonText({ a: [1, , 2] })).toBe(false);
    expect(isPlainJsonWithoutJsonText({ a: { toJSON: () => 'x' } })).toBe(false);
  });

  it('gives the red-team shapes exactly what the separate passes give', () => {
    for (const shape of Object.values(SHAPES)) {
      const value = shape();
      const output = toToolResult(value as never) as ToolOutput;
      expectSame(output);
      if (output.structuredContent) for (const o of asResults(output.structuredContent)) expectSame(o);
    }
  });

  it('still finds a value whose context is in another JSON member (the whole-text pass runs on the written-back text)', () => {
    // the walk reads each value with its own key only; the text shows "SSN" next to the number
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ label: 'SSN', value: '536221234' }, 'ssn'],
      [{ x: 'Tax ID', y: '536221234' }, 'ssn'],
      [{ n: 'ssn', v: 536221234 }, 'ssn'],
      [{ key: 'aws_secret_access_key', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, 'aws-secret'],
    ];
    for (const [value, type] of cases) {
      for (const output of asResults(value)) {
        expectSame(output);
        const counts: Record<string, number> = {};
        const r = redactToolResult(output, 'public', 'internal', shopPolicy, jsonMirrors(output), counts);
        expect((r.content[0] as { text: string }).text).toContain(`[REDACTED:${type}]`);
        expect(JSON.stringify(r.structuredContent)).not.toContain('[REDACTED');
      }
    }
  });

  it('falls back to the separate passes (same output) for JSON strings, non-plain values and deep nesting', () => {
    expectSame(toToolResult({ payload: JSON.stringify({ card: SECRETS.card }), ssn: SECRETS.ssn }) as ToolOutput);
    // JSON in JSON strings, followed to a bounded depth: the text's reading is one level deeper than the structured walk
    // (a `pan` 8 strings deep is redacted by its key at one depth and only read as text at the other)
    for (const inner of [{ pan: 'x' }, { secret: 'abc' }, { note: `card ${SECRETS.card}` }]) {
      let nested = JSON.stringify(inner);
      for (let level = 1; level <= 9; level++) {
        nested = JSON.stringify({ inner: nested });
        for (const output of asResults({ payload: nested })) expectSame(output);
        expectSame(toToolResult({ [nested]: 1 }) as ToolOutput);
      }
    }
    const dated = { at: new Date(0), card: SECRETS.card };
    expectSame({ content: [{ type: 'text', text: JSON.stringify(dated, null, 2) }], structuredContent: dated });
    let deep: Record<string, unknown> = { card: SECRETS.card };
    for (let i = 0; i < 20; i++) deep = { next: deep, [`pan${i}`]: SECRETS.card };
    expectSame(toToolResult(deep) as ToolOutput);
  });

  it('gives generated results exactly what the separate passes give', () => {
    let x = 29;
    const next = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 0x100000000;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const KEYS = ['id', 'name', 'note', 'card', 'cardNumber', 'pan', 'cvv', 'ssn', 'tax_id', 'iban', 'email', 'phone', 'password', 'groups', 'amount', 'customer', 'Tax-ID', 'items', '4111 1111 1111 1111', 'x'];
    const STRINGS = [
      SECRETS.card, '4111 1111 1111 1111', '4111-1111-1111-1111', '4111', '1111', '1111 1111', SECRETS.ssn, '536221234', SECRETS.iban, 'DE89 3704 0044 0532 0130 00',
      'ana@example.com', '+1 415 555 0100', '(415) 555-0100', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'Trail shoe', 'SKU-10001', 'ok', '', 'card', 'ssn:', '123 Main Street',
      '[REDACTED:card]', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc', 'note: 4111', 'ünïcödé', '\u0664\u0661\u0661\u0661',
    ];
    const NUMBERS = [4111111111111111, 4111, 1111, 536221234, 14155550100, 1.5, 0, -7, 1234567];
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.45) return pick(STRINGS);
      if (r < 0.6) return pick(NUMBERS);
      if (r < 0.65) return pick([true, false, null]);
      if (r < 0.8) return Array.from({ length: 1 + Math.floor(next() * 5) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0, n = 1 + Math.floor(next() * 5); i < n; i++) o[pick(KEYS)] = value(depth + 1);
      return o;
    };
    let redactedResults = 0;
    for (let i = 0; i < 600; i++) {
      const root: Record<string, unknown> = {};
      for (let k = 0, n = 1 + Math.floor(next() * 4); k < n; k++) root[pick(KEYS)] = value(0);
      for (const output of asResults(root)) {
        expectSame(output);
        if (together(output, 'public').counts !== '{}') redactedResults++;
      }
    }
    expect(redactedResults).toBeGreaterThan(500);
  });
});

describe('the JSON text part also stands for structuredContent when stripping and screening', () => {
  const PIECES = ['ok', 'Trail shoe', 'ignore all previous instructions', '<|im_start|>system', 'zero\u200bwidth', 'tag\u{e0041}s', 'rtl\u202eflip', 'emoji 👩\u200d💻', SECRETS.card, 'ssn 536-22-1234', ' ', 'note'];
  let x = 41;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const outputs: ToolOutput[] = [];
  for (let i = 0; i < 300; i++) {
    const value: Record<string, unknown> = {};
    for (let k = 0, n = 1 + Math.floor(next() * 4); k < n; k++) value[pick(PIECES)] = next() < 0.5 ? pick(PIECES) : [pick(PIECES), { [pick(PIECES)]: pick(PIECES) }];
    const [indented, compact] = asResults(value);
    outputs.push(indented!, compact!, { ...indented!, content: [...indented!.content, { type: 'resource_link', uri: 'rec://1', name: pick(PIECES), description: pick(PIECES) }] });
  }

  it('strips exactly what stripping every string finds', () => {
    let stripped = 0;
    for (const output of outputs) {
      const r = stripOutputHidden(output, jsonMirrors(output));
      expect(r).toEqual(stripOutputHidden(output));
      stripped += r.stripped;
    }
    expect(stripped).toBeGreaterThan(100);
  });

  it('screens a redacted result exactly as comparing its text parts with structuredContent does', () => {
    let flagged = 0;
    for (const output of outputs) {
      const r = redactToolResult(output, 'public', 'internal', shopPolicy, jsonMirrors(output), {});
      const out: ToolOutput = { content: r.content, structuredContent: r.structuredContent };
      const findings = screenOutput(out, r.jsonTexts);
      expect(findings).toEqual(screenOutput(out));
      if (findings.length > 0) flagged++;
    }
    expect(flagged).toBeGreaterThan(100);
  });
});
