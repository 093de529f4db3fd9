import { buildWardenStacks } from '../../../lib/stacks';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackCounts, synthSummary, unsuppressedFindings } from '../../../lib/stacks/synth-summary';
import { defaultManifest, newTestApp } from './warden-test-app';

describe('synthSummary', () => {
  const app = newTestApp();
  buildWardenStacks(app, defaultManifest());
  const assembly = app.synth();

  it('counts resources and roles per stack from the assembly', () => {
    const counts = stackCounts(assembly);
    expect(counts.map((c) => c.name).sort()).toEqual(['shop-prod-agent-alarms', 'shop-prod-backups', 'shop-prod-data', 'shop-prod-identity', 'shop-prod-incident-response', 'shop-prod-monitoring', 'shop-prod-servers']);
    const identity = counts.find((c) => c.name === 'shop-prod-identity')!;
    expect(identity.roles).toBe(8);
    expect(identity.resources).toBe(Object.keys((assembly.getStackByName('shop-prod-identity').template as { Resources: object }).Resources).length);
  });

  it("sums the functions' reserved concurrency per stack (two servers at the stage rate limit, the config backup's 1), and warns only when the account's quota is too small", () => {
    const counts = stackCounts(assembly);
    expect(counts.find((c) => c.name === 'shop-prod-servers')!.reservedConcurrency).toBe(100);
    expect(counts.reduce((n, c) => n + c.reservedConcurrency, 0)).toBeGreaterThanOrEqual(101);
    const summary = (lambdaConcurrencyQuota?: number) =>
      synthSummary({ assembly, manifestFile: 'warden.config.yaml', agents: [], servers: [], packs: [], suppressions: 0, warnings: [], lambdaConcurrencyQuota });
    expect(summary()).not.toContain('Lambda reserved concurrency');
    expect(summary(200)).toMatch(/Lambda reserved concurrency: these stacks reserve \d+, more than the 100 the account may reserve \(the quota you gave is 200/);
  });

  it('prints the outdir, stacks, agents, packs, suppressions and warnings on one screen', () => {
    const text = synthSummary({
      assembly,
      manifestFile: 'warden.config.yaml',
      agents: ['inventory-agent', 'fraud-agent'],
      servers: [
        { name: 'commerce', agents: 2, admission: 'list' },
        { name: 'payments', agents: 1, admission: 'tag' },
      ],
      packs: ['AwsSolutions', 'McpWarden'],
      suppressions: 3,
      warnings: ['warden.config.yaml: agents[1].reviewedOn: access review overdue'],
    });
    expect(text).toContain(`templates    ${assembly.directory}`);
    expect(text).toMatch(/shop-prod-identity\s+\d+ resources/);
    expect(text).toContain('agents       2 (inventory-agent, fraud-agent)');
    expect(text).toContain('packs        AwsSolutions, McpWarden');
    expect(text).toContain('servers      2 (commerce: 2 agents, payments: 1 agent by tag)');
    expect(text).toContain('suppressions 3');
    expect(text).toContain('findings     0 unsuppressed');
    expect(text).toContain('access review overdue');
    expect(text.split('\n').length).toBeLessThan(25);
  });

  it('counts unsuppressed findings per resource from the validation report, and none without one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-summary-'));
    expect(unsuppressedFindings(dir)).toBe(0);
    const violation = (paths: string[]) => ({ ruleName: 'AwsSolutions-S1', description: 'd', severity: 'error', violatingConstructs: paths.map((constructPath) => ({ constructPath })) });
    writeFileSync(
      join(dir, 'validation-report.json'),
      JSON.stringify({
        version: '1',
        pluginReports: [
          { pluginName: 'AwsSolutions', conclusion: 'failure', violations: [violation(['a/B', 'a/C'])], suppressedViolations: [violation(['a/D'])] },
          { pluginName: 'HIPAA.Security', conclusion: 'failure', violations: [violation(['a/B'])] },
        ],
      }),
    );
    expect(unsuppressedFindings(dir)).toBe(3);
  });
});
