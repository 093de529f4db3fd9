/**
 * Rules across fields that a schema cannot express: unique names, references between
 * sections, IAM name limits, review dates and files on disk. They read the forgiving raw view,
 * so they run even when the schema failed and all errors are reported at once.
 */
import { overdueReviewMessage, isoDay, reviewStatus } from './access-review';
import { closestMatch, quotedList, suggestion } from './did-you-mean';
import { checkFeatures } from './feature-checks';
import { missingFileProblem } from './file-checks';
import { formatPath, type ManifestIssue } from './manifest-issue';
import type { RawManifest } from './raw-manifest';
import { roleNameLengthProblem } from './role-names';
import { describeValue } from './schema-issues';
import { complianceSchema } from './schema';
import type { Position } from './yaml-reader';

const DEFAULT_REVIEW_INTERVAL_DAYS = complianceSchema.parse({}).reviewIntervalDays;

export interface CrossCheckContext {
  /** The manifest as the user named it. */
  readonly file: string;
  /** Folder that `entry` and policy paths are relative to. */
  readonly dir: string;
  readonly now: Date;
  readonly position: (path: readonly PropertyKey[], options?: { key?: boolean }) => Position | undefined;
}

/** Errors and warnings (by `severity`) of the cross-field rules. */
export function crossCheck(raw: RawManifest, ctx: CrossCheckContext): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const report = (path: readonly PropertyKey[], message: string, severity: ManifestIssue['severity'] = 'error') => {
    issues.push({ file: ctx.file, path: formatPath(path), message, ...(ctx.position(path) ?? {}), severity });
  };

  // Unique names: each becomes a resource or policy id, and a duplicate would silently merge two.
  const unique = <T extends { index: number }>(items: readonly T[], nameOf: (item: T) => string | undefined, pathOf: (item: T) => PropertyKey[], what: string, whats = `${what}s`) => {
    const first = new Map<string, T>();
    for (const item of items) {
      const name = nameOf(item);
      if (name === undefined) continue;
      const earlier = first.get(name);
      if (earlier) report(pathOf(item), `duplicate ${what} ${describeValue(name)} (already declared at ${formatPath(pathOf(earlier))}) — ${whats} must be unique; rename or remove one`);
      else first.set(name, item);
    }
  };
  unique(raw.dataClasses, (c) => c.name, (c) => ['dataClasses', c.index], 'data class', 'data classes');
  unique(raw.datasets, (d) => d.name, (d) => ['datasets', d.index, 'name'], 'dataset name');
  unique(raw.servers, (s) => s.name, (s) => ['servers', s.index, 'name'], 'server name');
  unique(raw.agents, (a) => a.name, (a) => ['agents', a.index, 'name'], 'agent name');
  for (const server of raw.servers) unique(server.tools, (t) => t.name, (t) => ['servers', server.index, 'tools', t.index, 'name'], 'tool name');

  // Data classes: every class named anywhere must be declared, since clearance compares ranks.
  const classes = raw.dataClasses.flatMap((c) => (c.name === undefined ? [] : [c.name]));
  const checkClass = (path: PropertyKey[], value: string | undefined) => {
    if (value === undefined || classes.length === 0 || classes.includes(value)) return;
    report(path, `unknown data class ${describeValue(value)}${suggestion(value, classes, `declare it in dataClasses or use one of ${quotedList(classes)}`)}`);
  };
  for (const dataset of raw.datasets) checkClass(['datasets', dataset.index, 'class'], dataset.class);
  for (const agent of raw.agents) checkClass(['agents', agent.index, 'clearance'], agent.clearance);
  for (const rule of raw.redaction) checkClass(['guard', 'redaction', rule.type], rule.class);
  for (const c of raw.trailClasses) checkClass(['trail', 'dataEventClasses', c.index], c.name);

  // Datasets used by tools.
  const datasets = raw.datasets.flatMap((d) => (d.name === undefined ? [] : [d.name]));
  for (const server of raw.servers) {
    for (const tool of server.tools) {
      if (tool.dataset === undefined || datasets.length === 0 || datasets.includes(tool.dataset)) continue;
      report(['servers', server.index, 'tools', tool.index, 'dataset'], `unknown dataset ${describeValue(tool.dataset)}${suggestion(tool.dataset, datasets, `declare it under datasets or use one of ${quotedList(datasets)}`)}`);
    }
  }

  // Agents' tools: `server/tool`, existing, listed once.
  const toolRefs = raw.servers.flatMap((s) => (s.name === undefined ? [] : s.tools.flatMap((t) => (t.name === undefined ? [] : [`${s.name}/${t.name}`]))));
  const serverNames = raw.servers.flatMap((s) => (s.name === undefined ? [] : [s.name]));
  for (const agent of raw.agents) {
    const seen = new Map<string, number>();
    for (const { index, ref } of agent.tools) {
      if (ref === undefined) continue;
      const path = ['agents', agent.index, 'tools', index];
      const earlier = seen.get(ref);
      if (earlier !== undefined) {
        report(path, `${describeValue(ref)} is listed twice (also at ${formatPath(['agents', agent.index, 'tools', earlier])}) — remove one`);
        continue;
      }
      seen.set(ref, index);
      if (toolRefs.includes(ref)) continue;
      const problem = toolRefProblem(ref, toolRefs, serverNames);
      if (problem !== undefined) report(path, problem);
    }
  }

  // Screening exemptions name declared tools (a typo would leave the argument screened, or exempt nothing).
  for (const exemption of raw.injectionExemptions) {
    if (exemption.tool === undefined || toolRefs.includes(exemption.tool)) continue;
    const problem = toolRefProblem(exemption.tool, toolRefs, serverNames);
    if (problem !== undefined) report(['guard', 'injection', 'exempt', exemption.index, 'tool'], problem);
  }

  // Resources and prompts: the same rules as tools.
  checkFeatures(raw, report);

  // IAM role names derived from the manifest must fit IAM's limit.
  if (raw.project !== undefined && raw.environment !== undefined) {
    for (const agent of raw.agents) {
      if (agent.name === undefined) continue;
      const problem = roleNameLengthProblem(raw.project, raw.environment, agent.name);
      if (problem !== undefined) report(['agents', agent.index, 'name'], problem);
    }
  }

  // Access reviews: a future date is an error (it would postpone the next review); overdue is a warning.
  const interval = raw.reviewIntervalDays ?? DEFAULT_REVIEW_INTERVAL_DAYS;
  for (const agent of raw.agents) {
    if (agent.reviewedOn === undefined) continue;
    const status = reviewStatus(agent.reviewedOn, interval, ctx.now);
    if (status === undefined) continue; // not a calendar date: the schema reports it
    const path = ['agents', agent.index, 'reviewedOn'];
    if (status.inFuture) report(path, `reviewedOn ${status.reviewedOn} is in the future (today is ${isoDay(ctx.now)}) — write the date the last access review actually took place`);
    else if (status.overdue) report(path, overdueReviewMessage(status), 'warning');
  }

  // Alert overrides name agents: a typo would silently leave the default severity in place.
  const agentNames = raw.agents.flatMap((a) => (a.name === undefined ? [] : [a.name]));
  for (const name of raw.alertAgents) {
    if (agentNames.length > 0 && !agentNames.includes(name)) report(['alerts', 'agents', name], `unknown agent ${describeValue(name)}${suggestion(name, agentNames, `use one of ${quotedList(agentNames)}`)}`);
  }

  // Files the deployment will read, relative to the manifest's folder.
  for (const server of raw.servers) {
    const problem = server.entry === undefined ? undefined : missingFileProblem(ctx.dir, server.entry, 'entry file');
    if (problem !== undefined) report(['servers', server.index, 'entry'], `${problem} — create the tool module there or fix the path`);
  }
  for (const policy of raw.policies) {
    const problem = policy.file === undefined ? undefined : missingFileProblem(ctx.dir, policy.file, 'policy file');
    if (problem !== undefined) report(['guard', 'policies', policy.index], `${problem} — create the Cedar policy file or fix the path`);
  }

  return issues;
}

/** Why `ref` names no declared tool, with the closest real one when it looks like a typo. */
function toolRefProblem(ref: string, toolRefs: readonly string[], serverNames: readonly string[]): string | undefined {
  const parts = ref.split('/');
  const match = closestMatch(ref, toolRefs);
  const didYouMean = match === undefined ? '' : ` — did you mean "${match}"?`;
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    return `tool reference ${describeValue(ref)} must be written "server/tool" (e.g. "${toolRefs[0] ?? 'commerce/get_order'}")${didYouMean}`;
  }
  if (match !== undefined) return `unknown tool ${describeValue(ref)}${didYouMean}`;
  const [server] = parts as [string, string];
  if (serverNames.length === 0) return undefined; // no valid server at all: the schema reports that
  if (!serverNames.includes(server)) return `unknown tool ${describeValue(ref)}: there is no server ${describeValue(server)} — declared servers are ${quotedList(serverNames)}`;
  const tools = toolRefs.filter((r) => r.startsWith(`${server}/`));
  return `unknown tool ${describeValue(ref)}: server ${describeValue(server)} has no such tool — its tools are ${quotedList(tools)}`;
}
