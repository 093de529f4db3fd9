/**
 * A readable diff of two sets of resources (a snapshot versus live, or two snapshots), per
 * resource and, inside one, per JSON path: what an operator reads before a restore.
 */
import { canonicalJson } from './canonical-json';

export interface ResourceChange {
  readonly key: string;
  /** `removed`: in the snapshot, gone live; `added`: live, not in the snapshot. */
  readonly change: 'changed' | 'removed' | 'added';
  /** `path: snapshot value → live value` lines. */
  readonly details: readonly string[];
}

/** Resources of `snapshot` that differ in `live`, in key order. */
export function diffResources(snapshot: Readonly<Record<string, unknown>>, live: Readonly<Record<string, unknown>>): ResourceChange[] {
  const keys = [...new Set([...Object.keys(snapshot), ...Object.keys(live)])].sort();
  const out: ResourceChange[] = [];
  for (const key of keys) {
    const inSnapshot = Object.hasOwn(snapshot, key);
    const inLive = Object.hasOwn(live, key);
    if (inSnapshot && !inLive) out.push({ key, change: 'removed', details: [] });
    else if (!inSnapshot && inLive) out.push({ key, change: 'added', details: [] });
    else if (canonicalJson(snapshot[key]) !== canonicalJson(live[key])) out.push({ key, change: 'changed', details: pathDiff(snapshot[key], live[key], '') });
  }
  return out;
}

const MAX_SHOWN = 160;
const show = (v: unknown): string => {
  if (v === undefined) return '(absent)';
  const text = canonicalJson(v);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
};

function pathDiff(a: unknown, b: unknown, path: string): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  const here = path === '' ? '(whole)' : path;
  if (typeof a === 'string' && typeof b === 'string' && (a.includes('\n') || b.includes('\n'))) return textDiff(a, b, here);
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects = isObject(a) && isObject(b);
  if (bothArrays) {
    const la = a as unknown[];
    const lb = b as unknown[];
    return Array.from({ length: Math.max(la.length, lb.length) }, (_, i) => pathDiff(la[i], lb[i], `${path}[${i}]`)).flat();
  }
  if (bothObjects) {
    const oa = a as Record<string, unknown>;
    const ob = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(oa), ...Object.keys(ob)])].sort();
    return keys.flatMap((k) => pathDiff(oa[k], ob[k], path === '' ? k : `${path}.${k}`));
  }
  return [`${here}: ${show(a)} → ${show(b)}`];
}

/** Line by line, for Cedar and other multi-line texts. */
function textDiff(a: string, b: string, path: string): string[] {
  const la = a.split('\n');
  const lb = b.split('\n');
  const onlyA = la.filter((l) => !lb.includes(l)).map((l) => `${path}: - ${l}`);
  const onlyB = lb.filter((l) => !la.includes(l)).map((l) => `${path}: + ${l}`);
  return [...onlyA, ...onlyB];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The diff as text: one block per resource. */
export function formatDiff(changes: readonly ResourceChange[]): string {
  if (changes.length === 0) return 'no differences';
  const sign = { changed: '~', removed: '-', added: '+' } as const;
  const what = { changed: '', removed: ' (in the snapshot, missing live)', added: ' (live, not in the snapshot)' } as const;
  return changes.map((c) => [`${sign[c.change]} ${c.key}${what[c.change]}`, ...c.details.map((d) => `    ${d}`)].join('\n')).join('\n');
}
