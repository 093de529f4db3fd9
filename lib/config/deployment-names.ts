/**
 * Names of the deployment-wide resources that several stacks refer to. They are derived, not
 * exported across stacks, so each stack can name the others' resources without a CloudFormation
 * export (which would pin them: an export in use can't change) and without a dependency cycle.
 */

/** The MFA-gated role people assume for configuration changes (release an agent, restore a backup, approve a call). */
export function wardenAdminRoleName(project: string, environment: string): string {
  return `${project}-${environment}-warden-admin`;
}

/** The incident-response state machine's role: the only writer of the agent-status table. */
export function incidentResponseRoleName(project: string, environment: string): string {
  return `${project}-${environment}-incident-response`;
}

/**
 * The alert topic (SNS, the manifest's e-mail subscriptions) and the alert event bus (warden
 * alarms entering ALARM, forwarded from the default bus) share this name.
 */
export function alertsName(project: string, environment: string): string {
  return `${project}-${environment}-warden-alerts`;
}

/** The incident-response state machine (Standard): `warden incident` and `warden drill` start it by this name. */
export function incidentStateMachineName(project: string, environment: string): string {
  return `${project}-${environment}-incident-response`;
}

/** The incidents table (one item per incident: timings, evidence, the pending decision's task token). */
export function incidentsTableName(project: string, environment: string): string {
  return `${project}-${environment}-incidents`;
}

/**
 * The drill agent: roles named like an agent's (`<project>-<environment>-warden-drill-caller|data`)
 * with no data access, contained and released by every drill. No manifest agent may take the name.
 */
export const DRILL_AGENT = 'warden-drill';

/** The inline policy containment puts on an agent's caller and data roles (and release removes). */
export const CONTAINMENT_POLICY_NAME = 'warden-containment';

/** The kill-switch table every MCP server reads (partition key `agent`). */
export function agentStatusTableName(project: string, environment: string): string {
  return `${project}-${environment}-agent-status`;
}

/**
 * The bucket of encrypted configuration snapshots. IAM role names of a deployment are already
 * account-wide (`<project>-<environment>-*`), so the account id alone makes the name unique;
 * at most 16 + 12 + 9 + 12 = 50 characters, inside S3's 63.
 */
export function backupBucketName(project: string, environment: string, account: string): string {
  return `${project}-${environment}-backups-${account}`;
}

/** Alias of the dedicated key that encrypts configuration snapshots. */
export function backupKeyAlias(project: string, environment: string): string {
  return `alias/${project}-${environment}-backups`;
}

/** The scheduled function that writes configuration snapshots. */
export function backupFunctionRoleName(project: string, environment: string): string {
  return `${project}-${environment}-backup`;
}

/** The approvals table (held tool calls, their decisions and executions: lib/approvals). */
export function approvalsTableName(project: string, environment: string): string {
  return `${project}-${environment}-approvals`;
}

/**
 * The log group of approval decisions (`warden approve|deny`, written with the deciding role). Its
 * name starts like the servers' audit log groups (`<project>-<environment>-servers…`), so the
 * incident evidence query, which reads every log group with that prefix, finds decisions too.
 */
export function approvalDecisionsLogGroupName(project: string, environment: string): string {
  return `${project}-${environment}-servers-approval-decisions`;
}
