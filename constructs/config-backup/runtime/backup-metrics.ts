/**
 * The metrics the backup function emits (EMF, one line per run) and the construct's alarms
 * watch: one source of truth for their names, namespace and dimension.
 */
export const BACKUP_METRICS_NAMESPACE = 'McpWarden';
/** Dimension: `<project>-<environment>`. */
export const BACKUP_METRICS_DIMENSION = 'Deployment';
export const BACKUP_METRIC_NAMES = ['SnapshotsWritten', 'SnapshotBytes', 'SnapshotResources', 'CollectionWarnings'] as const;
export type BackupMetricName = (typeof BACKUP_METRIC_NAMES)[number];

const UNIT: Record<BackupMetricName, 'Count' | 'Bytes'> = { SnapshotsWritten: 'Count', SnapshotBytes: 'Bytes', SnapshotResources: 'Count', CollectionWarnings: 'Count' };

export function backupMetricsLine(deployment: string, values: Readonly<Record<BackupMetricName, number>>, now: number): string {
  return `${JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{ Namespace: BACKUP_METRICS_NAMESPACE, Dimensions: [[BACKUP_METRICS_DIMENSION]], Metrics: BACKUP_METRIC_NAMES.map((Name) => ({ Name, Unit: UNIT[Name] })) }],
    },
    [BACKUP_METRICS_DIMENSION]: deployment,
    ...values,
  })}\n`;
}
