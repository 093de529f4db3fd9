export { DataClassKeys } from './data-class-keys';
export type { DataClassKeysProps } from './data-class-keys';
export { Dataset } from './dataset';
export type { DatasetProps, IDataset } from './dataset';
export {
  datasetAccessStatements,
  tableIndexArn,
  DYNAMODB_READ_ACTIONS,
  DYNAMODB_WRITE_ACTIONS,
  KMS_READ_ACTIONS,
  KMS_WRITE_ACTIONS,
  TABLE_NAME_CONTEXT_KEY,
} from './dataset-access';
export type { DatasetAccessTarget } from './dataset-access';
export { DatasetBackupPlan } from './dataset-backup-plan';
export { backupPlanCron } from './backup-schedule';
export type { DatasetBackupPlanProps } from './dataset-backup-plan';
export { classKeyPolicy, serviceOnlyKeyPolicy, dynamoDbViaService, isRestrictedClass, KEY_ADMIN_ACTIONS, DYNAMODB_KEY_USE_ACTIONS, CLASS_KEY_DATA_ACTIONS, PUBLIC_CLASS } from './class-key-policy';
export type { ClassKeyPolicyProps } from './class-key-policy';
export { datasetTablePolicy, DYNAMODB_DATA_PLANE_ACTIONS } from './dataset-table-policy';
export type { DatasetTablePolicyProps } from './dataset-table-policy';
export { datasetTableName, classKeyAlias, datasetBackupRoleName } from './names';
export { defaultRemovalPolicy, isEphemeralEnvironment, EPHEMERAL_ENVIRONMENTS } from './retention';
