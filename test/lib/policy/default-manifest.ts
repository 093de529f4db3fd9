/** The repository's default manifest (warden.config.yaml), parsed with the real schema. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { manifestSchema, type Manifest } from '../../../lib/config/schema';

export const DEFAULT_MANIFEST_PATH = join(__dirname, '../../../warden.config.yaml');

export function defaultManifest(): Manifest {
  return manifestSchema.parse(parse(readFileSync(DEFAULT_MANIFEST_PATH, 'utf8')));
}
