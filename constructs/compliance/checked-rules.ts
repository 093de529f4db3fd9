/**
 * Which rules a pack actually evaluated. cdk-nag 3.0.2 declares `NagPack.ruleIds` but never
 * fills it, and the validation report only lists packs with a finding or a suppression, so
 * "rules checked" can only be known by watching `applyRule` while the pack runs.
 */
import type { IApplyRule, NagPack } from 'cdk-nag';

interface RuleApplier {
  applyRule(params: IApplyRule): void;
}

/**
 * Records every rule id the pack applies from now on (`<Pack>-<Rule>`, without `[finding]`).
 * Returns a reader giving the ids in first-applied order. Only this pack instance is changed.
 */
export function recordCheckedRules(pack: NagPack): () => string[] {
  const seen = new Set<string>();
  const applier = pack as unknown as RuleApplier;
  const original = applier.applyRule.bind(pack);
  applier.applyRule = (params: IApplyRule): void => {
    // The same id the pack builds in NagPack.applyRule.
    seen.add(`${pack.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`);
    original(params);
  };
  return () => [...seen];
}
