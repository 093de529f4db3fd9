/**
 * Shared by the config tests: the good fixture manifest, one-change variants of it, and a
 * validator that returns the printed issue lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssue, ManifestError, parseManifest, type LoadedManifest, type ManifestIssue } from '../../../lib/config';

export const FIXTURES = join(__dirname, '../../fixtures/manifests');
export const GOOD_DIR = join(FIXTURES, 'good');
export const GOOD_YAML = readFileSync(join(GOOD_DIR, 'shop.yaml'), 'utf8');
/** "Today" in every test, so review dates do not rot. */
export const NOW = new Date('2026-11-25T12:00:00Z');

/** The good manifest with exactly one occurrence of `from` replaced (fails loudly if `from` is not unique). */
export function change(from: string, to: string, text = GOOD_YAML): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`fixture edit: expected exactly one "${from}", found ${count}`);
  return text.replace(from, to);
}

/** Validates as `warden.config.yaml` living in the good fixture folder. */
export function parse(text: string): LoadedManifest {
  return parseManifest(text, 'warden.config.yaml', { now: NOW, baseDir: GOOD_DIR });
}

/** Every error of `text`, empty when it is valid. */
export function errorsOf(text: string): ManifestIssue[] {
  try {
    parse(text);
    return [];
  } catch (err) {
    if (err instanceof ManifestError) return err.issues;
    throw err;
  }
}

/** Every error of `text` as printed: `file: path: message`. */
export function errorLines(text: string): string[] {
  return errorsOf(text).map((issue) => formatIssue(issue));
}
