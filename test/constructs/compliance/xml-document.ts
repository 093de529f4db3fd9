/**
 * A strict, tiny XML 1.0 reader for tests: it rejects what a real parser rejects in the
 * documents we write (unbalanced or mis-nested tags, unquoted or duplicate attributes, a raw
 * `<` or a bare `&` in text or attributes, forbidden control characters, more than one root),
 * and returns the element tree with entities decoded. No DTDs, CDATA or namespaces: we emit none.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  readonly text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9A-Fa-f]+));/y;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXmlDocument(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new Error(`forbidden character U+${xml.codePointAt(xml.search(FORBIDDEN))!.toString(16).padStart(4, '0')}`);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  const decode = (raw: string, where: string): string => {
    let out = '';
    for (let j = 0; j < raw.length; ) {
      const c = raw[j]!;
      if (c === '<') fail(`raw "<" in ${where}`);
      if (c !== '&') {
        out += c;
        j++;
        continue;
      }
      ENTITY.lastIndex = j;
      const m = ENTITY.exec(raw);
      if (!m) fail(`bare "&" in ${where}`);
      out += m![1] ? NAMED[m![1]] : String.fromCodePoint(m![2] ? Number(m![2]) : parseInt(m![3]!, 16));
      j = ENTITY.lastIndex;
    }
    return out;
  };
  const readName = (): string => {
    const m = NAME.exec(xml.slice(i));
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };

  const element = (): XmlElement => {
    if (xml[i] !== '<') fail('expected "<"');
    i++;
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      const hadSpace = /\s/.test(xml[i] ?? '');
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      if (!hadSpace) fail('expected whitespace before an attribute');
      const attr = readName();
      if (attr in attributes) fail(`duplicate attribute ${attr}`);
      skipSpace();
      if (xml[i] !== '=') fail('expected "="');
      i++;
      skipSpace();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") fail('attribute value not quoted');
      const end = xml.indexOf(quote!, i + 1);
      if (end === -1) fail('unterminated attribute value');
      attributes[attr] = decode(xml.slice(i + 1, end), `attribute ${attr}`);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next === -1) fail(`unclosed <${name}>`);
      const raw = xml.slice(i, next);
      if (raw.includes(']]>')) fail('"]]>" in text');
      text += decode(raw, `text of <${name}>`);
      i = next;
      if (xml.startsWith('</', i)) {
        i += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        skipSpace();
        if (xml[i] !== '>') fail('expected ">"');
        i++;
        return { name, attributes, children, text };
      }
      children.push(element());
    }
  };

  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end === -1) fail('unterminated XML declaration');
    i = end + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

/** Every element named `name` below `root`, depth first. */
export function elementsNamed(root: XmlElement, name: string): XmlElement[] {
  return root.children.flatMap((c) => [...(c.name === name ? [c] : []), ...elementsNamed(c, name)]);
}
