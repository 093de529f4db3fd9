/**
 * `warden compliance` end to end: the manifest's app really synthesized in process with every
 * pack, the CDK's validation report read back, exit codes as CI relies on them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Command } from 'commander';
import { complianceExitCode, complianceReport, registerCompliance } from '../../../lib/cli/compliance';
import { renderComplianceMarkdown } from '../../../constructs/compliance/report-markdown';
import { buildWardenStacks } from '../../../lib/stacks';
import type { ValidationReportJson } from '../../../constructs/compliance/report';
import { DEFAULT_MANIFEST_PATH } from '../policy/default-manifest';
import { elementsNamed, parseXmlDocument } from '../../constructs/compliance/xml-document';

async function runCli(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    const program = new Command().exitOverride();
    registerCompliance(program);
    await program.parseAsync(['node', 'warden', 'compliance', ...args]);
    return { stdout: out.join(''), stderr: err.join(''), exitCode: process.exitCode as number | undefined };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = before;
  }
}

describe('warden compliance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-compliance-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the default manifest, listing every suppression with its reason and the 4 agents\' reviews', async () => {
    const out = join(dir, 'default');
    const junit = join(dir, 'default.xml');
    const result = await runCli(['--config', DEFAULT_MANIFEST_PATH, '--now', '2026-11-25', '--out', out, '--junit', junit]);
    expect(result.exitCode ?? 0).toBe(0);
    expect(result.stdout).toMatch(/: \*\*PASS\*\*/);

    // Every finding the CDK recorded as suppressed is in the report, with its reason.
    const validation = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as ValidationReportJson;
    const suppressed = validation.pluginReports.flatMap((p) => (p.suppressedViolations ?? []).flatMap((v) => v.violatingConstructs.map((c) => ({ pack: p.pluginName, v, path: c.constructPath }))));
    expect(suppressed.length).toBeGreaterThan(10);
    for (const { pack, v, path } of suppressed) expect(result.stdout).toContain(`| ${pack} | ${v.ruleName} | ${path} | ${v.reason} |`);

    // every suppression either matched a finding or belongs to an opt-in pack that did not run
    expect(result.stdout).not.toMatch(/Stale suppressions/);
    expect(result.stdout).not.toMatch(/\| stale \|/);

    for (const agent of ['inventory-agent', 'pricing-agent', 'support-agent', 'fraud-agent']) expect(result.stdout).toMatch(new RegExp(`\\| ${agent} \\| [^|]+ \\| 2026-\\d\\d-\\d\\d \\| \\d+ \\| 90 \\| 20\\d\\d-\\d\\d-\\d\\d \\| current \\|`));

    const doc = parseXmlDocument(readFileSync(junit, 'utf8'));
    expect(doc.attributes).toMatchObject({ failures: '0', skipped: String(suppressed.length) });
    expect(doc.children.map((s) => s.attributes.name)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security', 'McpWarden', 'access reviews']);
  });

  it('passes with the opt-in ServerlessChecks pack too, every suppression matching a finding', async () => {
    const root = join(__dirname, '..', '..', '..');
    const manifest = readFileSync(DEFAULT_MANIFEST_PATH, 'utf8')
      .replace('packs: [AwsSolutions, NIST.800.53.R5, PCI.DSS.321, HIPAA.Security]', 'packs: [AwsSolutions, NIST.800.53.R5, PCI.DSS.321, HIPAA.Security, ServerlessChecks]')
      .replace(/entry: examples\//g, `entry: ${join(root, 'examples')}/`);
    expect(manifest).toContain('ServerlessChecks]');
    const file = join(dir, 'serverless.yaml');
    writeFileSync(file, manifest);
    const result = await runCli(['--config', file, '--now', '2026-11-25', '--format', 'json']);
    expect(result.exitCode ?? 0).toBe(0);
    const report = JSON.parse(result.stdout) as { packs: { name: string; findings: unknown[]; suppressions: unknown[] }[]; unusedSuppressions: unknown[]; summary: { passed: boolean } };
    expect(report.summary.passed).toBe(true);
    const serverless = report.packs.find((p) => p.name === 'Serverless');
    expect(serverless).toMatchObject({ findings: [] });
    expect(serverless!.suppressions.length).toBeGreaterThan(0);
    expect(report.unusedSuppressions).toEqual([]);
  });

  it('exits 1 with a failing JUnit testcase when a review is older than the interval', async () => {
    const junit = join(dir, 'overdue.xml');
    // pricing-agent was reviewed 2026-10-15: 91 days later it is one day overdue, the others are not.
    const result = await runCli(['--config', DEFAULT_MANIFEST_PATH, '--now', '2027-01-14', '--junit', junit, '--format', 'json']);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as { reviews: { agent: string; overdue: boolean; ageDays: number }[]; summary: { passed: boolean } };
    expect(report.reviews.filter((r) => r.overdue)).toEqual([expect.objectContaining({ agent: 'pricing-agent', ageDays: 91 })]);
    expect(report.summary.passed).toBe(false);
    expect(result.stderr).toMatch(/1 overdue access review/);

    const failures = elementsNamed(parseXmlDocument(readFileSync(junit, 'utf8')), 'testcase').filter((c) => c.children.some((e) => e.name === 'failure'));
    expect(failures.map((c) => [c.attributes.classname, c.attributes.name])).toEqual([['access-reviews', 'pricing-agent']]);
  });

  it('reports a real unsuppressed finding from the synthesized templates, fails, and leaves the process exit code alone', () => {
    const before = process.exitCode;
    // A team construct composed into the app: a bucket without access logs, TLS-only policy or versioning.
    const report = complianceReport(DEFAULT_MANIFEST_PATH, {
      now: new Date(Date.UTC(2026, 10, 25)),
      build: (app, loaded) => {
        buildWardenStacks(app, loaded);
        new s3.Bucket(new Stack(app, 'team-stack'), 'Uploads');
      },
    });
    expect(process.exitCode).toBe(before);
    const findings = report.packs.flatMap((p) => p.findings);
    expect(findings).toContainEqual(expect.objectContaining({ pack: 'AwsSolutions', rule: 'AwsSolutions-S1', resource: 'team-stack/Uploads/Resource' }));
    expect(findings.every((f) => f.resource.startsWith('team-stack/'))).toBe(true);
    expect(complianceExitCode(report)).toBe(1);
    expect(renderComplianceMarkdown(report)).toMatch(/\| AwsSolutions \| AwsSolutions-S1 \| team-stack\/Uploads\/Resource \| error \| .+ \|/);
  });

  it('exits 2 with the manifest errors when the manifest is bad, synthesizing nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(DEFAULT_MANIFEST_PATH, 'utf8').replace('commerce/get_stock', 'commerce/get_stok'));
    const result = await runCli(['--config', bad]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown tool "commerce\/get_stok".*did you mean "commerce\/get_stock"/);
    expect(result.stdout).toBe('');
  });

  it('exits 2 when a review date is in the future', async () => {
    const result = await runCli(['--config', DEFAULT_MANIFEST_PATH, '--now', '2026-11-05']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/reviewedOn 2026-11-10 is in the future/);
  });

  it('exits 2 on a --now that is not a date, saying how to write it', async () => {
    const result = await runCli(['--config', DEFAULT_MANIFEST_PATH, '--now', '2026-02-30']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--now 2026-02-30 is not a date; write it as YYYY-MM-DD/);
  });
});
