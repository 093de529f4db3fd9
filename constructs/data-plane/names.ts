/**
 * Deterministic names of data-plane resources, so other stacks (and `fromXxx` importers) can
 * find them without cross-stack references.
 */

/** `<project>-<environment>-<dataset>`: the DynamoDB table of a dataset created by warden. */
export function datasetTableName(project: string, environment: string, dataset: string): string {
  return `${project}-${environment}-${dataset}`;
}

/** `alias/<project>-<environment>-<class>`: the alias of a data class's KMS key. */
export function classKeyAlias(project: string, environment: string, dataClass: string): string {
  return `alias/${project}-${environment}-${dataClass}`;
}

/** `<project>-<environment>-dataset-backup`: AWS Backup's role for the dataset tables, named so class keys and table policies can admit it. */
export function datasetBackupRoleName(project: string, environment: string): string {
  return `${project}-${environment}-dataset-backup`;
}
