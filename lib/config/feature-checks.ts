/**
 * Cross-checks for resources and prompts, the same rules tools get: unique names per server,
 * declared datasets and data classes, and agents' `server/name` references that exist and are
 * listed once. Reads the forgiving raw view, like cross-checks.ts.
 */
import { closestMatch, quotedList, suggestion } from './did-you-mean';
import { formatPath } from './manifest-issue';
import type { RawAgentTool, RawManifest } from './raw-manifest';
import { describeValue } from './schema-issues';

type Report = (path: readonly PropertyKey[], message: string) => void;

const KINDS = [
  { key: 'resources', what: 'resource' },
  { key: 'prompts', what: 'prompt' },
] as const;

export function checkFeatures(raw: RawManifest, report: Report): void {
  const datasets = raw.datasets.flatMap((d) => (d.name === undefined ? [] : [d.name]));
  const classes = raw.dataClasses.flatMap((c) => (c.name === undefined ? [] : [c.name]));
  for (const server of raw.servers) {
    for (const { key, what } of KINDS) {
      const first = new Map<string, number>();
      for (const item of server[key]) {
        if (item.name === undefined) continue;
        const earlier = first.get(item.name);
        if (earlier !== undefined) report(['servers', server.index, key, item.index, 'name'], `duplicate ${what} name ${describeValue(item.name)} (already declared at ${formatPath(['servers', server.index, key, earlier, 'name'])}) — ${what} names must be unique per server; rename or remove one`);
        else first.set(item.name, item.index);
      }
    }
    for (const resource of server.resources) {
      if (resource.dataset === undefined || datasets.length === 0 || datasets.includes(resource.dataset)) continue;
      report(['servers', server.index, 'resources', resource.index, 'dataset'], `unknown dataset ${describeValue(resource.dataset)}${suggestion(resource.dataset, datasets, `declare it under datasets or use one of ${quotedList(datasets)}`)}`);
    }
    for (const prompt of server.prompts) {
      for (const cls of prompt.dataClasses) {
        if (cls.name === undefined || classes.length === 0 || classes.includes(cls.name)) continue;
        report(['servers', server.index, 'prompts', prompt.index, 'dataClasses', cls.index], `unknown data class ${describeValue(cls.name)}${suggestion(cls.name, classes, `declare it in dataClasses or use one of ${quotedList(classes)}`)}`);
      }
    }
  }

  for (const { key, what } of KINDS) {
    const refs = raw.servers.flatMap((s) => (s.name === undefined ? [] : s[key].flatMap((r) => (r.name === undefined ? [] : [`${s.name}/${r.name}`]))));
    for (const agent of raw.agents) checkRefs(agent[key], refs, (i) => ['agents', agent.index, key, i], what, report);
  }
}

function checkRefs(list: readonly RawAgentTool[], refs: readonly string[], pathOf: (index: number) => PropertyKey[], what: string, report: Report): void {
  const seen = new Map<string, number>();
  for (const { index, ref } of list) {
    if (ref === undefined) continue;
    const earlier = seen.get(ref);
    if (earlier !== undefined) {
      report(pathOf(index), `${describeValue(ref)} is listed twice (also at ${formatPath(pathOf(earlier))}) — remove one`);
      continue;
    }
    seen.set(ref, index);
    if (refs.includes(ref)) continue;
    const match = closestMatch(ref, refs);
    const parts = ref.split('/');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      report(pathOf(index), `${what} reference ${describeValue(ref)} must be written "server/${what}"${match ? ` — did you mean "${match}"?` : ''}`);
    } else if (match !== undefined) {
      report(pathOf(index), `unknown ${what} ${describeValue(ref)} — did you mean "${match}"?`);
    } else {
      report(pathOf(index), `unknown ${what} ${describeValue(ref)}: ${refs.length > 0 ? `the declared ${what}s are ${quotedList(refs)}` : `no server declares any ${what}s; add one under servers[].${what}s or remove the reference`}`);
    }
  }
}
