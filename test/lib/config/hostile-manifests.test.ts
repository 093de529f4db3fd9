/**
 * Hostile and odd manifests: each gives a clear ManifestError naming the file (or parses
 * correctly), never a crash, a stack trace, a hang or a megabyte-long message.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest, ManifestError, MAX_MANIFEST_BYTES } from '../../../lib/config';
import { change, errorLines, errorsOf, GOOD_YAML, parse } from './manifest-fixtures';

const F = 'warden.config.yaml';

/** The good manifest with its agents replaced by `count` generated ones. */
function fleet(count: number, agent = (i: number) => `  - { name: agent-${i}, owner: ops@shop.example, reviewedOn: 2026-11-01, clearance: internal, assumedBy: { service: ecs-tasks.amazonaws.com }, tools: [commerce/search_products] }`): string {
  const head = GOOD_YAML.slice(0, GOOD_YAML.indexOf('agents:'));
  const tail = GOOD_YAML.slice(GOOD_YAML.indexOf('guard:'));
  return `${head}agents:\n${Array.from({ length: count }, (_, i) => agent(i)).join('\n')}\n${tail}`;
}

describe('encodings and whitespace', () => {
  it('reads a file that starts with a UTF-8 byte-order mark', () => {
    expect(parse(`\uFEFF${GOOD_YAML}`).manifest.project).toBe('shop');
  });

  it('reads Windows line endings (CRLF) and reports lines the same', () => {
    expect(parse(GOOD_YAML.replace(/\n/g, '\r\n')).manifest.agents).toHaveLength(3);
    const typo = change('clearance: internal', 'clearence: internal');
    const where = (text: string) => errorsOf(text).map((i) => `${i.path}@${i.line}:${i.column}`);
    expect(where(typo.replace(/\n/g, '\r\n'))).toEqual(where(typo));
    expect(where(typo)).toContain('agents[0].clearence@24:5');
  });

  it('refuses tab indentation with the line to fix', () => {
    const lines = errorLines(change('  - name: inventory-agent', '\t- name: inventory-agent'));
    expect(lines[0]).toMatch(/^warden\.config\.yaml: \(root\): YAML syntax error: Tabs are not allowed as indentation \(line 21, column 1\)$/);
  });

  it.each([
    ['binary garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1')],
    ['a NUL byte inside a value', GOOD_YAML.replace('project: shop', 'project: sh\u0000op')],
    ['a UTF-16 file read as UTF-8', Buffer.from(GOOD_YAML, 'utf16le').toString('utf8')],
  ])('refuses %s as not plain text, with one error', (_name, text) => {
    const lines = errorLines(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warden\.config\.yaml: \(root\): the file is not plain text: it holds the control character U\+[0-9A-F]{4} at line \d+, column \d+ — .*Save it as UTF-8 text/);
  });
});

describe('YAML types where text is expected', () => {
  it.each([
    ['123', 'the number 123 — quote it if you meant it as a name (e.g. "123")'],
    ['true', 'the boolean true — quote it if you meant it as a name (e.g. "true")'],
    ['~', 'an empty value'],
    ['[shop]', 'a list'],
  ])('explains `project: %s`', (value, found) => {
    expect(errorLines(change('project: shop', `project: ${value}`))).toEqual([`${F}: project: project must be text, found ${found}`]);
  });

  it.each(['yes', 'on', 'no', 'off', 'y'])('reads the YAML 1.1 boolean word `%s` as a name (YAML 1.2 core schema)', (word) => {
    expect(parse(change('project: shop', `project: ${word}`)).manifest.project).toBe(word);
  });

  it('keeps unquoted and quoted review dates as the same text', () => {
    const plain = parse(GOOD_YAML).manifest.agents[0]!.reviewedOn;
    const quoted = parse(change('reviewedOn: 2026-11-01', "reviewedOn: '2026-11-01'")).manifest.agents[0]!.reviewedOn;
    expect(plain).toBe('2026-11-01');
    expect(quoted).toBe(plain);
  });

  it('ignores a %YAML 1.1 directive that would turn dates into timestamps and yes into true', () => {
    const loaded = parse(`%YAML 1.1\n---\n${change('project: shop', 'project: yes')}`);
    expect(loaded.manifest.project).toBe('yes');
    expect(loaded.manifest.agents[0]!.reviewedOn).toBe('2026-11-01');
  });

  it.each([
    ['a full timestamp', '2026-11-01T10:00:00Z', 'reviewedOn must be a date written YYYY-MM-DD'],
    ['a number', '20261101', 'reviewedOn must be a date written YYYY-MM-DD'],
    ['an unpadded date', '2026-1-1', 'reviewedOn must be a date written YYYY-MM-DD'],
    ['a date not on the calendar', '2026-02-30', 'reviewedOn 2026-02-30 is not a date on the calendar — check the month and day'],
  ])('explains a review date given as %s', (_name, value, message) => {
    expect(errorLines(change('reviewedOn: 2026-11-01', `reviewedOn: ${value}`))).toEqual([`${F}: agents[0].reviewedOn: ${message}`]);
  });

  it.each([
    ['1.5', 'must be a whole number, found 1.5'],
    ['.inf', 'must be a number, found Infinity'],
    ['"300"', 'must be a number, found "300"'],
  ])('explains perMinute: %s', (value, message) => {
    expect(errorLines(change('perMinute: 300', `perMinute: ${value}`))).toEqual([`${F}: agents[1].rateLimit.perMinute: ${message}`]);
  });

  it('reads a YAML 1.2 hex integer as its value', () => {
    expect(parse(change('perMinute: 300', 'perMinute: 0x12c')).manifest.agents[1]!.rateLimit?.perMinute).toBe(300);
  });
});

describe('resource exhaustion', () => {
  it.each([
    ['flow lists', `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`],
    ['block mappings', Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
  ])('reports deeply nested %s once, in plain words', (_name, text) => {
    const lines = errorLines(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warden\.config\.yaml: \(root\): the YAML is nested too deeply to read \(from line \d+\) — /);
  });

  it('refuses a manifest over the size limit before parsing it', () => {
    const lines = errorLines(`${GOOD_YAML}\n# ${'x'.repeat(MAX_MANIFEST_BYTES)}\n`);
    expect(lines).toEqual([expect.stringMatching(/^warden\.config\.yaml: \(root\): the manifest is 16\.0 MB, over the 16 MB limit — /)]);
  });

  it('refuses an oversize file on disk without reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-big-'));
    const file = join(dir, 'big.yaml');
    writeFileSync(file, Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20));
    expect(() => loadManifest(file)).toThrow(ManifestError);
    expect(() => loadManifest(file)).toThrow(/over the 16 MB limit/);
  });

  it('keeps messages short when a value is megabytes long', () => {
    const lines = errorLines(change('tools: [commerce/search_products]', `tools: [${'x'.repeat(1_000_000)}]`));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(300);
    expect(lines[0]).toMatch(/^warden\.config\.yaml: agents\[0\]\.tools\[0\]: tool reference "x{57}\.\.\." must be written "server\/tool"/);
  }, 30_000);

  // letter by letter would be 2.5e11 steps (hours): the test's timeout is the bound, not a stopwatch
  it('does not compare two megabyte-long names letter by letter for a suggestion', () => {
    const big = 'd'.repeat(500_000);
    const lines = errorLines(change('- { name: catalog, class: public }', `- { name: ${big}a, class: public }`).replace('dataset: catalog,', `dataset: ${big}b,`));
    expect(lines.some((l) => /servers\[0\]\.tools\[0\]\.dataset: unknown dataset "d{57}\.\.\."/.test(l))).toBe(true);
  }, 30_000);

  it('keeps the role-name message short when the project name is megabytes long', () => {
    const lines = errorLines(change('project: shop', `project: ${'a'.repeat(1_000_000)}`));
    expect(lines.every((l) => l.length < 400)).toBe(true);
    expect(lines[0]).toBe(`${F}: project: project is longer than 16 characters`);
  });

  // how long it takes is measured by bench/manifest.ts, not asserted here
  it('validates a manifest of 10,000 agents and keeps every one', () => {
    const agents = parse(fleet(10_000)).manifest.agents;
    expect(agents).toHaveLength(10_000);
    expect(agents[9_999]).toMatchObject({ name: 'agent-9999', clearance: 'internal', tools: ['commerce/search_products'] });
  });

  it('reports every error of 10,000 bad agents at once, each with its path', () => {
    const issues = errorsOf(fleet(10_000, (i) => `  - { name: agent-${i}, owner: ops@shop.example, reviewedOn: 2026-11-01, clearence: internal, assumedBy: { service: ecs-tasks.amazonaws.com }, tools: [commerce/search_products] }`));
    expect(issues).toHaveLength(20_000);
    expect(issues[19_999]).toMatchObject({ path: 'agents[9999].clearence', message: 'unknown field "clearence" — did you mean "clearance"?' });
  });
});

describe('keys that mean something to JavaScript', () => {
  it.each(['__proto__', 'constructor', 'toString'])('reports a top-level `%s:` as an unknown field and pollutes nothing', (key) => {
    const lines = errorLines(`${GOOD_YAML}${key}: { polluted: true }\n`);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^warden\\.config\\.yaml: ${key}: unknown field "${key}" — `))]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts "constructor" as a project name (it is only text)', () => {
    expect(parse(change('project: shop', 'project: constructor')).manifest.project).toBe('constructor');
  });
});
