/**
 * The optional Cedar condition of a tool's `approval` (`when:`): approval is needed only when it
 * holds for the call's arguments, e.g. `context.args.amount > 500`. It is evaluated as the `when`
 * clause of one permit policy, with the validated arguments as `context.args`.
 *
 * Arguments map to Cedar values as JSON does, except numbers: an integer is a Cedar `Long`, a
 * number with a fraction a `decimal` (compare it with `.greaterThan(decimal("500.00"))`). Anything
 * Cedar cannot take (a fraction with more than four places, an integer past 2^63) and any
 * evaluation error makes the condition hold: a condition that cannot be decided asks a human.
 */
import type * as CedarWasm from '@cedar-policy/cedar-wasm/nodejs';

/** Loaded on first use: the manifest schema imports this file, and most manifests have no condition. */
let cedarModule: typeof CedarWasm | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cedarWasm = (): typeof CedarWasm => (cedarModule ??= require('@cedar-policy/cedar-wasm/nodejs') as typeof CedarWasm);

const policyOf = (condition: string) => `permit (principal, action, resource) when { ${condition} };`;
const REQUEST = { principal: { type: 'Warden::Agent', id: 'agent' }, action: { type: 'Warden::Action', id: 'approval' }, resource: { type: 'Warden::Tool', id: 'tool' } } as const;

/** Why `condition` is not a Cedar condition, or undefined when it is one. */
export function conditionProblem(condition: string): string | undefined {
  if (/[{}]/.test(condition.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) return 'a condition is one Cedar expression: it may not contain braces outside strings';
  const parsed = cedarWasm().checkParsePolicySet({ staticPolicies: policyOf(condition) });
  if (parsed.type === 'success') return undefined;
  return parsed.errors.map((e) => e.message).join('; ');
}

export type ConditionVerdict = { readonly holds: boolean; readonly why: string };

/** Cedar's form of a JSON value; undefined when it has none (the condition then holds). */
function cedarValue(value: unknown, depth = 0): unknown {
  if (depth > 32) return undefined;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    if (!Number.isFinite(value)) return undefined;
    const text = String(value);
    return /^-?\d+\.\d{1,4}$/.test(text) ? { __extn: { fn: 'decimal', arg: text } } : undefined;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    const items = value.map((v) => cedarValue(v, depth + 1));
    return items.some((v) => v === undefined) ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const c = cedarValue(v, depth + 1);
      if (c === undefined) return undefined;
      out[k] = c;
    }
    return out;
  }
  return undefined; // null and anything non-JSON
}

/** Whether `condition` holds for `args` (fail closed: undecidable holds). */
export function evaluateCondition(condition: string, args: unknown): ConditionVerdict {
  const context = cedarValue(args ?? {});
  if (context === undefined || typeof context !== 'object' || Array.isArray(context)) return { holds: true, why: 'the arguments have no Cedar form (null, or a number Cedar cannot hold): approval required' };
  const answer = cedarWasm().isAuthorized({ ...REQUEST, context: { args: context } as CedarWasm.Context, policies: { staticPolicies: policyOf(condition) }, entities: [] });
  if (answer.type === 'failure') return { holds: true, why: `the condition could not be evaluated (${answer.errors.map((e) => e.message).join('; ')}): approval required` };
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) return { holds: true, why: `the condition could not be evaluated (${diagnostics.errors.map((e) => e.error.message).join('; ')}): approval required` };
  return decision === 'allow' ? { holds: true, why: `condition holds: ${condition}` } : { holds: false, why: `condition does not hold: ${condition}` };
}
