/**
 * `warden compliance [--config F] [--format md|json] [--junit FILE] [--out DIR] [--now YYYY-MM-DD]`:
 * synthesizes the manifest's app in process, as bin/warden-app.ts does, but lets the CDK write
 * its validation report instead of failing, then reports per pack the rules checked, the
 * unsuppressed findings and every suppression with its reason, and every agent's access review.
 *
 * With `--drills --region R` it also reads the deployment's incidents table and fails when the
 * last successful incident-response drill is older than `incidentResponse.drillEvery`
 * (drill-status.ts), as of `--now`.
 *
 * Exit 0: no unsuppressed finding, no overdue review and (with --drills) current drills. 1: at
 * least one. 2: a bad manifest or a bad option (nothing is synthesized).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Option, type Command } from 'commander';
import { compliancePacks, listSuppressions } from '../../constructs/compliance';
import { recordCheckedRules } from '../../constructs/compliance/checked-rules';
import { buildComplianceReport, type ComplianceReport, type ValidationReportJson } from '../../constructs/compliance/report';
import { renderComplianceJunit } from '../../constructs/compliance/report-junit';
import { renderComplianceMarkdown } from '../../constructs/compliance/report-markdown';
import { DEFAULT_MANIFEST_FILE, formatIssues, loadManifest, ManifestError, parseCalendarDate, type LoadedManifest } from '../config';
import { buildWardenStacks } from '../stacks';
import { incidentsTableName } from '../config/deployment-names';
import { drillStatus, readDrills } from './drill-status';

export const COMPLIANCE_FORMATS = ['md', 'json'] as const;
export type ComplianceFormat = (typeof COMPLIANCE_FORMATS)[number];

/** The CDK writes this file into the assembly folder (cx-api VALIDATION_REPORT_FILE). */
const VALIDATION_REPORT_FILE = 'validation-report.json';
/**
 * mcp-warden's own cdk.json (shipped in the package), whose feature flags apply when the working
 * folder has none. Found from the package root, which is one level further up in dist/.
 */
const PACKAGE_CDK_JSON = packageFile(__dirname, 'cdk.json');

function packageFile(from: string, name: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, name))) return join(dir, name);
  }
  return resolve(from, '../..', name);
}

export interface ComplianceRunOptions {
  /** "Today" for access reviews (and for the manifest's future-date check). @default new Date() */
  readonly now?: Date;
  /** Keep the cloud assembly in this folder. @default - a temporary folder, removed afterwards */
  readonly outdir?: string;
  /** cdk.json whose "context" the app gets. @default ./cdk.json if present, else mcp-warden's */
  readonly cdkJson?: string;
  /**
   * Builds the stacks into the app. Teams composing their own constructs pass a builder that
   * adds them, so the report covers them too. @default buildWardenStacks(app, loaded)
   */
  readonly build?: (app: App, loaded: LoadedManifest) => void;
}

/** The cdk.json context (feature flags) the app runs with, so the report matches `npx cdk synth`. */
export function cdkJsonContext(file: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return json.context ?? {};
}

/**
 * Loads, synthesizes and reports a manifest.
 * @throws ManifestError when the manifest is invalid (nothing is synthesized)
 */
export function complianceReport(file: string, options: ComplianceRunOptions = {}): ComplianceReport {
  const now = options.now ?? new Date();
  const loaded = loadManifest(file, { now });
  const cdkJson = options.cdkJson ?? (existsSync('cdk.json') ? resolve('cdk.json') : PACKAGE_CDK_JSON);
  const outdir = options.outdir !== undefined ? resolve(options.outdir) : mkdtempSync(join(tmpdir(), 'warden-compliance-'));
  try {
    const app = new App({
      outdir,
      context: { ...cdkJsonContext(cdkJson), 'aws:cdk:bundling-stacks': [] },
      // After the CLI context so nothing overrides them: the report is about the templates (no
      // asset bundling), and findings go to the report instead of failing the synth.
      postCliContext: { '@aws-cdk/core:failSynthOnValidationErrors': false, '@aws-cdk/core:validationReportJson': true },
    });
    (options.build ?? ((a, l) => void buildWardenStacks(a, l)))(app, loaded);
    const packs = compliancePacks(app, loaded.manifest.compliance.packs);
    const checked = packs.map((p) => ({ name: p.name, rules: recordCheckedRules(p) }));
    Validations.of(app).addPlugins(...packs);

    synthesizeWithoutFailing(app, outdir);
    const validation = JSON.parse(readFileSync(join(outdir, VALIDATION_REPORT_FILE), 'utf8')) as ValidationReportJson;
    return buildComplianceReport({
      manifest: loaded.manifest,
      manifestFile: file,
      now,
      validation,
      packs: checked.map((c) => ({ name: c.name, rulesChecked: c.rules() })),
      suppressions: listSuppressions(app),
    });
  } finally {
    if (options.outdir === undefined) rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes; a failed validation must not end the process. With failSynthOnValidationErrors
 * off the CDK neither throws nor sets process.exitCode, but older or differently configured
 * versions do one or the other ("ValidationFailed" after writing the report), so both are undone.
 */
function synthesizeWithoutFailing(app: App, outdir: string): void {
  const exitCode = process.exitCode;
  try {
    app.synth();
  } catch (err) {
    const validationFailed = err instanceof Error && /ValidationFailed|Validation failed/.test(`${err.name} ${err.message}`);
    if (!validationFailed || !existsSync(join(outdir, VALIDATION_REPORT_FILE))) throw err;
  } finally {
    process.exitCode = exitCode;
  }
  if (!existsSync(join(outdir, VALIDATION_REPORT_FILE))) {
    throw new Error(`the CDK wrote no ${VALIDATION_REPORT_FILE} in ${outdir}; is aws-cdk-lib at least 2.257 (cdk-nag 3 needs it)?`);
  }
}

/** 0 when nothing fails the report, 1 on an unsuppressed finding or an overdue review. */
export function complianceExitCode(report: ComplianceReport): 0 | 1 {
  return report.summary.passed ? 0 : 1;
}

export function renderComplianceReport(report: ComplianceReport, format: ComplianceFormat): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderComplianceMarkdown(report);
}

interface ComplianceCliOptions {
  readonly config: string;
  readonly format: ComplianceFormat;
  readonly junit?: string;
  readonly out?: string;
  readonly now?: string;
  readonly drills?: boolean;
  readonly region?: string;
}

export interface ComplianceCliDeps {
  /** The DynamoDB client `--drills` reads the incidents table with. @default - a real client for the region */
  readonly dynamodb?: (region: string) => DynamoDBClient;
}

export function registerCompliance(program: Command, deps: ComplianceCliDeps = {}): void {
  program
    .command('compliance')
    .description('synthesize the manifest with every compliance pack and report findings, suppressions (with reasons) and access reviews; exit 1 on an unsuppressed finding or an overdue review')
    .option('--config <file>', 'the manifest', DEFAULT_MANIFEST_FILE)
    .addOption(new Option('--format <format>', 'report format on stdout').choices([...COMPLIANCE_FORMATS]).default('md'))
    .option('--junit <file>', 'also write JUnit XML for CI (a testsuite per pack and one for access reviews)')
    .option('--out <dir>', 'keep the synthesized templates and validation-report.json in this folder')
    .option('--now <date>', 'judge access reviews as of this day, YYYY-MM-DD (default: today, UTC)')
    .option('--drills', 'also fail when the last successful incident-response drill is older than incidentResponse.drillEvery (reads the incidents table: needs credentials)')
    .option('--region <region>', 'region of the deployment, for --drills (default: AWS_REGION)')
    .action(async (options: ComplianceCliOptions) => {
      const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      if (options.drills && !region) {
        process.stderr.write('warden compliance: --drills reads the incidents table of the deployment: pass --region or set AWS_REGION\n');
        process.exitCode = 2;
        return;
      }
      let now = new Date();
      if (options.now !== undefined) {
        const time = parseCalendarDate(options.now);
        if (time === undefined) {
          process.stderr.write(`warden compliance: --now ${options.now} is not a date; write it as YYYY-MM-DD, e.g. --now 2026-12-31\n`);
          process.exitCode = 2;
          return;
        }
        now = new Date(time);
      }

      let report: ComplianceReport;
      try {
        report = complianceReport(options.config, { now, ...(options.out !== undefined ? { outdir: options.out } : {}) });
      } catch (err) {
        if (!(err instanceof ManifestError)) throw err;
        process.stderr.write(`${formatIssues(err.issues, { withLines: true })}\n`);
        process.stderr.write(`${options.config}: invalid manifest, nothing was checked — fix it (see \`npx warden validate ${options.config}\`) and run compliance again\n`);
        process.exitCode = 2;
        return;
      }

      process.stdout.write(renderComplianceReport(report, options.format));
      if (options.junit !== undefined) {
        mkdirSync(dirname(resolve(options.junit)), { recursive: true });
        writeFileSync(options.junit, renderComplianceJunit(report));
      }
      if (options.drills) {
        const { project, environment, incidentResponse } = loadManifest(options.config, { now }).manifest;
        const status = drillStatus(await readDrills((deps.dynamodb ?? ((r) => new DynamoDBClient({ region: r })))(region!), incidentsTableName(project, environment)), incidentResponse.drillEvery, now);
        (options.format === 'json' ? process.stderr : process.stdout).write(`\nincident-response drills: ${status.summary}\n`);
        if (!status.current) {
          process.stderr.write('warden compliance: incident-response drills are not current (incidentResponse.drillEvery) — run `npx warden drill`\n');
          process.exitCode = 1;
        }
      }
      if (complianceExitCode(report) !== 0) {
        process.stderr.write(
          `warden compliance: ${report.summary.findings} unsuppressed finding(s), ${report.summary.overdueReviews} overdue access review(s) — fix the resources (or suppress with a reason) and review the agents' access\n`,
        );
        process.exitCode = 1;
      }
    });
}
