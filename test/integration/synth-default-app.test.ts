/**
 * The default manifest synthesizes with every compliance pack as CDK validation plugins, with
 * bundling and validation on, and leaves zero unsuppressed findings; every suppression in the
 * validation report carries the reason given to suppress().
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CEDAR_WASM } from '../../constructs/mcp-server/mcp-server';
import { Validations } from 'aws-cdk-lib';
import { compliancePacks, listSuppressions } from '../../constructs/compliance';
import { COMPLIANCE_PACKS } from '../../lib/config/schema';
import { buildWardenStacks } from '../../lib/stacks';
import { defaultManifest, newTestApp } from '../lib/stacks/warden-test-app';

interface PluginReport {
  pluginName: string;
  conclusion: string;
  violations?: { ruleName: string }[];
  suppressedViolations?: { ruleName: string; reason: string; acknowledgedId: string; violatingConstructs: { constructPath: string }[] }[];
}

describe('synthesizing the default app with every pack', () => {
  const previous = process.env.CDK_VALIDATION;
  beforeAll(() => delete process.env.CDK_VALIDATION);
  afterAll(() => (previous === undefined ? delete process.env.CDK_VALIDATION : (process.env.CDK_VALIDATION = previous)));

  let outdir = '';

  it('passes validation with zero unsuppressed findings and reasons for every suppression', () => {
    const app = newTestApp({ bundling: true });
    expect(app.node.tryGetContext('aws:cdk:bundling-stacks')).toBeUndefined();
    buildWardenStacks(app, defaultManifest());
    const packs = compliancePacks(app, COMPLIANCE_PACKS);
    expect(packs.map((p) => p.name)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security', 'Serverless', 'McpWarden']);
    Validations.of(app).addPlugins(...packs);

    // An unsuppressed finding makes synth throw with the report.
    const assembly = app.synth();
    outdir = assembly.directory;

    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: PluginReport[] };
    // Packs with nothing to report are left out of the report.
    expect(report.pluginReports.map((r) => r.conclusion).filter((c) => c !== 'success')).toEqual([]);
    const unsuppressed = report.pluginReports.flatMap((r) => (r.violations ?? []).map((v) => `${r.pluginName}: ${v.ruleName}`));
    expect(unsuppressed).toEqual([]);

    // Each pack run directly over the tree: what it finds is exactly what suppress() acknowledged.
    const recorded = listSuppressions(app);
    for (const pack of packs) {
      const open = pack
        .validateScope(app)
        .violations.flatMap((v) => v.violatingResources.map((r) => ({ id: `${pack.name}::${v.ruleName}`, path: r.constructPath ?? '' })))
        .filter((f) => !recorded.some((rec) => rec.acknowledgedId === f.id && f.path.startsWith(rec.path)));
      expect({ pack: pack.name, open }).toEqual({ pack: pack.name, open: [] });
    }

    const suppressed = report.pluginReports.flatMap((r) => r.suppressedViolations ?? []);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const s of suppressed) {
      const match = recorded.find((r) => r.acknowledgedId === s.acknowledgedId && s.violatingConstructs.some((c) => c.constructPath.startsWith(r.path)));
      expect({ rule: s.ruleName, reason: match?.reason }).toEqual({ rule: s.ruleName, reason: s.reason });
    }
  });

  it('ships each server bundle with a source map that names the TypeScript sources but carries no source text', () => {
    expect(outdir).not.toBe('');
    const maps = readdirSync(outdir)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => join(outdir, d, 'index.js.map'))
      .filter((f) => {
        try {
          return statSync(f).isFile();
        } catch {
          return false;
        }
      });
    const readMap = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
    // no bundle of the kit (servers, incident response, backups) ships its source text
    for (const file of maps) expect(readMap(file).sourcesContent ?? []).toEqual([]);
    const serverMaps = maps.filter((file) => readMap(file).sources.some((s) => s.endsWith('constructs/mcp-server/runtime/handler.ts')));
    expect(serverMaps).toHaveLength(2); // commerce and payments
    for (const file of serverMaps) {
      expect(statSync(file).size).toBeLessThan(1.5 * 1024 * 1024);
      // the .wasm beside the bundle is the one of the cedar-wasm the runtime was bundled from
      const wasm = readFileSync(join(file, '..', 'cedar_wasm_bg.wasm'));
      expect(createHash('sha256').update(wasm).digest('hex')).toBe(createHash('sha256').update(readFileSync(CEDAR_WASM)).digest('hex'));
    }
    // the backup function is bundled too
    expect(maps.some((file) => readMap(file).sources.some((s) => s.endsWith('constructs/config-backup/runtime/handler.ts')))).toBe(true);
    expect(CEDAR_WASM).toBe(join(dirname(require.resolve('@cedar-policy/cedar-wasm/nodejs')), 'cedar_wasm_bg.wasm'));
  });
});
