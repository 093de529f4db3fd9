/**
 * A parser and evaluator for the subset of CloudWatch Logs JSON filter patterns that the trail's
 * metric filters use, so each pattern can be tested against sample CloudTrail events offline
 * and checked at synth (a pattern outside the subset, or over CloudWatch's 1,024 characters,
 * fails the build rather than the deploy). Syntax: "Filter pattern syntax for metric filters",
 * CloudWatch Logs User Guide. Pure: no aws-cdk-lib.
 *
 *   { ($.eventSource = "iam.amazonaws.com") && (($.eventName = "Put*") || ($.errorCode NOT EXISTS)) }
 *
 * Supported: selectors `$.a.b[0].c`; `=` and `!=` against a double-quoted string, where `*`
 * matches any run of characters, or against a number; `EXISTS` and `NOT EXISTS`; `&&`, `||` and
 * parentheses. `&&` and `||` may not be mixed without parentheses (CloudWatch's precedence rules
 * are easy to misread; we make every grouping explicit). A comparison on a selector the event
 * lacks does not match, `!=` included: write `NOT EXISTS` where absence should count.
 */

/** CloudWatch's limit on a metric filter pattern (PutMetricFilter `filterPattern`). */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

type Node =
  | { readonly type: 'and' | 'or'; readonly terms: readonly Node[] }
  | { readonly type: 'compare'; readonly selector: readonly (string | number)[]; readonly op: '=' | '!='; readonly value: string | number }
  | { readonly type: 'exists'; readonly selector: readonly (string | number)[]; readonly negated: boolean };

export interface FilterPattern {
  readonly text: string;
  /** True when CloudWatch would count `event` (a parsed log event) for this pattern. */
  matches(event: unknown): boolean;
}

export function parseFilterPattern(text: string): FilterPattern {
  if (text.length > MAX_FILTER_PATTERN_LENGTH) throw new Error(`filter pattern is ${text.length} characters, over CloudWatch's ${MAX_FILTER_PATTERN_LENGTH}: split it into two filters of the same metric`);
  const parser = new Parser(text);
  const root = parser.pattern();
  return { text, matches: (event) => evaluate(root, event) };
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  pattern(): Node {
    this.expect('{');
    const node = this.expression();
    this.expect('}');
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('text after the closing "}"');
    return node;
  }

  private expression(): Node {
    const terms = [this.term()];
    let op: 'and' | 'or' | undefined;
    for (;;) {
      this.skipSpace();
      const next = this.text.startsWith('&&', this.pos) ? 'and' : this.text.startsWith('||', this.pos) ? 'or' : undefined;
      if (!next) break;
      if (op && op !== next) this.fail('"&&" and "||" mixed without parentheses');
      op = next;
      this.pos += 2;
      terms.push(this.term());
    }
    return op ? { type: op, terms } : terms[0]!;
  }

  private term(): Node {
    this.skipSpace();
    if (this.text[this.pos] === '(') {
      this.pos++;
      const node = this.expression();
      this.expect(')');
      return node;
    }
    const selector = this.selector();
    this.skipSpace();
    for (const [word, negated] of [['NOT EXISTS', true], ['EXISTS', false]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { type: 'exists', selector, negated };
      }
    }
    const op = this.text.startsWith('!=', this.pos) ? '!=' : this.text[this.pos] === '=' ? '=' : undefined;
    if (!op) this.fail('"=", "!=", "EXISTS" or "NOT EXISTS"');
    this.pos += op.length;
    return { type: 'compare', selector, op, value: this.value() };
  }

  private selector(): (string | number)[] {
    if (!this.text.startsWith('$.', this.pos)) this.fail('a selector such as $.eventName');
    this.pos += 1;
    const path: (string | number)[] = [];
    for (;;) {
      if (this.text[this.pos] === '.') {
        const m = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(this.text.slice(this.pos));
        if (!m) this.fail('a property name after "."');
        path.push(m[1]!);
        this.pos += m[0].length;
      } else if (this.text[this.pos] === '[') {
        const m = /^\[(\d+)\]/.exec(this.text.slice(this.pos));
        if (!m) this.fail('an array index such as [0]');
        path.push(Number(m[1]));
        this.pos += m[0].length;
      } else {
        return path;
      }
    }
  }

  private value(): string | number {
    this.skipSpace();
    if (this.text[this.pos] === '"') {
      const end = this.text.indexOf('"', this.pos + 1);
      if (end < 0) this.fail('a closing double quote');
      const value = this.text.slice(this.pos + 1, end);
      if (value.includes('\\')) this.fail('a string without backslash escapes');
      this.pos = end + 1;
      return value;
    }
    const m = /^-?\d+(\.\d+)?/.exec(this.text.slice(this.pos));
    if (!m) this.fail('a double-quoted string or a number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== c) this.fail(`"${c}"`);
    this.pos++;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private fail(expected: string): never {
    throw new Error(`filter pattern: expected ${expected} at character ${this.pos + 1} of ${this.text}`);
  }
}

function select(event: unknown, path: readonly (string | number)[]): unknown {
  let value: unknown = event;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** `*` matches any run of characters; everything else literally. */
function wildcardMatch(value: string, pattern: string): boolean {
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's').test(value);
}

function evaluate(node: Node, event: unknown): boolean {
  switch (node.type) {
    case 'and':
      return node.terms.every((t) => evaluate(t, event));
    case 'or':
      return node.terms.some((t) => evaluate(t, event));
    case 'exists': {
      const present = select(event, node.selector) !== undefined;
      return node.negated ? !present : present;
    }
    case 'compare': {
      const actual = select(event, node.selector);
      if (actual === undefined || actual === null || typeof actual === 'object') return false;
      const equal = typeof node.value === 'number' ? Number(actual) === node.value : wildcardMatch(String(actual), node.value);
      return node.op === '=' ? equal : !equal;
    }
  }
}
