/**
 * What a second screening engine (Bedrock Guardrails) is sent: the arguments' string values
 * (and keys long enough to be text), except those the manifest exempts from instruction checks, within a bound.
 * Guardrails bill per 1,000 characters and cap one request, so a call sends at most
 * ENGINE_MAX_CHARS characters in at most ENGINE_MAX_TEXTS blocks.
 */
import { exemptionPath } from './screen-context';

/** Characters sent per call (Guardrails' text units are 1,000 characters each). */
export const ENGINE_MAX_CHARS = 25_000;
export const ENGINE_MAX_TEXTS = 50;

export function engineTexts(args: unknown, exempt?: (path: string) => ReadonlySet<string> | undefined): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  let chars = 0;
  const stack: Array<{ value: unknown; path: string }> = [{ value: args, path: 'args' }];
  const add = (text: string, path: string) => {
    if (text.trim().length < 3 || out.length >= ENGINE_MAX_TEXTS || chars >= ENGINE_MAX_CHARS) return;
    if (exempt?.(exemptionPath(path))?.has('instruction')) return;
    const part = text.slice(0, ENGINE_MAX_CHARS - chars);
    chars += part.length;
    out.push({ path, text: part });
  };
  while (stack.length > 0 && out.length < ENGINE_MAX_TEXTS && chars < ENGINE_MAX_CHARS) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') add(value, path);
    else if (Array.isArray(value)) value.forEach((v, i) => stack.push({ value: v, path: `${path}[${i}]` }));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // argument names are identifiers; a long key is text someone put there
        if (k.length > 32) add(k, `${path}.${k}{key}`);
        stack.push({ value: v, path: `${path}.${k}` });
      }
    }
  }
  return out;
}
