export { ApprovalsTable, approvalDeciderStatements, APPROVAL_ITEM_WRITES, type ApprovalsTableProps } from './approvals-table';
export { APPROVALS_TABLE, APPROVAL_RETENTION_DAYS } from './runtime/approvals-table-schema';
