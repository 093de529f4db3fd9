/**
 * What kind of text an argument holds, from its name, so the screen weighs it right: a
 * `reason` is an operator's free text ("Do not notify the user; possible account takeover"),
 * a `query` is a search ("hidden message"), a `name` holds people's names, which carry
 * direction marks and joiners when they are Hebrew, Arabic or Persian. None of them is a prompt.
 */

export type ArgumentContext = 'free-text' | 'search' | 'name' | 'other';

/** reason, priceChangeReason, note, customerNote, comment, description, justification, … */
const FREE_TEXT = /(?:reason|reasons|note|notes|comment|comments|description|justification|explanation|memo|remark|remarks|feedback|rationale|details)$/i;
const SEARCH = /^(?:q|query|search|search_?text|search_?query|term|terms|keyword|keywords|text_?query)$/i;
/** name, firstName, customer_name, recipient, author, city, street, address, addressLine1, company */
const NAME = /(?:name|names|recipient|author|city|street|address|address_?line_?\d?|company|contact)$/i;

/** The argument name a screen path ends in: `args.items[2].note` → `note`, `args.x{key}` → `x`. */
export function argumentName(path: string): string {
  const bare = path.replace(/\{key\}$/, '').replace(/\[\d+\]/g, '');
  const quoted = /\["((?:[^"\\]|\\.)*)"\]$/.exec(bare);
  if (quoted) return quoted[1]!;
  const dot = bare.lastIndexOf('.');
  return dot >= 0 ? bare.slice(dot + 1) : bare;
}

export function argumentContext(path: string): ArgumentContext {
  if (path.endsWith('{key}')) return 'other'; // a key is never free text
  const name = argumentName(path);
  if (SEARCH.test(name)) return 'search';
  if (FREE_TEXT.test(name)) return 'free-text';
  if (NAME.test(name)) return 'name';
  return 'other';
}

/**
 * A screen path as a manifest exemption names it: `args.items[2].note` → `items[].note`,
 * `args.reason` → `reason` (keys as their value's path).
 */
export function exemptionPath(path: string): string {
  return path.replace(/\{key\}$/, '').replace(/^args\.?/, '').replace(/\[\d+\]/g, '[]');
}
