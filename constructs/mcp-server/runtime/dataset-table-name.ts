/**
 * The table a dataset lives in: its brought table (`tableArn`), or the one the data plane
 * creates, `<project>-<environment>-<dataset>` (constructs/data-plane/names.ts; duplicated
 * here because Lambda code must not import construct code).
 */
import type { DatasetSpec, Manifest } from '../../../lib/config/schema';

export function datasetTableName(manifest: Pick<Manifest, 'project' | 'environment'>, dataset: DatasetSpec): string {
  if (dataset.tableArn) return dataset.tableArn.slice(dataset.tableArn.indexOf(':table/') + ':table/'.length);
  return `${manifest.project}-${manifest.environment}-${dataset.name}`;
}
