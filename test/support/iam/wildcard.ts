/**
 * IAM's two wildcards: `*` (any run of characters, also none) and `?` (exactly one). Nothing
 * else is special, so every other regex metacharacter is escaped.
 */
const cache = new Map<string, RegExp>();

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
    re = new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
    cache.set(key, re);
  }
  return re.test(value);
}

/**
 * ARN matching as ArnLike/ArnEquals and the Resource element do it: each of the first five
 * colon-separated components is matched on its own (a wildcard never spans a colon there); the
 * sixth, the resource part, may itself contain colons and slashes.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  // an ARN pattern with fewer than six components matches no ARN (it is not a prefix match)
  if (pattern.startsWith('arn:') && a && !p) return false;
  if (!p || !a) return wildcardMatch(pattern, arn);
  return p.every((part, i) => wildcardMatch(part, a[i]!));
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
