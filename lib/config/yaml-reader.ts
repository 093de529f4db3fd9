/**
 * The YAML layer of the loader: turns manifest text into plain data plus issues, and maps a
 * path (`agents[2].tools[0]`) back to its line so every later issue can point into the file.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { formatPath, ROOT_PATH, type ManifestIssue } from './manifest-issue';

/**
 * Aliases expand on read: nested ones grow exponentially ("billion laughs"). A manifest has no
 * need for more than a handful; yaml throws past this count instead of exhausting memory.
 */
export const MAX_ALIAS_COUNT = 100;

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface YamlManifest {
  /** The document as plain data; undefined when it could not be read or is not a mapping. */
  readonly data: Record<string, unknown> | undefined;
  /**
   * YAML problems. When `fatal`, `data` cannot be trusted and checking stops here;
   * otherwise (duplicate keys) the schema and cross-checks still run so all errors come at once.
   */
  readonly issues: ManifestIssue[];
  readonly fatal: boolean;
  /**
   * Line and column of the node at `path`, or of its nearest existing ancestor (for a missing
   * field: the object that lacks it). `key: true` points at the key of the last segment.
   */
  position(path: readonly PropertyKey[], options?: { key?: boolean }): Position | undefined;
}

/**
 * C0/C1 control characters YAML does not allow in a text file (tab, LF, CR and NEL are fine).
 * They mean a binary file, a UTF-16 file read as UTF-8 (every other byte NUL), or corruption.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/;

export function readYamlManifest(text: string, file: string): YamlManifest {
  const lineCounter = new LineCounter();
  // The core schema whatever a `%YAML 1.1` directive says: under 1.1, `reviewedOn: 2026-11-01`
  // would become a timestamp object and `yes`/`on` booleans; in a manifest they are text.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, schema: 'core' });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const position = (path: readonly PropertyKey[], options: { key?: boolean } = {}) => {
    const node = nodeAt(doc, path, options.key ?? false);
    return node?.range ? at(node.range[0]) : undefined;
  };
  const issue = (path: string, message: string, offset?: number, severity: ManifestIssue['severity'] = 'error'): ManifestIssue => ({
    file,
    path,
    message,
    ...(offset === undefined ? {} : at(offset)),
    severity,
  });

  const issues: ManifestIssue[] = [];
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const { line, column } = at(control.index);
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    issues.push(
      issue(
        ROOT_PATH,
        `the file is not plain text: it holds the control character U+${code} at line ${line}, column ${column} — is this the manifest? Save it as UTF-8 text (not UTF-16 or a binary format)`,
        control.index,
      ),
    );
    return { data: undefined, issues, fatal: true, position };
  }
  let fatal = false;
  let tooDeep = false;
  for (const error of doc.errors) {
    const offset = error.pos[0];
    if (error.code === 'DUPLICATE_KEY') {
      const path = pathAtOffset(doc, offset);
      const key = path[path.length - 1];
      issues.push(issue(formatPath(path), `duplicate key "${String(key)}" — each field may appear only once in a mapping; remove or merge one of them`, offset));
    } else if (error.code === 'MULTIPLE_DOCS') {
      fatal = true;
      issues.push(issue(ROOT_PATH, 'the file holds more than one YAML document (separated by "---"); a manifest is a single document — move the others to their own files', offset));
    } else if (/call stack/i.test(error.message)) {
      // the parser recursed out of stack: say so once, in the user's terms
      fatal = true;
      if (!tooDeep) issues.push(issue(ROOT_PATH, `the YAML is nested too deeply to read (from line ${at(offset).line}) — a manifest needs only a few levels; remove the nesting`, offset));
      tooDeep = true;
    } else {
      fatal = true;
      issues.push(issue(ROOT_PATH, `YAML syntax error: ${error.message} (line ${at(offset).line}, column ${at(offset).column})`, offset));
    }
  }
  for (const warning of doc.warnings) {
    // e.g. an unknown tag such as `!Ref`: CloudFormation syntax has no meaning in a manifest.
    issues.push(issue(formatPath(pathAtOffset(doc, warning.pos[0])), `YAML: ${warning.message} — remove the tag; a manifest holds plain values`, warning.pos[0]));
  }
  if (fatal) return { data: undefined, issues, fatal, position };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    issues.push(issue(ROOT_PATH, 'the manifest is empty — start from the example in docs/manifest.md (project:, environment:, dataClasses:, datasets:, servers:, agents:)'));
    return { data: undefined, issues, fatal: true, position };
  }
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? 'a list' : 'a single value';
    issues.push(issue(ROOT_PATH, `the manifest must be a YAML mapping of fields (project:, environment:, datasets:, ...) but the file holds ${found}`, doc.contents.range?.[0]));
    return { data: undefined, issues, fatal: true, position };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    issues.push(issue(ROOT_PATH, `the YAML could not be expanded (${reason}): it uses aliases (*name) more than ${MAX_ALIAS_COUNT} times — write the values out instead of nesting aliases`));
    return { data: undefined, issues, fatal: true, position };
  }
  return { data: data as Record<string, unknown>, issues, fatal, position };
}

function keyOf(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** The node at `path`, or the deepest existing ancestor. */
function nodeAt(doc: Document, path: readonly PropertyKey[], wantKey: boolean): YamlNode | undefined {
  let node: unknown = doc.contents;
  let found: YamlNode | undefined = doc.contents ?? undefined;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(segment));
      if (!pair) break;
      if (last && wantKey && isScalar(pair.key)) return pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) break;
    } else {
      break;
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) found = node;
  }
  return found;
}

/**
 * The path of the key or value at `offset` (yaml's own errors carry only an offset). The first
 * entry ending after `offset` is taken, so a tag or anchor written before a value counts as part of it.
 */
function pathAtOffset(doc: Document, offset: number): PropertyKey[] {
  const path: PropertyKey[] = [];
  const end = (node: unknown): number => (node as YamlNode | null)?.range?.[2] ?? -1;
  const start = (node: unknown): number => (node as YamlNode | null)?.range?.[0] ?? Infinity;
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && offset < Math.max(end(p.key), end(p.value)));
      if (!pair || offset < start(pair.key) - 1) return path;
      path.push(keyOf(pair.key));
      if (offset < end(pair.key)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => offset < end(item));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}
