/**
 * The compliance report as Markdown: a one-screen summary first (verdict, one row per pack,
 * reviews), then the findings, every suppression with its reason, the access reviews and the
 * rules each pack checked.
 */
import { baseRule, type ComplianceReport } from './report';

/** A table cell: pipes escaped and line breaks flattened, so a message cannot break the table. */
function cell(text: string | number): string {
  return String(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s*[\r\n]+\s*/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[], align?: readonly ('l' | 'r')[]): string[] {
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function renderComplianceMarkdown(report: ComplianceReport): string {
  const { summary } = report;
  const verdict = summary.passed
    ? '**PASS**'
    : `**FAIL**: ${[summary.findings > 0 ? plural(summary.findings, 'unsuppressed finding') : '', summary.overdueReviews > 0 ? plural(summary.overdueReviews, 'overdue access review') : ''].filter(Boolean).join(', ')}`;
  const lines = [
    `# Compliance report: ${report.project}-${report.environment}`,
    '',
    `${report.manifestFile}, ${report.date}: ${verdict}`,
    '',
    ...table(
      ['pack', 'rules checked', 'findings', 'suppressed'],
      report.packs.map((p) => [p.name, p.rulesChecked.length, p.findings.length, p.suppressions.length]),
      ['l', 'r', 'r', 'r'],
    ),
    '',
    `Access reviews: ${plural(report.reviews.length, 'agent')}, ${summary.overdueReviews} overdue (interval ${report.reviews[0]?.intervalDays ?? '-'} days).`,
  ];
  const stale = report.unusedSuppressions.filter((u) => u.status === 'stale').length;
  const notRun = report.unusedSuppressions.length - stale;
  if (stale > 0) lines.push(`Stale suppressions: ${stale} (a pack that ran checked the rule and found the resource compliant: remove them; listed below).`);
  if (notRun > 0) lines.push(`Suppressions for packs that did not run: ${notRun} (kept for deployments that enable those packs; listed below).`);

  lines.push('', '## Findings', '');
  const findings = report.packs.flatMap((p) => p.findings);
  if (findings.length === 0) lines.push('None.');
  else {
    lines.push(...table(['pack', 'rule', 'resource', 'severity', 'message'], findings.map((f) => [f.pack, f.rule, f.resource, f.severity, f.fix ? `${f.message} Fix: ${f.fix}` : f.message])));
    lines.push('', 'Fix the resource, or, if it is compliant in substance, suppress the finding on that resource with `suppress(resource, { rule, reason })` from constructs/compliance.');
  }

  lines.push('', '## Suppressions', '');
  const suppressions = report.packs.flatMap((p) => p.suppressions);
  if (suppressions.length === 0) lines.push('None.');
  else lines.push(...table(['pack', 'rule', 'resource', 'reason'], suppressions.map((s) => [s.pack, s.rule, s.resource, s.madeWith === 'suppress' ? s.reason : `${s.reason} (acknowledged directly at ${s.acknowledgedAt}, not with suppress())`])));
  if (report.unusedSuppressions.length > 0) {
    lines.push('', 'Suppressions that matched no finding (stale: the rule ran and the resource is compliant; pack-not-run: no pack that ran checks the rule):', '');
    lines.push(...table(['rule', 'resource', 'status', 'reason'], report.unusedSuppressions.map((u) => [u.rule, u.resource, u.status, u.reason])));
  }

  lines.push('', '## Access reviews', '');
  lines.push(
    ...table(
      ['agent', 'owner', 'reviewed on', 'age (days)', 'interval (days)', 'due', 'status'],
      report.reviews.map((r) => [r.agent, r.owner, r.reviewedOn, r.ageDays, r.intervalDays, r.dueOn, r.overdue ? `OVERDUE: ${r.message ?? ''}` : 'current']),
      ['l', 'l', 'l', 'r', 'r', 'l', 'l'],
    ),
  );

  lines.push('', '## Rules checked', '');
  for (const pack of report.packs) {
    const failing = new Set(pack.findings.map((f) => baseRule(f.rule)));
    const rules = pack.rulesChecked.map((r) => (failing.has(r) ? `**${r}** (finding)` : r));
    lines.push(`- ${pack.name} (${pack.rulesChecked.length}): ${rules.length > 0 ? rules.join(', ') : 'not recorded'}`);
  }
  return `${lines.join('\n')}\n`;
}
