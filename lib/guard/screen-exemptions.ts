/**
 * The manifest's screening exemptions (`guard.injection.exempt`) as lookups the screen asks per
 * argument: for each `server/tool`, which content checks to skip at which argument paths. A path
 * covers what is below it (`items[]` covers `items[].note`); no `arguments` means the whole tool.
 * Structural limits (size, depth, prototype and operator keys) are never exempt.
 */
import type { InjectionSettings, ScreenCheck } from '../config/schema';
import type { FindingKind } from './screen';

const ALL_CHECKS: ReadonlySet<FindingKind> = new Set<ScreenCheck>(['instruction', 'chat-template', 'poisoning-tag', 'hidden-unicode']);

type Lookup = (path: string) => ReadonlySet<FindingKind> | undefined;

const covers = (declared: string, path: string): boolean => path === declared || path.startsWith(`${declared}.`) || path.startsWith(`${declared}[]`);

/** `server/tool` → the exemption lookup the screen takes (`ScreenOptions.exempt`). */
export function screenExemptions(exempt: InjectionSettings['exempt']): Map<string, Lookup> {
  const byTool = new Map<string, Array<{ paths?: readonly string[]; checks: ReadonlySet<FindingKind> }>>();
  for (const e of exempt) {
    const rules = byTool.get(e.tool) ?? [];
    rules.push({ paths: e.arguments, checks: e.checks ? new Set<FindingKind>(e.checks) : ALL_CHECKS });
    byTool.set(e.tool, rules);
  }
  const out = new Map<string, Lookup>();
  for (const [tool, rules] of byTool) {
    out.set(tool, (path) => {
      const skipped = new Set<FindingKind>();
      for (const rule of rules) if (!rule.paths || rule.paths.some((p) => covers(p, path))) for (const c of rule.checks) skipped.add(c);
      return skipped.size > 0 ? skipped : undefined;
    });
  }
  return out;
}
