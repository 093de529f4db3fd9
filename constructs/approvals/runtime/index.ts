export { DynamoApprovalsStore, type DynamoApprovalsStoreOptions } from './dynamo-approvals-store';
export { SnsApprovalNotifier } from './sns-approval-notifier';
export { APPROVALS_TABLE, APPROVAL_RETENTION_DAYS } from './approvals-table-schema';
