import { Command } from 'commander';
import { accessMatrixReport, registerAccessMatrix } from '../../../lib/cli/access-matrix';
import { DEFAULT_MANIFEST_PATH } from '../policy/default-manifest';

async function runCli(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const before = process.exitCode;
  try {
    const program = new Command().exitOverride();
    registerAccessMatrix(program);
    await program.parseAsync(['node', 'warden', 'access-matrix', ...args]);
    return { stdout: out.join(''), stderr: err.join(''), exitCode: process.exitCode as number | undefined };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = before;
  }
}

describe('warden access-matrix', () => {
  it('prints the default manifest as a markdown table', async () => {
    const { stdout } = await runCli([DEFAULT_MANIFEST_PATH]);
    expect(stdout.split('\n')[0]).toBe('| agent | clearance | server | tool | dataset | data class | access | redacted |');
    expect(stdout).toContain('| fraud-agent | restricted | payments | flag_payment | payments | restricted | write |  |');
  });

  it('prints CSV and JSON on request', async () => {
    expect((await runCli([DEFAULT_MANIFEST_PATH, '--format', 'csv'])).stdout).toBe(accessMatrixReport(DEFAULT_MANIFEST_PATH, 'csv'));
    const rows = JSON.parse((await runCli([DEFAULT_MANIFEST_PATH, '--format', 'json'])).stdout) as Array<{ agent: string }>;
    expect(rows.filter((r) => r.agent === 'support-agent')).toHaveLength(4);
  });

  it('explains a missing manifest and exits 1', async () => {
    const result = await runCli(['does-not-exist.yaml']);
    expect(result.stderr).toMatch(/manifest not found/);
    expect(result.exitCode).toBe(1);
  });

  it('rejects an unknown format naming the choices', async () => {
    await expect(runCli([DEFAULT_MANIFEST_PATH, '--format', 'xml'])).rejects.toThrow(/Allowed choices are md, csv, json/);
  });
});
