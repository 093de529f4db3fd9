export * from './approval-record';
export * from './approvals-store';
export * from './approval-gate';
export * from './approval-notice';
export * from './approval-condition';
export * from './approval-timeout';
export * from './approver-check';
export * from './decide';
export { newApprovalId } from './approval-id';
