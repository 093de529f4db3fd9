/**
 * Redaction throughput and per-call latency on tool results of 1 KB and 64 KB, clean (no
 * sensitive values: the common case), dirty (a card, an email, a phone, an address and an
 * IBAN every ~200 bytes) and mixed (one dirty record after seven clean ones; also with a different
 * customer in every dirty record, "mixed-distinct"), at the clearance
 * that hides them all. One JSON object per line; the last one is the summary. `npx tsx bench/redact.ts`, or through `npm run bench`.
 */
import { redact, redactionPolicy } from '../lib/guard/redact';
import { quantile, runStandalone } from './bench-kit';

const policy = redactionPolicy({ dataClasses: ['public', 'internal', 'confidential', 'restricted'], guard: { injection: 'block', policies: [], redaction: {}, maxBodyBytes: 1048576 } });

const CLEAN_UNIT = '{"sku":"SKU-123-456-7890","name":"Trail shoe, size 42","stock":[{"warehouse":7,"units":42}],"price":129.99,"updated":"2024-01-15T10:30:00Z","v":"1.2.3"},';
const DIRTY_UNIT = '{"customer":"Jane","email":"jane.doe@shop.example","phone":"+44 20 7946 0958","ship":"10 Downing Street, London SW1A 2AA","card":"4111 1111 1111 1111","iban":"DE89 3704 0044 0532 0130 00"},';

/** Mostly clean with some PII: one dirty record after every seven clean ones (about 1 in 6 bytes). */
const MIXED_UNIT = CLEAN_UNIT.repeat(7) + DIRTY_UNIT;

function sized(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

/** The Luhn check digit that completes `body`. */
function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A German IBAN for bank code and account (mod-97 check digits computed). */
function germanIban(bank: string, account: string): string {
  const bban = bank + account;
  const remainder = Number(BigInt(`${bban}131400`) % 97n);
  const check = String(98 - remainder).padStart(2, '0');
  return `DE${check} ${`${bban}`.replace(/(.{4})/g, '$1 ').trim()}`;
}

/**
 * The mixed corpus with a different customer in every dirty record (e-mail, phone, card, IBAN,
 * house number): nothing the redactor reads twice in one text, so no per-text memory of an
 * answer (libphonenumber's, the card issuer's) helps it.
 */
function mixedDistinct(bytes: number): string {
  let text = '';
  for (let n = 0; text.length < bytes; n++) {
    const serial = String(n % 1000).padStart(3, '0');
    const card = `411111111111${String(n % 1000).padStart(3, '0')}`;
    const pan = card + luhnDigit(card);
    const dirty =
      `{"customer":"Jane ${n}","email":"jane.doe${n}@shop.example","phone":"+44 20 7946 0${serial}",` +
      `"ship":"${(n % 200) + 1} Downing Street, London SW1A 2AA","card":"${pan.replace(/(.{4})/g, '$1 ').trim()}",` +
      `"iban":"${germanIban('37040044', String(532013000 + n).padStart(10, '0'))}"},`;
    text += CLEAN_UNIT.repeat(7) + dirty;
  }
  return text.slice(0, bytes);
}


function measure(name: string, text: string): Record<string, unknown> {
  const budgetMs = 400;
  for (let i = 0; i < 20; i++) redact(text, 'public', policy); // warm up the JIT
  const times: number[] = [];
  let redactions = 0;
  const started = performance.now();
  while (performance.now() - started < budgetMs || times.length < 20) {
    const t = performance.now();
    const r = redact(text, 'public', policy);
    times.push(performance.now() - t);
    redactions = Object.values(r.counts).reduce((n, c) => n + (c ?? 0), 0);
  }
  const total = times.reduce((a, b) => a + b, 0);
  times.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    case: name,
    bytes: Buffer.byteLength(text),
    calls: times.length,
    redactionsPerCall: redactions,
    mbPerSecond: round(Buffer.byteLength(text) * times.length / (total / 1000) / 1e6),
    p50Ms: round(quantile(times, 0.5)),
    p99Ms: round(quantile(times, 0.99)),
  };
}

export async function run(): Promise<object[]> {
  const rows = [
    measure('clean-1KB', sized(CLEAN_UNIT, 1024)),
    measure('dirty-1KB', sized(DIRTY_UNIT, 1024)),
    measure('clean-64KB', sized(CLEAN_UNIT, 64 * 1024)),
    measure('dirty-64KB', sized(DIRTY_UNIT, 64 * 1024)),
    measure('mixed-64KB', sized(MIXED_UNIT, 64 * 1024)),
    measure('mixed-distinct-64KB', mixedDistinct(64 * 1024)),
  ] as Array<Record<string, number | string>>;
  const by = (name: string) => rows.find((r) => r.case === name)!;
  rows.push({
    summary: 'redact',
    cleanMbPerSecond: by('clean-64KB').mbPerSecond,
    dirtyMbPerSecond: by('dirty-64KB').mbPerSecond,
    mixedMbPerSecond: by('mixed-64KB').mbPerSecond,
    mixedDistinctMbPerSecond: by('mixed-distinct-64KB').mbPerSecond,
    p99Ms1KB: Math.max(by('clean-1KB').p99Ms as number, by('dirty-1KB').p99Ms as number),
    p99Ms64KB: Math.max(by('clean-64KB').p99Ms as number, by('dirty-64KB').p99Ms as number),
  } as Record<string, number | string>);
  return rows;
}

runStandalone(module, run);
