/**
 * One problem found in a manifest, and how it is printed:
 * `warden.config.yaml: agents[2].tools[0]: unknown tool "commerce/get_paymnt" — did you mean "commerce/get_payment"?`
 */

/** Where in the manifest: `(root)` for the whole file. */
export const ROOT_PATH = '(root)';

export interface ManifestIssue {
  /** The manifest file as the user named it, e.g. `warden.config.yaml`. */
  readonly file: string;
  /** Path inside the manifest, e.g. `agents[2].tools[0]`, or `(root)`. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** 1-based line of the YAML node, when known. */
  readonly line?: number;
  /** 1-based column of the YAML node, when known. */
  readonly column?: number;
  readonly severity: 'error' | 'warning';
}

/** A path segment list (as zod and yaml give it) written the way users read it: `agents[2].tools[0]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? ROOT_PATH : out;
}

export interface FormatOptions {
  /** Append ` (line N)` when the issue knows its line. @default false */
  readonly withLines?: boolean;
}

/** `${file}: ${path}: ${message}`, optionally followed by ` (line N)`. */
export function formatIssue(issue: ManifestIssue, options: FormatOptions = {}): string {
  const where = options.withLines && issue.line !== undefined ? ` (line ${issue.line})` : '';
  return `${issue.file}: ${issue.path}: ${issue.message}${where}`;
}

/** Every issue, one per line. */
export function formatIssues(issues: readonly ManifestIssue[], options: FormatOptions = {}): string {
  return issues.map((issue) => formatIssue(issue, options)).join('\n');
}

/** Thrown when a manifest has errors; `issues` holds all of them, the message lists them one per line. */
export class ManifestError extends Error {
  public readonly issues: ManifestIssue[];

  constructor(issues: readonly ManifestIssue[]) {
    super(formatIssues(issues, { withLines: true }));
    this.name = 'ManifestError';
    this.issues = [...issues];
  }
}

/** File-level issues first, then in the order they appear in the file, so output reads top to bottom. */
export function sortIssues(issues: readonly ManifestIssue[]): ManifestIssue[] {
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.column ?? 0) - (b.issue.column ?? 0) || a.order - b.order)
    .map(({ issue }) => issue);
}
