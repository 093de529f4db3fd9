/**
 * Which data class each redaction type belongs to, and what a clearance may see.
 * A finding is redacted when its class ranks above the caller's clearance.
 */
import { REDACTION_TYPES, type Manifest, type RedactionType } from '../../config/schema';

export interface RedactionPolicy {
  /** Ordered, least to most sensitive (the manifest's dataClasses). */
  readonly dataClasses: readonly string[];
  /** Data class of each redaction type. */
  readonly classOf: Readonly<Record<RedactionType, string>>;
}

export type RedactionCounts = Partial<Record<RedactionType, number>>;

/** Payment data and credentials: the most sensitive class by default. */
const TOP_CLASS_TYPES: readonly RedactionType[] = ['card', 'cvv', 'iban', 'ssn', 'aws-access-key', 'aws-secret', 'jwt', 'private-key'];

/**
 * Defaults: card, cvv, iban, ssn, aws-access-key, aws-secret, jwt, private-key -> the most sensitive class
 * (last of dataClasses); email, phone, address -> the class just below it; overridden by manifest.guard.redaction.
 */
export function redactionPolicy(manifest: Pick<Manifest, 'dataClasses' | 'guard'>): RedactionPolicy {
  const dataClasses = [...manifest.dataClasses];
  if (dataClasses.length === 0) throw new Error('dataClasses is empty: declare at least one data class, least to most sensitive');
  const top = dataClasses[dataClasses.length - 1];
  const belowTop = dataClasses[Math.max(0, dataClasses.length - 2)];
  const overrides = manifest.guard?.redaction ?? {};
  const classOf = {} as Record<RedactionType, string>;
  for (const type of REDACTION_TYPES) {
    const override = overrides[type];
    if (override !== undefined && !dataClasses.includes(override)) {
      throw new Error(`guard.redaction.${type}: unknown data class "${override}" — use one of: ${dataClasses.join(', ')}`);
    }
    classOf[type] = override ?? (TOP_CLASS_TYPES.includes(type) ? top : belowTop);
  }
  return Object.freeze({ dataClasses: Object.freeze(dataClasses), classOf: Object.freeze(classOf) });
}

/** Rank of `clearance` in the policy; throws a message listing the valid classes. */
export function clearanceRank(policy: RedactionPolicy, clearance: string): number {
  const rank = policy.dataClasses.indexOf(clearance);
  if (rank < 0) {
    throw new Error(`unknown clearance "${clearance}" — use one of the data classes: ${policy.dataClasses.join(', ')}`);
  }
  return rank;
}

/** The types a caller with `clearance` must not see. */
export function typesAbove(policy: RedactionPolicy, clearance: string): RedactionType[] {
  const rank = clearanceRank(policy, clearance);
  return REDACTION_TYPES.filter((type) => policy.dataClasses.indexOf(policy.classOf[type]) > rank);
}
