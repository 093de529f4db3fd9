/**
 * What reaches the alert event bus (`alertsName(project, environment)`): CloudWatch's own
 * "CloudWatch Alarm State Change" event for a warden alarm entering ALARM, forwarded unchanged
 * from the default bus by the monitoring construct's rule (EventBridge cannot transform events
 * sent to another bus). The agent or server and the severity are fields of `detail.alarmName`
 * (alarm-name.ts), which patterns match by wildcard and Step Functions splits on `/`.
 * Pure: the incident-response construct builds its rule from `alarmEventPattern`.
 */
import { type AlarmSeverity, type AlarmSubjectKind, alarmNamePrefix } from './alarm-name';

export const ALARM_EVENT_SOURCE = 'aws.cloudwatch';
export const ALARM_EVENT_DETAIL_TYPE = 'CloudWatch Alarm State Change';

/** The fields of the event incident response reads (the full shape: CloudWatch User Guide, "Alarm events and EventBridge"). */
export interface WardenAlarmEvent {
  readonly 'detail-type': typeof ALARM_EVENT_DETAIL_TYPE;
  readonly source: typeof ALARM_EVENT_SOURCE;
  readonly account: string;
  readonly region: string;
  readonly time: string;
  /** The alarm ARN. */
  readonly resources: readonly string[];
  readonly detail: {
    /** `warden/<project>-<environment>/<severity>/<subjectKind>/<subject>/<kind>`; `parseAlarmName` reads it. */
    readonly alarmName: string;
    readonly state: { readonly value: 'ALARM'; readonly reason: string; readonly reasonData?: string; readonly timestamp: string };
    readonly previousState: { readonly value: 'OK' | 'INSUFFICIENT_DATA' | 'ALARM'; readonly reason: string; readonly timestamp: string };
    readonly configuration: { readonly description?: string; readonly metrics?: readonly unknown[] };
  };
}

export interface AlarmEventFilter {
  readonly project: string;
  readonly environment: string;
  /** @default - every severity */
  readonly severities?: readonly AlarmSeverity[];
  /** @default - agents, servers and the deployment */
  readonly subjectKind?: AlarmSubjectKind;
}

/**
 * An EventBridge pattern (JSON, as `events.EventPattern` takes it) for warden alarms of one
 * deployment entering ALARM, optionally only some severities and one subject kind.
 */
export function alarmEventPattern(filter: AlarmEventFilter): { source: string[]; detailType: string[]; detail: Record<string, unknown> } {
  const prefix = alarmNamePrefix(filter.project, filter.environment);
  const subject = filter.subjectKind ?? '*';
  const alarmName = filter.severities === undefined && filter.subjectKind === undefined ? [{ prefix }] : (filter.severities ?? ['*']).map((severity) => ({ wildcard: `${prefix}${severity}/${subject}/*` }));
  return { source: [ALARM_EVENT_SOURCE], detailType: [ALARM_EVENT_DETAIL_TYPE], detail: { alarmName, state: { value: ['ALARM'] } } };
}
