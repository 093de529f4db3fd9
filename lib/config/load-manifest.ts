/**
 * Reads `warden.config.yaml`: YAML → schema → cross-checks, collecting every error before
 * throwing one `ManifestError`, so a bad manifest never reaches CloudFormation.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { crossCheck } from './cross-checks';
import { ManifestError, ROOT_PATH, sortIssues, type ManifestIssue } from './manifest-issue';
import { readRawManifest } from './raw-manifest';
import { manifestErrorMap, schemaIssues } from './schema-issues';
import { manifestSchema, type Manifest } from './schema';
import { readYamlManifest } from './yaml-reader';

export const DEFAULT_MANIFEST_FILE = 'warden.config.yaml';
/**
 * Largest manifest read. 1,000 agents take about 200 KB; past this size the file is not a
 * manifest (a log, a dump, an attack on the parser) and is refused before YAML sees it.
 */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface LoadedManifest {
  /** The validated manifest, defaults applied. */
  readonly manifest: Manifest;
  /** Absolute path of the manifest file. */
  readonly file: string;
  /** Folder that `entry` and policy paths are relative to. */
  readonly dir: string;
  /** Problems that do not stop a deployment, e.g. an overdue access review. */
  readonly warnings: ManifestIssue[];
}

export interface LoadOptions {
  /** "Today" for review dates. @default new Date() */
  readonly now?: Date;
}

export interface ParseOptions extends LoadOptions {
  /** Folder that `entry` and policy paths are relative to. @default the folder of `file` */
  readonly baseDir?: string;
}

/** Reads and validates a manifest file; throws `ManifestError` listing every error. */
export function loadManifest(file: string, options: LoadOptions = {}): LoadedManifest {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_MANIFEST_BYTES) throw new ManifestError([{ file, path: ROOT_PATH, message: tooLargeMessage(size), severity: 'error' }]);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ManifestError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `manifest not found: ${resolve(file)} — pass the path of your manifest (e.g. \`npx warden validate path/to/${DEFAULT_MANIFEST_FILE}\`) or create one from docs/manifest.md`
        : code === 'EISDIR'
          ? `${resolve(file)} is a folder — pass the manifest file inside it (e.g. ${DEFAULT_MANIFEST_FILE})`
          : `cannot read the manifest ${resolve(file)}: ${(err as Error).message}`;
    throw new ManifestError([{ file, path: ROOT_PATH, message, severity: 'error' }]);
  }
  return parseManifest(text, file, options);
}

/** Validates manifest text; `file` is used in messages and to resolve relative paths. */
export function parseManifest(text: string, file: string, options: ParseOptions = {}): LoadedManifest {
  try {
    return checkManifest(text, file, options);
  } catch (err) {
    if (err instanceof ManifestError) throw err;
    // Never a stack trace for a bad file: whatever broke (a stack overflow on pathological
    // nesting, a library bug), the user gets a ManifestError naming the file.
    const why = err instanceof RangeError ? 'it is nested or repeated beyond what can be checked' : 'the checker failed on it';
    throw new ManifestError([{ file, path: ROOT_PATH, message: `the manifest could not be checked: ${why} — simplify the file, and report it if it looks valid`, severity: 'error' }]);
  }
}

function tooLargeMessage(bytes: number): string {
  return `the manifest is ${(bytes / 1024 / 1024).toFixed(1)} MB, over the ${MAX_MANIFEST_BYTES / 1024 / 1024} MB limit — is this the right file? Split a very large fleet across manifests`;
}

function checkManifest(text: string, file: string, options: ParseOptions): LoadedManifest {
  if (text.length > MAX_MANIFEST_BYTES) throw new ManifestError([{ file, path: ROOT_PATH, message: tooLargeMessage(Buffer.byteLength(text, 'utf8')), severity: 'error' }]);
  const absolute = resolve(file);
  const dir = options.baseDir !== undefined ? resolve(options.baseDir) : dirname(absolute);
  const yaml = readYamlManifest(text, file);
  if (yaml.fatal || yaml.data === undefined) throw new ManifestError(sortIssues(yaml.issues));

  const issues: ManifestIssue[] = [...yaml.issues];
  const parsed = manifestSchema.safeParse(yaml.data, { error: manifestErrorMap });
  if (!parsed.success) issues.push(...schemaIssues(parsed.error, yaml.data, manifestSchema, yaml, file));
  issues.push(...crossCheck(readRawManifest(yaml.data), { file, dir, now: options.now ?? new Date(), position: yaml.position }));

  const errors = sortIssues(issues.filter((i) => i.severity === 'error'));
  if (errors.length > 0 || !parsed.success) throw new ManifestError(errors);
  return { manifest: parsed.data, file: absolute, dir, warnings: sortIssues(issues.filter((i) => i.severity === 'warning')) };
}
