export { ConfigBackup } from './config-backup';
export type { ConfigBackupProps } from './config-backup';
export { WardenAdminRole, RESTORE_IAM_ACTIONS } from './admin-role';
export type { WardenAdminRoleProps } from './admin-role';
export { backupKeyPolicy, BACKUP_KEY_ADMIN_ACTIONS } from './backup-key-policy';
export { missedBackupWindow, scheduleInterval } from './backup-schedule';
export { BACKUP_METRIC_NAMES, BACKUP_METRICS_NAMESPACE, BACKUP_METRICS_DIMENSION, type BackupMetricName } from './runtime/backup-metrics';
