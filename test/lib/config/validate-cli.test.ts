/** `npx warden validate`, run as a user runs it: a child process through bin/warden.cjs. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { change, FIXTURES, GOOD_YAML } from './manifest-fixtures';

const ROOT = resolve(__dirname, '../../..');

function warden(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/warden.cjs', 'validate', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('warden validate', () => {
  it('prints every error of a bad manifest with its line on stderr and exits 1', () => {
    const file = 'test/fixtures/manifests/bad/many-errors.yaml';
    const { code, stdout, stderr } = warden(file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      `${file}: datasets[1].class: unknown data class "secret" — declare it in dataClasses or use one of "public", "internal", "confidential" or "restricted" (line 7)`,
      `${file}: servers[0].tools[1].dataset: unknown dataset "paymnts" — did you mean "payments"? (line 13)`,
      `${file}: agents[0].clearance: missing required field "clearance" (line 15)`,
      `${file}: agents[0].reviewedOn: reviewedOn 2026-02-30 is not a date on the calendar — check the month and day (line 17)`,
      `${file}: agents[0].clearence: unknown field "clearence" — did you mean "clearance"? (line 18)`,
      `${file}: agents[1].owner: missing required field "owner" (line 21)`,
      `${file}: agents[1].tools[0]: unknown tool "commerce/get_paymnt" — did you mean "commerce/get_payment"? (line 25)`,
      `${file}: 7 errors — fix them and run \`npx warden validate\` again`,
    ]);
  });

  it('validates ./warden.config.yaml by default and prints a summary', () => {
    const { code, stdout } = warden();
    expect(code).toBe(0);
    expect(stdout).toContain('warden.config.yaml is valid: project shop, environment prod');
    expect(stdout).toContain('4 data classes (least to most sensitive): public < internal < confidential < restricted');
    expect(stdout).toContain('5 datasets');
    expect(stdout).toContain('2 servers / 9 tools');
    expect(stdout).toContain('4 agents:');
    expect(stdout).toMatch(/inventory-agent +clearance internal +3 tools/);
    expect(stdout).toMatch(/fraud-agent +clearance restricted +3 tools/);
  });

  it('prints overdue reviews as warnings and still exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-validate-'));
    try {
      const file = join(dir, 'warden.config.yaml');
      const yaml = change('reviewedOn: 2026-10-01', 'reviewedOn: 2020-01-01', GOOD_YAML)
        .replace(/\.\.\/tools\//g, `${join(FIXTURES, 'tools')}/`)
        .replace('../policies/', `${join(FIXTURES, 'policies')}/`);
      writeFileSync(file, yaml);
      const { code, stdout, stderr } = warden(file);
      expect(code).toBe(0);
      expect(stderr).toMatch(new RegExp(`^warning: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: agents\\[1\\]\\.reviewedOn: review overdue: last reviewed 2020-01-01, \\d+ days ago \\(interval 90 days\\) — review this agent's access and update reviewedOn \\(line 29\\)$`, 'm'));
      expect(stdout).toContain('1 warning');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints machine-readable JSON with --json', () => {
    const { code, stdout } = warden('--json', 'test/fixtures/manifests/bad/many-errors.yaml');
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as { valid: boolean; errors: { path: string; line: number; severity: string }[] };
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => `${e.path}@${e.line}`)).toEqual([
      'datasets[1].class@7',
      'servers[0].tools[1].dataset@13',
      'agents[0].clearance@15',
      'agents[0].reviewedOn@17',
      'agents[0].clearence@18',
      'agents[1].owner@21',
      'agents[1].tools[0]@25',
    ]);

    const good = warden('--json');
    expect(good.code).toBe(0);
    const summary = (JSON.parse(good.stdout) as { valid: boolean; summary: { agents: { name: string }[]; tools: number } }).summary;
    expect(summary.tools).toBe(9);
    expect(summary.agents.map((a) => a.name)).toEqual(['inventory-agent', 'pricing-agent', 'support-agent', 'fraud-agent']);
  });

  it('says clearly that a manifest does not exist and exits 1', () => {
    const { code, stderr } = warden('missing.yaml');
    expect(code).toBe(1);
    expect(stderr).toContain(`missing.yaml: (root): manifest not found: ${join(ROOT, 'missing.yaml')} — pass the path of your manifest`);
  });
});
