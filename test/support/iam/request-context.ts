/**
 * The condition keys of one request. Key names are case-insensitive in IAM (values are not), so
 * they are stored lower-cased; every value is kept as a list of strings, which is how multi-valued
 * keys (aws:TagKeys, ...) arrive and how single values compare.
 */
export type ContextScalar = string | number | boolean;
export type ContextValue = ContextScalar | readonly ContextScalar[];

export class RequestContext {
  private readonly values = new Map<string, readonly string[]>();

  constructor(entries: Readonly<Record<string, ContextValue | undefined>> = {}) {
    for (const [key, value] of Object.entries(entries)) if (value !== undefined) this.set(key, value);
  }

  public set(key: string, value: ContextValue): this {
    this.values.set(key.toLowerCase(), (Array.isArray(value) ? value : [value]).map(String));
    return this;
  }

  /** Undefined when the request does not carry the key (not the same as an empty list). */
  public get(key: string): readonly string[] | undefined {
    return this.values.get(key.toLowerCase());
  }

  public with(entries: Readonly<Record<string, ContextValue | undefined>>): RequestContext {
    const copy = new RequestContext();
    for (const [k, v] of this.values) copy.values.set(k, v);
    for (const [k, v] of Object.entries(entries)) if (v !== undefined) copy.set(k, v);
    return copy;
  }
}

/**
 * Replaces policy variables (`${aws:PrincipalTag/team}`, and the escapes `${*}`, `${?}`, `${$}`)
 * with request values. Undefined when a variable is missing or multi-valued: the element then
 * matches nothing, as in IAM.
 */
export function substituteVariables(text: string, context: RequestContext): string | undefined {
  if (!text.includes('${')) return text;
  let missing = false;
  const out = text.replace(/\$\{([^}]+)\}/g, (_all, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name;
    const value = context.get(name);
    if (!value || value.length !== 1) {
      missing = true;
      return '';
    }
    return value[0]!;
  });
  return missing ? undefined : out;
}
