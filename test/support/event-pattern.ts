/**
 * EventBridge event-pattern matching, for the operators warden rules use: a list of exact values
 * (strings, numbers, booleans, null), `{prefix}`, `{wildcard}` (`*` matches any run of characters,
 * `/` included), `{exists}`, `{anything-but}` of exact values, and nested objects (every key of the
 * pattern must match; an array in the event matches when any element does). Other operators
 * throw, so a pattern the tests cannot judge fails loudly rather than passing.
 * ("Event patterns in Amazon EventBridge", EventBridge User Guide.)
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function matchesEventPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, rule]) => matchField(rule, event[key] as Json | undefined));
}

function matchField(rule: unknown, value: Json | undefined): boolean {
  if (Array.isArray(rule)) {
    const values = Array.isArray(value) ? value : [value];
    return rule.some((r) => values.some((v) => matchOne(r, v)) || (isExists(r) && matchOne(r, value)));
  }
  if (rule !== null && typeof rule === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    return matchesEventPattern(rule as Record<string, unknown>, value as Record<string, unknown>);
  }
  throw new Error(`event pattern: a leaf must be a list of values or operators, not ${JSON.stringify(rule)}`);
}

const isExists = (r: unknown) => r !== null && typeof r === 'object' && 'exists' in (r as object);

function matchOne(rule: unknown, value: Json | undefined): boolean {
  if (rule === null || typeof rule !== 'object') return value !== undefined && value === rule;
  const [op, arg] = Object.entries(rule as Record<string, unknown>)[0] ?? [];
  switch (op) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(arg));
    case 'wildcard': {
      const re = new RegExp(`^${String(arg).split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
      return typeof value === 'string' && re.test(value);
    }
    case 'exists':
      return (value !== undefined) === arg;
    case 'anything-but':
      return value !== undefined && !(Array.isArray(arg) ? arg : [arg]).includes(value as never);
    default:
      throw new Error(`event pattern: operator ${String(op)} is not modelled`);
  }
}
