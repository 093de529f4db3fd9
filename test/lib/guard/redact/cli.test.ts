/** `warden redact`, spawned as users run it: `node bin/warden.cjs redact ...`. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const root = join(__dirname, '../../../..');
function warden(args: string[], input: string | Buffer) {
  const r = spawnSync(process.execPath, [join(root, 'bin/warden.cjs'), 'redact', ...args], { cwd: root, input, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

describe('warden redact', () => {
  it('redacts stdin for the clearance using the default manifest', () => {
    const r = warden(['--clearance', 'confidential'], 'Jane jane@shop.example paid 4111 1111 1111 1111\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.toString('utf8')).toBe('Jane jane@shop.example paid [REDACTED:card]\n');
  });

  it('writes clean input back byte for byte: invalid UTF-8, NUL, unicode, CRLF, no trailing newline', () => {
    const clean = Buffer.concat([Buffer.from('line one\r\nZürich — 東京 🚚\r\n'), Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a]), Buffer.from('SKU-123-456-7890 at 2024-01-15T10:30:00Z')]);
    const r = warden(['--clearance', 'public'], clean);
    expect(r.status).toBe(0);
    expect(r.stdout.equals(clean)).toBe(true);
  });

  it('keeps the bytes around a redaction when the input is not valid UTF-8', () => {
    const dirty = Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(' card 4111111111111111 '), Buffer.from([0xfe])]);
    const r = warden(['--clearance', 'public'], dirty);
    expect(r.stdout.equals(Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(' card [REDACTED:card] '), Buffer.from([0xfe])]))).toBe(true);
  });

  it('streams JSON lines in order, reports a bad line by number and id, keeps the others and exits 1', () => {
    const input = [
      JSON.stringify({ id: 'a', text: 'mail jane@shop.example, SSN 536-22-1234' }),
      '{not json',
      JSON.stringify({ id: 7, text: 42 }),
      JSON.stringify({ id: { nested: true }, text: 'nothing here' }),
      '',
      JSON.stringify({ id: 'last', text: 'IBAN DE89 3704 0044 0532 0130 00' }),
    ].join('\r\n');
    const r = warden(['--clearance', 'internal', '--jsonl'], input);
    expect(r.status).toBe(1);
    const lines = r.stdout.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { id: 'a', text: 'mail [REDACTED:email], SSN [REDACTED:ssn]', redactions: { email: 1, ssn: 1 } },
      { line: 2, error: expect.stringContaining('not JSON') },
      { line: 3, id: 7, error: '"text" must be a string, got number' },
      { id: { nested: true }, text: 'nothing here', redactions: {} },
      { id: 'last', text: 'IBAN [REDACTED:iban]', redactions: { iban: 1 } },
    ]);
  });

  it('exits 0 when every JSON line is good', () => {
    const r = warden(['--clearance', 'restricted', '--jsonl'], `${JSON.stringify({ id: 1, text: '4111111111111111' })}\n`);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.toString('utf8'))).toEqual({ id: 1, text: '4111111111111111', redactions: {} });
  });

  it('rejects an unknown clearance with the valid classes and exit 2', () => {
    const r = warden(['--clearance', 'secret'], 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown clearance "secret" — use one of the data classes: public, internal, confidential, restricted');
    expect(r.stdout.length).toBe(0);
  });

  it('takes classes and guard.redaction overrides from --config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-redact-'));
    mkdirSync(join(dir, 'examples/shop'), { recursive: true });
    for (const f of ['tools.ts', 'payment-tools.ts']) writeFileSync(join(dir, 'examples/shop', f), '');
    const manifest = parse(readFileSync(join(root, 'warden.config.yaml'), 'utf8')) as { guard?: Record<string, unknown> };
    manifest.guard = { ...manifest.guard, redaction: { email: 'restricted' } };
    writeFileSync(join(dir, 'warden.config.yaml'), stringify(manifest));
    const r = warden(['--clearance', 'confidential', '--config', join(dir, 'warden.config.yaml')], 'jane@shop.example');
    expect(r.stderr).toBe('');
    expect(r.stdout.toString('utf8')).toBe('[REDACTED:email]');
  });

  it('exits 2 with the loader message when the manifest is missing', () => {
    const r = warden(['--clearance', 'public', '--config', 'nope.yaml'], 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('manifest not found');
  });
});
