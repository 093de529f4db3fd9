/** The default example-shop manifest, parsed with the real schema, for runtime and construct tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { manifestSchema, type Manifest } from '../../../lib/config/schema';

export function shopManifest(): Manifest {
  return manifestSchema.parse(parse(readFileSync(join(__dirname, '../../../warden.config.yaml'), 'utf8')));
}

/** Table names as the stacks name them, for tests that need one per dataset. */
export function shopTables(manifest: Manifest): Record<string, string> {
  return Object.fromEntries(manifest.datasets.map((d) => [d.name, `${manifest.project}-${manifest.environment}-${d.name}`]));
}
