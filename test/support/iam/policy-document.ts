/**
 * IAM policy documents as they appear in a template once its intrinsic functions are resolved
 * to concrete strings. Single values and lists are both legal JSON for most elements; `list()`
 * reads either.
 */

export type PolicyValue = string | readonly string[];

export interface PrincipalBlock {
  readonly AWS?: PolicyValue;
  readonly Service?: PolicyValue;
  readonly Federated?: PolicyValue;
  readonly CanonicalUser?: PolicyValue;
}

/** Condition block: operator → condition key → one value or a list (OR). */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: PolicyValue;
  readonly NotAction?: PolicyValue;
  readonly Resource?: PolicyValue;
  readonly NotResource?: PolicyValue;
  readonly Principal?: '*' | PrincipalBlock;
  readonly NotPrincipal?: '*' | PrincipalBlock;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Statement | readonly Statement[];
}

/** A policy with a name saying where it came from, so an evaluation can explain itself. */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

export const list = <T>(value: T | readonly T[] | undefined): readonly T[] => (value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T]);

export const statementsOf = (document: PolicyDocument): readonly Statement[] => list(document.Statement);
