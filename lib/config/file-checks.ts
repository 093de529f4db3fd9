/**
 * Files a manifest points at (tool modules, Cedar policies) must exist before synth, or the
 * bundler fails later with a message that does not name the manifest.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Why `relative` (resolved against `dir`) is not a usable file, or undefined when it is. */
export function missingFileProblem(dir: string, relative: string, what: string): string | undefined {
  const resolved = resolve(dir, relative);
  const stat = statSync(resolved, { throwIfNoEntry: false });
  if (stat === undefined) return `${what} not found: ${resolved} (paths are relative to the manifest's folder ${dir})`;
  if (!stat.isFile()) return `${what} ${resolved} is not a file`;
  return undefined;
}
