/**
 * The compliance report behind `npx warden compliance`: per pack, the rules checked, the
 * unsuppressed findings and every suppression with its reason; and the access-review status of
 * every agent. Built from the CDK's `validation-report.json` (so it reports exactly what failed
 * or was acknowledged at synth), the `suppress()` registry and the manifest. Pure data in, data
 * out: rendering lives in report-markdown.ts and report-junit.ts.
 */
import { overdueReviewMessage, parseCalendarDate, reviewStatus, type Manifest } from '../../lib/config';
import type { SuppressionRecord } from './suppress';

/**
 * The part of `validation-report.json` this report reads. It mirrors `PolicyValidationReportJson`
 * of @aws-cdk/cloud-assembly-schema (lib/cloud-assembly/validation-report-schema.d.ts), which
 * aws-cdk-lib writes to the assembly folder on every synth that runs a validation plugin.
 */
export interface ValidationReportJson {
  readonly version: string;
  readonly title?: string;
  readonly pluginReports: readonly ValidationPluginReportJson[];
}

export interface ValidationPluginReportJson {
  readonly pluginName: string;
  readonly conclusion: 'success' | 'failure';
  readonly violations: readonly ValidationViolationJson[];
  readonly suppressedViolations?: readonly ValidationSuppressedViolationJson[];
}

export interface ValidationViolationJson {
  /** cdk-nag: `<Pack>-<Rule>` or, for granular rules, `<Pack>-<Rule>[<finding>]`. */
  readonly ruleName: string;
  readonly description: string;
  readonly suggestedFix?: string;
  readonly severity: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}

export interface ValidationSuppressedViolationJson extends ValidationViolationJson {
  /** `<Pack>::<ruleName>`, as given to `Validations.acknowledge`. */
  readonly acknowledgedId: string;
  readonly reason?: string;
  /** Construct path where the acknowledgement was made. */
  readonly acknowledgedAt?: string;
}

/** An unsuppressed finding: one rule on one resource. Each one fails the report. */
export interface ComplianceFinding {
  readonly pack: string;
  /** Rule id as the pack reports it, with the granular finding if any: `AwsSolutions-IAM5[Action::*]`. */
  readonly rule: string;
  /** Construct path of the resource. */
  readonly resource: string;
  readonly severity: string;
  readonly message: string;
  readonly fix?: string;
}

/** A finding acknowledged with a reason; listed, never failing. */
export interface ComplianceSuppression {
  readonly pack: string;
  readonly rule: string;
  /** Construct path of the resource the finding is on. */
  readonly resource: string;
  readonly reason: string;
  /** Where the acknowledgement was made (the construct given to `suppress()`). */
  readonly acknowledgedAt: string;
  /** `suppress` when made with the mcp-warden helper, `acknowledge` when made directly with `Validations.acknowledge`. */
  readonly madeWith: 'suppress' | 'acknowledge';
}

/** A `suppress()` call that matched no finding: its pack is not enabled, or the resource is compliant now. */
export interface UnusedSuppression {
  readonly rule: string;
  readonly acknowledgedId: string;
  readonly resource: string;
  readonly reason: string;
  /**
   * `stale`: a pack that ran checked this rule and found the resource compliant, so the
   * suppression can go. `pack-not-run`: no pack that ran checks the rule (e.g. ServerlessChecks,
   * opt-in in the manifest); it is kept for deployments that enable that pack.
   */
  readonly status: 'stale' | 'pack-not-run';
}

export interface PackResult {
  readonly name: string;
  /** Rule ids the pack evaluated (empty when unknown, e.g. for CDK-internal plugins). */
  readonly rulesChecked: readonly string[];
  readonly findings: readonly ComplianceFinding[];
  readonly suppressions: readonly ComplianceSuppression[];
}

export interface AccessReview {
  readonly agent: string;
  readonly owner: string;
  readonly reviewedOn: string;
  /** Whole days since the review. */
  readonly ageDays: number;
  readonly intervalDays: number;
  /** Last day the review is still current, YYYY-MM-DD. */
  readonly dueOn: string;
  readonly overdue: boolean;
  /** When overdue: what is wrong and how to fix it. */
  readonly message?: string;
}

export interface ComplianceReport {
  readonly manifestFile: string;
  readonly project: string;
  readonly environment: string;
  /** The day reviews were judged on, YYYY-MM-DD (UTC). */
  readonly date: string;
  readonly packs: readonly PackResult[];
  readonly unusedSuppressions: readonly UnusedSuppression[];
  readonly reviews: readonly AccessReview[];
  readonly summary: {
    readonly findings: number;
    readonly suppressions: number;
    readonly overdueReviews: number;
    /** No unsuppressed finding and no overdue review. */
    readonly passed: boolean;
  };
}

export interface ComplianceReportInput {
  readonly manifest: Manifest;
  readonly manifestFile: string;
  /** "Today" for the access reviews. */
  readonly now: Date;
  /** The parsed `validation-report.json` of the synth. */
  readonly validation: ValidationReportJson;
  /**
   * The packs that ran, in registration order, with the rules each evaluated. A pack with no
   * finding and no suppression is absent from the validation report, so this is what lists it.
   */
  readonly packs: readonly { readonly name: string; readonly rulesChecked?: readonly string[] }[];
  /** `listSuppressions(app)`. @default - none */
  readonly suppressions?: readonly SuppressionRecord[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Builds the report; see the file comment. */
export function buildComplianceReport(input: ComplianceReportInput): ComplianceReport {
  const records = input.suppressions ?? [];
  const used = new Set<SuppressionRecord>();
  const byName = new Map(input.validation.pluginReports.map((r) => [r.pluginName, r] as const));
  // Registered packs first, then any other plugin the CDK reported (annotations, template checks): they fail synth too.
  const names = [...new Set([...input.packs.map((p) => p.name), ...byName.keys()])];

  const packs = names.map((name): PackResult => {
    const plugin = byName.get(name);
    const findings = (plugin?.violations ?? []).flatMap((v) =>
      v.violatingConstructs.map((c) => ({
        pack: name,
        rule: v.ruleName,
        resource: c.constructPath,
        severity: v.severity,
        message: v.description,
        ...(v.suggestedFix ? { fix: v.suggestedFix } : {}),
      })),
    );
    const suppressions = (plugin?.suppressedViolations ?? []).flatMap((v) => {
      const record = records.find((r) => r.acknowledgedId === v.acknowledgedId && r.path === v.acknowledgedAt);
      if (record) used.add(record);
      return v.violatingConstructs.map(
        (c): ComplianceSuppression => ({
          pack: name,
          rule: v.ruleName,
          resource: c.constructPath,
          reason: v.reason ?? record?.reason ?? '(no reason given)',
          acknowledgedAt: v.acknowledgedAt ?? '(unknown)',
          madeWith: record ? 'suppress' : 'acknowledge',
        }),
      );
    });
    const rulesChecked = input.packs.find((p) => p.name === name)?.rulesChecked ?? [];
    return { name, rulesChecked, findings, suppressions };
  });

  const checked = new Set(input.packs.flatMap((p) => p.rulesChecked ?? []));
  const unusedSuppressions = records
    .filter((r) => !used.has(r))
    .map((r): UnusedSuppression => ({
      rule: r.finding === undefined ? r.rule : `${r.rule}[${r.finding}]`,
      acknowledgedId: r.acknowledgedId,
      resource: r.path,
      reason: r.reason,
      status: checked.has(r.rule) ? 'stale' : 'pack-not-run',
    }));

  const interval = input.manifest.compliance.reviewIntervalDays;
  const reviews = input.manifest.agents.map((agent): AccessReview => {
    const status = reviewStatus(agent.reviewedOn, interval, input.now);
    const reviewed = parseCalendarDate(agent.reviewedOn);
    // The schema only admits calendar dates; should one slip through, it counts as overdue.
    if (!status || reviewed === undefined) return { agent: agent.name, owner: agent.owner, reviewedOn: agent.reviewedOn, ageDays: Number.NaN, intervalDays: interval, dueOn: '(unknown)', overdue: true, message: `reviewedOn ${agent.reviewedOn} is not a date — write the date of the last access review as YYYY-MM-DD` };
    return {
      agent: agent.name,
      owner: agent.owner,
      reviewedOn: agent.reviewedOn,
      ageDays: status.ageDays,
      intervalDays: interval,
      dueOn: isoDate(reviewed + interval * DAY_MS),
      overdue: status.overdue,
      ...(status.overdue ? { message: overdueReviewMessage(status) } : {}),
    };
  });

  const findings = packs.reduce((n, p) => n + p.findings.length, 0);
  const overdueReviews = reviews.filter((r) => r.overdue).length;
  return {
    manifestFile: input.manifestFile,
    project: input.manifest.project,
    environment: input.manifest.environment,
    date: isoDate(input.now.getTime()),
    packs,
    unusedSuppressions,
    reviews,
    summary: { findings, suppressions: packs.reduce((n, p) => n + p.suppressions.length, 0), overdueReviews, passed: findings === 0 && overdueReviews === 0 },
  };
}

/** The rule a finding belongs to, without its granular `[finding]` part. */
export function baseRule(rule: string): string {
  const bracket = rule.indexOf('[');
  return bracket === -1 ? rule : rule.slice(0, bracket);
}

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
