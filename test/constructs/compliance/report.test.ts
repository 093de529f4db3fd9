/**
 * The compliance report builder and its renderers, fed a validation report in the exact shape
 * aws-cdk-lib writes to validation-report.json (PolicyValidationReportJson), so findings the
 * default manifest never produces are covered too.
 */
import type { Manifest } from '../../../lib/config/schema';
import { buildComplianceReport, type ComplianceReportInput, type ValidationReportJson } from '../../../constructs/compliance/report';
import { escapeXml, renderComplianceJunit } from '../../../constructs/compliance/report-junit';
import { renderComplianceMarkdown } from '../../../constructs/compliance/report-markdown';
import type { SuppressionRecord } from '../../../constructs/compliance/suppress';
import { defaultManifest } from '../../lib/policy/default-manifest';
import { elementsNamed, parseXmlDocument } from './xml-document';

const NOW = new Date(Date.UTC(2026, 10, 25));
const BOUNDARY_REASON = 'This is a permissions boundary: its Allow of everything grants nothing by itself.';

/** As the CDK writes it: one granular IAM5 finding on two resources, one suppressed finding. */
function validation(): ValidationReportJson {
  return {
    version: '55.0.0',
    title: 'Validation Report',
    pluginReports: [
      {
        pluginName: 'AwsSolutions',
        conclusion: 'failure',
        violations: [
          {
            ruleName: 'AwsSolutions-IAM5[Action::s3:*]',
            description: 'The IAM entity contains wildcard permissions & does not have a cdk-nag rule suppression with evidence for those permission.',
            severity: 'error',
            violatingConstructs: [{ constructPath: 'shop-prod-identity/Agent-a/DataPolicy/Resource' }, { constructPath: 'shop-prod-identity/Agent-b/DataPolicy/Resource' }],
          },
        ],
        suppressedViolations: [
          {
            ruleName: 'AwsSolutions-IAM5[Action::*]',
            description: 'The IAM entity contains wildcard permissions.',
            severity: 'error',
            violatingConstructs: [{ constructPath: 'shop-prod-identity/WardenPermissionsBoundary/Policy/Resource' }],
            acknowledgedId: 'AwsSolutions::AwsSolutions-IAM5[Action::*]',
            reason: BOUNDARY_REASON,
            acknowledgedAt: 'shop-prod-identity/WardenPermissionsBoundary',
          },
          {
            ruleName: 'AwsSolutions-S1',
            description: 'The S3 Bucket has server access logs disabled.',
            severity: 'error',
            violatingConstructs: [{ constructPath: 'team-stack/Logs/Resource' }],
            acknowledgedId: 'AwsSolutions::AwsSolutions-S1',
            reason: 'This bucket is the access-log target itself.',
            acknowledgedAt: 'team-stack/Logs',
          },
        ],
      },
    ],
  };
}

const records: SuppressionRecord[] = [
  { path: 'shop-prod-identity/WardenPermissionsBoundary', rule: 'AwsSolutions-IAM5', acknowledgedId: 'AwsSolutions::AwsSolutions-IAM5[Action::*]', reason: BOUNDARY_REASON, finding: 'Action::*' },
  { path: 'shop-prod-servers/Server-a/Function', rule: 'Serverless-LambdaDLQ', acknowledgedId: 'Serverless::Serverless-LambdaDLQ', reason: 'Invoked only synchronously by API Gateway.' },
];

function input(overrides: Partial<ComplianceReportInput> = {}): ComplianceReportInput {
  return {
    manifest: defaultManifest(),
    manifestFile: 'warden.config.yaml',
    now: NOW,
    validation: validation(),
    packs: [
      { name: 'AwsSolutions', rulesChecked: ['AwsSolutions-S1', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5'] },
      { name: 'McpWarden', rulesChecked: ['McpWarden-RoleBoundary', 'McpWarden-RoleSessionMax1h'] },
    ],
    suppressions: records,
    ...overrides,
  };
}

function withReviewedOn(manifest: Manifest, agent: string, reviewedOn: string): Manifest {
  return { ...manifest, agents: manifest.agents.map((a) => (a.name === agent ? { ...a, reviewedOn } : a)) };
}

describe('buildComplianceReport', () => {
  it('reports one finding per rule and resource, and fails', () => {
    const report = buildComplianceReport(input());
    expect(report.packs[0]!.findings.map((f) => [f.rule, f.resource])).toEqual([
      ['AwsSolutions-IAM5[Action::s3:*]', 'shop-prod-identity/Agent-a/DataPolicy/Resource'],
      ['AwsSolutions-IAM5[Action::s3:*]', 'shop-prod-identity/Agent-b/DataPolicy/Resource'],
    ]);
    expect(report.summary).toEqual({ findings: 2, suppressions: 2, overdueReviews: 0, passed: false });
  });

  it('lists every suppressed finding with its reason and tells suppress() from a direct acknowledgement', () => {
    const [boundary, bucket] = buildComplianceReport(input()).packs[0]!.suppressions;
    expect(boundary).toEqual({
      pack: 'AwsSolutions',
      rule: 'AwsSolutions-IAM5[Action::*]',
      resource: 'shop-prod-identity/WardenPermissionsBoundary/Policy/Resource',
      reason: BOUNDARY_REASON,
      acknowledgedAt: 'shop-prod-identity/WardenPermissionsBoundary',
      madeWith: 'suppress',
    });
    expect(bucket).toMatchObject({ rule: 'AwsSolutions-S1', reason: 'This bucket is the access-log target itself.', madeWith: 'acknowledge' });
  });

  it('lists a suppress() call that matched no finding as unused, for a pack that did not run', () => {
    expect(buildComplianceReport(input()).unusedSuppressions).toEqual([
      { rule: 'Serverless-LambdaDLQ', acknowledgedId: 'Serverless::Serverless-LambdaDLQ', resource: 'shop-prod-servers/Server-a/Function', reason: 'Invoked only synchronously by API Gateway.', status: 'pack-not-run' },
    ]);
    expect(renderComplianceMarkdown(buildComplianceReport(input()))).toContain('Suppressions for packs that did not run: 1');
  });

  it('calls an unused suppression stale when a pack that ran checked its rule (the resource is compliant now)', () => {
    const base = input();
    const stale: SuppressionRecord = { rule: 'AwsSolutions-IAM4', acknowledgedId: 'AwsSolutions::AwsSolutions-IAM4', path: 'shop-prod-servers/Server-a/Function', reason: 'No managed policy.' };
    const report = buildComplianceReport({ ...base, suppressions: [...base.suppressions!, stale] });
    expect(report.unusedSuppressions.find((u) => u.rule === 'AwsSolutions-IAM4')).toMatchObject({ status: 'stale', resource: 'shop-prod-servers/Server-a/Function' });
    const markdown = renderComplianceMarkdown(report);
    expect(markdown).toContain('Stale suppressions: 1 (a pack that ran checked the rule and found the resource compliant: remove them');
    expect(markdown).toMatch(/\| AwsSolutions-IAM4 \| shop-prod-servers\/Server-a\/Function \| stale \| No managed policy\. \|/);
  });

  it('lists a pack the CDK left out of its report (nothing found) with the rules it checked, and any other plugin the CDK reported', () => {
    const extra: ValidationReportJson = {
      ...validation(),
      pluginReports: [
        ...validation().pluginReports,
        { pluginName: 'Annotations', conclusion: 'failure', violations: [{ ruleName: 'Annotation::Error', description: 'bad prop', severity: 'error', violatingConstructs: [{ constructPath: 'x/y' }] }] },
      ],
    };
    const report = buildComplianceReport(input({ validation: extra }));
    expect(report.packs.map((p) => [p.name, p.rulesChecked.length, p.findings.length])).toEqual([
      ['AwsSolutions', 3, 2],
      ['McpWarden', 2, 0],
      ['Annotations', 0, 1],
    ]);
  });

  it('passes with no unsuppressed finding and every review current', () => {
    const clean = validation();
    const report = buildComplianceReport(input({ validation: { ...clean, pluginReports: [{ ...clean.pluginReports[0]!, conclusion: 'success', violations: [] }] } }));
    expect(report.summary).toEqual({ findings: 0, suppressions: 2, overdueReviews: 0, passed: true });
  });

  it('gives every agent its review age, interval and due date', () => {
    const report = buildComplianceReport(input());
    expect(report.reviews).toHaveLength(4);
    expect(report.reviews.find((r) => r.agent === 'pricing-agent')).toEqual({
      agent: 'pricing-agent',
      owner: 'merch@shop.example',
      reviewedOn: '2026-10-15',
      ageDays: 41,
      intervalDays: 90,
      dueOn: '2027-01-13',
      overdue: false,
    });
  });

  it('fails on a review older than the interval, saying how to fix it', () => {
    const manifest = withReviewedOn(defaultManifest(), 'support-agent', '2026-08-26'); // 91 days before NOW
    const clean = validation();
    const report = buildComplianceReport(input({ manifest, validation: { ...clean, pluginReports: [] } }));
    const review = report.reviews.find((r) => r.agent === 'support-agent')!;
    expect(review).toMatchObject({ ageDays: 91, overdue: true, dueOn: '2026-11-24' });
    expect(review.message).toMatch(/review overdue: last reviewed 2026-08-26, 91 days ago \(interval 90 days\).*update reviewedOn/);
    expect(report.summary).toEqual({ findings: 0, suppressions: 0, overdueReviews: 1, passed: false });
  });
});

describe('renderComplianceMarkdown', () => {
  it('puts the verdict and one row per pack before the details', () => {
    const md = renderComplianceMarkdown(buildComplianceReport(input()));
    const lines = md.split('\n');
    expect(lines[0]).toBe('# Compliance report: shop-prod');
    expect(lines[2]).toBe('warden.config.yaml, 2026-11-25: **FAIL**: 2 unsuppressed findings');
    expect(lines).toContain('| AwsSolutions | 3 | 2 | 2 |');
    expect(lines.indexOf('| AwsSolutions | 3 | 2 | 2 |')).toBeLessThan(lines.indexOf('## Findings'));
    expect(md.indexOf('## Findings')).toBeLessThan(md.indexOf('## Suppressions'));
  });

  it('lists each finding, each suppression with its reason and each review', () => {
    const md = renderComplianceMarkdown(buildComplianceReport(input()));
    expect(md).toContain('| AwsSolutions | AwsSolutions-IAM5[Action::s3:*] | shop-prod-identity/Agent-b/DataPolicy/Resource | error |');
    expect(md).toContain(`| AwsSolutions | AwsSolutions-IAM5[Action::*] | shop-prod-identity/WardenPermissionsBoundary/Policy/Resource | ${BOUNDARY_REASON} |`);
    expect(md).toContain('acknowledged directly at team-stack/Logs, not with suppress()');
    expect(md).toContain('| pricing-agent | merch@shop.example | 2026-10-15 | 41 | 90 | 2027-01-13 | current |');
  });

  it('escapes pipes and line breaks so a message cannot break a table row', () => {
    const v = validation();
    const hostile: ValidationReportJson = { ...v, pluginReports: [{ ...v.pluginReports[0]!, violations: [{ ...v.pluginReports[0]!.violations[0]!, description: 'a | b\nc', violatingConstructs: [{ constructPath: 'p' }] }] }] };
    expect(renderComplianceMarkdown(buildComplianceReport(input({ validation: hostile })))).toContain('| p | error | a \\| b c |');
  });
});

describe('renderComplianceJunit', () => {
  const overdue = () => withReviewedOn(defaultManifest(), 'fraud-agent', '2026-01-02');

  it('writes well-formed XML with a testsuite per pack and one for access reviews', () => {
    const doc = parseXmlDocument(renderComplianceJunit(buildComplianceReport(input({ manifest: overdue() }))));
    expect(doc.name).toBe('testsuites');
    expect(doc.children.map((s) => [s.attributes.name, s.attributes.tests, s.attributes.failures, s.attributes.skipped])).toEqual([
      ['AwsSolutions', '6', '2', '2'], // 2 findings + 2 suppressions + S1 and IAM4 passing (IAM5 has a finding)
      ['McpWarden', '2', '0', '0'],
      ['access reviews', '4', '1', '0'],
    ]);
    expect(doc.attributes).toMatchObject({ tests: '12', failures: '3', skipped: '2' });
  });

  it('fails a testcase per finding, skips a suppressed one with its reason, and fails an overdue review', () => {
    const doc = parseXmlDocument(renderComplianceJunit(buildComplianceReport(input({ manifest: overdue() }))));
    const cases = elementsNamed(doc, 'testcase');
    const finding = cases.find((c) => c.attributes.name === 'AwsSolutions-IAM5[Action::s3:*] shop-prod-identity/Agent-a/DataPolicy/Resource')!;
    expect(finding.children[0]).toMatchObject({ name: 'failure', attributes: { type: 'error', message: expect.stringContaining('wildcard permissions & does not') } });
    const suppressed = cases.find((c) => c.attributes.name === 'AwsSolutions-IAM5[Action::*] shop-prod-identity/WardenPermissionsBoundary/Policy/Resource')!;
    expect(suppressed.children[0]).toMatchObject({ name: 'skipped', attributes: { message: BOUNDARY_REASON } });
    expect(cases.find((c) => c.attributes.name === 'AwsSolutions-S1')!.children).toEqual([]);
    const review = cases.find((c) => c.attributes.classname === 'access-reviews' && c.attributes.name === 'fraud-agent')!;
    expect(review.children[0]!.attributes.message).toMatch(/review overdue: last reviewed 2026-01-02/);
    expect(cases.find((c) => c.attributes.name === 'inventory-agent')!.children).toEqual([]);
  });

  it('stays well-formed, and keeps the text, whatever a message or reason contains', () => {
    const nasty = 'a <b> & "c" \'d\' ]]> e\nf\u0001g\ud800';
    const v = validation();
    const hostile: ValidationReportJson = {
      ...v,
      pluginReports: [{ ...v.pluginReports[0]!, violations: [{ ...v.pluginReports[0]!.violations[0]!, description: nasty }], suppressedViolations: [{ ...v.pluginReports[0]!.suppressedViolations![0]!, reason: nasty }] }],
    };
    const doc = parseXmlDocument(renderComplianceJunit(buildComplianceReport(input({ validation: hostile }))));
    const expected = 'a <b> & "c" \'d\' ]]> e\nf\uFFFDg\uFFFD';
    expect(elementsNamed(doc, 'failure')[0]!.attributes.message).toBe(expected);
    expect(elementsNamed(doc, 'skipped')[0]!.attributes.message).toBe(expected);
  });

  it('is checked by a reader that really rejects malformed XML', () => {
    expect(() => parseXmlDocument('<a b="x & y"/>')).toThrow(/bare "&"/);
    expect(() => parseXmlDocument('<a><b></a></b>')).toThrow(/closes/);
    expect(() => parseXmlDocument(`<a b="${'<'}"/>`)).toThrow(/raw "<"/);
    expect(() => parseXmlDocument(`<a b="${escapeXml('<&>')}"/>`)).not.toThrow();
  });
});
