/**
 * Every kind of warden alarm, what it concerns and its default severity: one list for the
 * manifest schema (`alerts.severity`, `alerts.agents.<agent>.severity`), the monitoring
 * construct and the alarm runbook (docs/runbooks/alarms.md). Pure.
 */
import type { AlarmSeverity, AlarmSubjectKind } from './alarm-name';

export interface AlarmKindSpec {
  readonly subjectKind: AlarmSubjectKind;
  readonly severity: AlarmSeverity;
  /** One line: what the alarm means. */
  readonly meaning: string;
}

/** Alarms per agent: anomaly bands on the guard's metrics, static thresholds, CloudTrail denials of its roles. */
export const AGENT_ALARM_KINDS = {
  'calls-anomaly': { subjectKind: 'agent', severity: 'medium', meaning: 'Tool calls above the band of the agent\'s learned call volume' },
  'redactions-anomaly': { subjectKind: 'agent', severity: 'medium', meaning: 'Redactions above the band of the agent\'s learned redaction count: it is pulling more sensitive data than usual' },
  denied: { subjectKind: 'agent', severity: 'medium', meaning: 'Calls refused by policy (Cedar) at or above the threshold' },
  'injection-flagged': { subjectKind: 'agent', severity: 'high', meaning: 'Arguments or results carrying injection markers' },
  'rate-limited': { subjectKind: 'agent', severity: 'low', meaning: 'Calls refused by the agent\'s rate limit at or above the threshold' },
  errors: { subjectKind: 'agent', severity: 'medium', meaning: 'Tool or runtime errors at or above the threshold' },
  'identity-forgery': { subjectKind: 'agent', severity: 'high', meaning: 'Requests naming this agent without a valid caller proof' },
  'access-denied': { subjectKind: 'agent', severity: 'high', meaning: 'AWS refused an action of the agent\'s caller or data role (CloudTrail)' },
} as const satisfies Record<string, AlarmKindSpec>;

/** Alarms per MCP server: its Lambda function and its API stage. */
export const SERVER_ALARM_KINDS = {
  'function-errors': { subjectKind: 'server', severity: 'medium', meaning: 'The server function failed (crash, timeout, out of memory)' },
  'function-throttles': { subjectKind: 'server', severity: 'medium', meaning: 'Lambda throttled invocations of the server function' },
  'function-duration': { subjectKind: 'server', severity: 'low', meaning: 'p99 duration above 80% of the function timeout' },
  'function-concurrency': { subjectKind: 'server', severity: 'low', meaning: 'Concurrent executions above 80% of the reserved (or account default) concurrency' },
  'api-4xx': { subjectKind: 'server', severity: 'low', meaning: 'API Gateway refused requests (signature, resource policy, validation) at or above the threshold' },
  'api-5xx': { subjectKind: 'server', severity: 'medium', meaning: 'API Gateway answered 5XX (integration failures)' },
} as const satisfies Record<string, AlarmKindSpec>;

/** Alarms on the trail's metric filters, for the deployment as a whole. */
export const TRAIL_ALARM_KINDS = {
  'role-access-denied': { subjectKind: 'deployment', severity: 'medium', meaning: 'AWS refused an action of any warden role (CloudTrail)' },
  'iam-change': { subjectKind: 'deployment', severity: 'high', meaning: 'A warden role, its policies or the warden boundary changed' },
  'key-tampering': { subjectKind: 'deployment', severity: 'high', meaning: 'A KMS key was disabled, scheduled for deletion, or had its policy or grants changed' },
  'api-change': { subjectKind: 'deployment', severity: 'medium', meaning: 'An API Gateway API, its stage, methods or resource policy changed' },
  'function-change': { subjectKind: 'deployment', severity: 'high', meaning: 'A warden server function\'s code, configuration or permissions changed' },
  'network-change': { subjectKind: 'deployment', severity: 'medium', meaning: 'VPC endpoints, route tables, security groups or DNS firewall changed' },
  'kill-switch-write': { subjectKind: 'deployment', severity: 'high', meaning: 'The agent-status (kill switch) table was written by a principal other than incident response' },
  'direct-invoke': { subjectKind: 'deployment', severity: 'high', meaning: 'A warden server function was invoked by a principal other than API Gateway' },
  'trail-tampering': { subjectKind: 'deployment', severity: 'high', meaning: 'The trail was stopped, deleted or had its event selectors changed' },
} as const satisfies Record<string, AlarmKindSpec>;

/** Alarms on alerting itself. */
export const ALERTING_ALARM_KINDS = {
  'alerts-undelivered': { subjectKind: 'deployment', severity: 'high', meaning: 'An alert could not be delivered (bounced e-mail, failed forward to the alert bus) and waits in the dead-letter queue' },
} as const satisfies Record<string, AlarmKindSpec>;

/** Deployment-wide alarms on the guard's metrics. */
export const GUARD_ALARM_KINDS = {
  'unknown-caller-forgery': { subjectKind: 'deployment', severity: 'high', meaning: 'Requests without a valid caller proof that name no known agent (IdentityForgery of the agent "(unknown)")' },
} as const satisfies Record<string, AlarmKindSpec>;

export type AgentAlarmKind = keyof typeof AGENT_ALARM_KINDS;
export type ServerAlarmKind = keyof typeof SERVER_ALARM_KINDS;
export type TrailAlarmKind = keyof typeof TRAIL_ALARM_KINDS;
export type AlertingAlarmKind = keyof typeof ALERTING_ALARM_KINDS;
export type GuardAlarmKind = keyof typeof GUARD_ALARM_KINDS;
export type AlarmKind = AgentAlarmKind | ServerAlarmKind | TrailAlarmKind | AlertingAlarmKind | GuardAlarmKind;

export const ALARM_KINDS: Readonly<Record<AlarmKind, AlarmKindSpec>> = { ...AGENT_ALARM_KINDS, ...SERVER_ALARM_KINDS, ...TRAIL_ALARM_KINDS, ...ALERTING_ALARM_KINDS, ...GUARD_ALARM_KINDS };
export const ALARM_KIND_NAMES = Object.keys(ALARM_KINDS) as [AlarmKind, ...AlarmKind[]];
export const AGENT_ALARM_KIND_NAMES = Object.keys(AGENT_ALARM_KINDS) as [AgentAlarmKind, ...AgentAlarmKind[]];
