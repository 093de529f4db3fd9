/**
 * The Condition element: every operator block and every key in it must hold (AND); the values
 * listed for one key are alternatives (OR). Negated operators are the negation of their positive
 * form, so they hold when the key is absent; `...IfExists` holds when the key is absent;
 * `ForAnyValue:`/`ForAllValues:` compare a multi-valued key as a set.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import { arnMatch, wildcardMatch } from './wildcard';
import { type ContextScalar, type RequestContext, substituteVariables } from './request-context';
import type { ConditionBlock } from './policy-document';

type Compare = (requestValue: string, policyValue: string) => boolean;

interface Operator {
  readonly compare: Compare;
  /** The operator is the negation of `compare` (StringNotEquals, ArnNotLike...). */
  readonly negated: boolean;
}

const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));
const numeric = (test: (a: number, b: number) => boolean): Compare => (r, p) => {
  const a = num(r);
  const b = num(p);
  return !Number.isNaN(a) && !Number.isNaN(b) && test(a, b);
};
const date = (test: (a: number, b: number) => boolean): Compare => (r, p) => {
  const parse = (s: string): number => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));
  const a = parse(r);
  const b = parse(p);
  return !Number.isNaN(a) && !Number.isNaN(b) && test(a, b);
};

const stringEquals: Compare = (r, p) => r === p;
const stringEqualsIgnoreCase: Compare = (r, p) => r.toLowerCase() === p.toLowerCase();
const stringLike: Compare = (r, p) => wildcardMatch(p, r);
const arnLike: Compare = (r, p) => arnMatch(p, r);

const OPERATORS: Readonly<Record<string, Operator>> = {
  stringequals: { compare: stringEquals, negated: false },
  stringnotequals: { compare: stringEquals, negated: true },
  stringequalsignorecase: { compare: stringEqualsIgnoreCase, negated: false },
  stringnotequalsignorecase: { compare: stringEqualsIgnoreCase, negated: true },
  stringlike: { compare: stringLike, negated: false },
  stringnotlike: { compare: stringLike, negated: true },
  // ArnEquals and ArnLike behave identically (documented), as do their negations.
  arnequals: { compare: arnLike, negated: false },
  arnlike: { compare: arnLike, negated: false },
  arnnotequals: { compare: arnLike, negated: true },
  arnnotlike: { compare: arnLike, negated: true },
  bool: { compare: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: false },
  numericequals: { compare: numeric((a, b) => a === b), negated: false },
  numericnotequals: { compare: numeric((a, b) => a === b), negated: true },
  numericlessthan: { compare: numeric((a, b) => a < b), negated: false },
  numericlessthanequals: { compare: numeric((a, b) => a <= b), negated: false },
  numericgreaterthan: { compare: numeric((a, b) => a > b), negated: false },
  numericgreaterthanequals: { compare: numeric((a, b) => a >= b), negated: false },
  dateequals: { compare: date((a, b) => a === b), negated: false },
  datenotequals: { compare: date((a, b) => a === b), negated: true },
  datelessthan: { compare: date((a, b) => a < b), negated: false },
  datelessthanequals: { compare: date((a, b) => a <= b), negated: false },
  dategreaterthan: { compare: date((a, b) => a > b), negated: false },
  dategreaterthanequals: { compare: date((a, b) => a >= b), negated: false },
  ipaddress: { compare: (r, p) => ipInCidr(r, p), negated: false },
  notipaddress: { compare: (r, p) => ipInCidr(r, p), negated: true },
};

/** Thrown for an operator the evaluator does not know: silently guessing would make tests lie. */
export class UnsupportedConditionError extends Error {}

/** True when every condition of the block holds for the request. */
export function conditionsHold(block: ConditionBlock | undefined, context: RequestContext): boolean {
  if (!block) return true;
  return Object.entries(block).every(([operatorName, keys]) => Object.entries(keys).every(([key, values]) => conditionHolds(operatorName, key, values, context)));
}

function conditionHolds(operatorName: string, key: string, rawValues: unknown, context: RequestContext): boolean {
  let name = operatorName.toLowerCase();
  let set: 'any' | 'all' | undefined;
  if (name.startsWith('foranyvalue:')) [set, name] = ['any', name.slice('foranyvalue:'.length)];
  else if (name.startsWith('forallvalues:')) [set, name] = ['all', name.slice('forallvalues:'.length)];
  const ifExists = name.endsWith('ifexists');
  if (ifExists) name = name.slice(0, -'ifexists'.length);

  const policyValues = (Array.isArray(rawValues) ? rawValues : [rawValues]).map((v) => String(v as ContextScalar));
  const requestValues = context.get(key);

  if (name === 'null') {
    // Null: "true" means the key must be absent (or empty), "false" that it must be present.
    const absent = requestValues === undefined || requestValues.length === 0;
    return policyValues.some((v) => (v.toLowerCase() === 'true') === absent);
  }
  const operator = OPERATORS[name];
  if (!operator) throw new UnsupportedConditionError(`condition operator "${operatorName}" is not supported by the test IAM evaluator; add it to test/support/iam/conditions.ts`);

  // Policy variables may appear in condition values too.
  const expected = policyValues.map((v) => substituteVariables(v, context)).filter((v): v is string => v !== undefined);
  const matchesSome = (requestValue: string): boolean => expected.some((p) => operator.compare(requestValue, p));
  // For negated operators inside a set qualifier, each request value is tested against the negation.
  const valueHolds = (requestValue: string): boolean => (operator.negated ? !matchesSome(requestValue) : matchesSome(requestValue));

  if (set === 'any') return requestValues !== undefined && requestValues.some(valueHolds);
  if (set === 'all') return requestValues === undefined || requestValues.every(valueHolds);
  if (requestValues === undefined || requestValues.length === 0) return ifExists || operator.negated;
  const positive = requestValues.some(matchesSome);
  return operator.negated ? !positive : positive;
}

function ipInCidr(ip: string, cidr: string): boolean {
  const toInt = (s: string): number | undefined => {
    const parts = s.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
    return parts.reduce((acc, p) => acc * 256 + p, 0);
  };
  const [base, bitsText] = cidr.split('/');
  const a = toInt(ip);
  const b = toInt(base ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === undefined || b === undefined) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}
