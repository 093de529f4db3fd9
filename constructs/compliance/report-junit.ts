/**
 * The compliance report as JUnit XML, which CI systems render as test results: a testsuite per
 * pack and one for the access reviews. In a pack, each unsuppressed finding (rule × resource) is
 * a failing testcase, each suppression a skipped one carrying its reason, and each checked rule
 * without a finding a passing one. Each agent's review is a testcase, failing when overdue.
 */
import { baseRule, type ComplianceReport } from './report';

/** Characters XML 1.0 forbids even when escaped (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/U+FFFF). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside an attribute value or element content. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Attribute values normalise raw whitespace to spaces; keep line breaks as references.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

interface TestCase {
  readonly classname: string;
  readonly name: string;
  readonly failure?: { readonly message: string; readonly type: string; readonly body: string };
  readonly skipped?: string;
}

const attrs = (pairs: Record<string, string | number>) =>
  Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeXml(String(v))}"`)
    .join(' ');

function suite(name: string, cases: readonly TestCase[]): string[] {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const lines = [`  <testsuite ${attrs({ name, tests: cases.length, failures, errors: 0, skipped })}>`];
  for (const c of cases) {
    const head = `    <testcase ${attrs({ classname: c.classname, name: c.name })}`;
    if (c.failure) lines.push(`${head}>`, `      <failure ${attrs({ message: c.failure.message, type: c.failure.type })}>${escapeXml(c.failure.body)}</failure>`, '    </testcase>');
    else if (c.skipped !== undefined) lines.push(`${head}>`, `      <skipped ${attrs({ message: c.skipped })}/>`, '    </testcase>');
    else lines.push(`${head}/>`);
  }
  lines.push('  </testsuite>');
  return lines;
}

export function renderComplianceJunit(report: ComplianceReport): string {
  const suites = report.packs.map((pack) => {
    const failing = new Set(pack.findings.map((f) => baseRule(f.rule)));
    const cases: TestCase[] = [
      ...pack.findings.map((f) => ({
        classname: `${pack.name}.${baseRule(f.rule)}`,
        name: `${f.rule} ${f.resource}`,
        failure: { message: f.message, type: f.severity, body: [`rule: ${f.rule}`, `resource: ${f.resource}`, `severity: ${f.severity}`, f.message, ...(f.fix ? [`fix: ${f.fix}`] : [])].join('\n') },
      })),
      ...pack.suppressions.map((s) => ({ classname: `${pack.name}.${baseRule(s.rule)}`, name: `${s.rule} ${s.resource}`, skipped: s.reason })),
      ...pack.rulesChecked.filter((r) => !failing.has(r)).map((r) => ({ classname: `${pack.name}.${r}`, name: r })),
    ];
    return { name: pack.name, cases };
  });
  suites.push({
    name: 'access reviews',
    cases: report.reviews.map((r) => ({
      classname: 'access-reviews',
      name: r.agent,
      ...(r.overdue ? { failure: { message: r.message ?? 'access review overdue', type: 'overdue', body: `${r.agent} (owner ${r.owner}): reviewed ${r.reviewedOn}, ${r.ageDays} days ago; interval ${r.intervalDays} days; due ${r.dueOn}` } } : {}),
    })),
  });
  const all = suites.flatMap((s) => s.cases);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: `mcp-warden compliance ${report.project}-${report.environment}`, tests: all.length, failures: all.filter((c) => c.failure).length, errors: 0, skipped: all.filter((c) => c.skipped !== undefined).length })}>`,
    ...suites.flatMap((s) => suite(s.name, s.cases)),
    '</testsuites>',
    '',
  ].join('\n');
}
