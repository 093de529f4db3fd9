/** Environment variables the ConfigBackup construct sets on the backup function. */
export const BACKUP_ENV = {
  bucket: 'WARDEN_BACKUP_BUCKET',
  keyArn: 'WARDEN_BACKUP_KEY_ARN',
} as const;
