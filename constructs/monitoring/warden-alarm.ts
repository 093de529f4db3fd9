/**
 * `alarm*()` helpers: every warden alarm is made here, so each one carries the name that tells
 * EventBridge and Step Functions its severity and subject (lib/alarms/alarm-name.ts), a
 * description that says the same to a human with the runbook section, and the alert topic as
 * its action.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ALARM_KINDS, type AlarmKind } from '../../lib/alarms/alarm-kinds';
import { type AlarmSeverity, type AlarmSubjectKind, alarmName } from '../../lib/alarms/alarm-name';
import type { AlertsSpec } from '../../lib/config/schema';

export interface WardenAlarmIdentity {
  readonly project: string;
  readonly environment: string;
  readonly kind: AlarmKind;
  readonly subjectKind: AlarmSubjectKind;
  /** Agent or server name; for the deployment, the part (`trail`, `guard`). */
  readonly subject: string;
  readonly severity: AlarmSeverity;
  /** Where notifications go. */
  readonly topic: sns.ITopic;
}

export interface WardenStaticAlarmOptions extends WardenAlarmIdentity {
  readonly metric: cloudwatch.IMetric;
  /** The alarm fires at this value or above. */
  readonly threshold: number;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;
  /** @default NOT_BREACHING (no events is good news) */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

export interface WardenAnomalyAlarmOptions extends WardenAlarmIdentity {
  readonly metric: cloudwatch.IMetric;
  readonly anomaly: AlertsSpec['anomaly'];
}

/** The severity of `kind` for `agent`: the manifest's per-agent override, its per-kind override, or the default. */
export function alarmSeverity(alerts: AlertsSpec, kind: AlarmKind, agent?: string): AlarmSeverity {
  return (agent === undefined ? undefined : alerts.agents[agent]?.severity[kind]) ?? alerts.severity[kind] ?? ALARM_KINDS[kind].severity;
}

function description(o: WardenAlarmIdentity): string {
  const spec = ALARM_KINDS[o.kind];
  return `mcp-warden ${o.project}-${o.environment} ${o.severity}: ${spec.meaning} (${o.subjectKind} ${o.subject}). Runbook: docs/runbooks/alarms.md#${o.kind}`;
}

export function wardenAlarm(scope: Construct, id: string, o: WardenStaticAlarmOptions): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmName: alarmName(o),
    alarmDescription: description(o),
    metric: o.metric,
    threshold: o.threshold,
    evaluationPeriods: o.evaluationPeriods ?? 1,
    comparisonOperator: o.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: o.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new actions.SnsAction(o.topic));
  return alarm;
}

/** Fires when the metric rises above its learned band (a spike; a quiet agent is not an incident). */
export function wardenAnomalyAlarm(scope: Construct, id: string, o: WardenAnomalyAlarmOptions): cloudwatch.AnomalyDetectionAlarm {
  const alarm = new cloudwatch.AnomalyDetectionAlarm(scope, id, {
    alarmName: alarmName(o),
    alarmDescription: description(o),
    metric: o.metric,
    stdDevs: o.anomaly.bandWidth,
    evaluationPeriods: o.anomaly.evaluationPeriods,
    datapointsToAlarm: o.anomaly.datapointsToAlarm,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
    treatMissingData: o.anomaly.treatMissingData as cloudwatch.TreatMissingData,
  });
  alarm.addAlarmAction(new actions.SnsAction(o.topic));
  return alarm;
}

/** The period of every warden alarm: long enough for a stable count, short enough to contain within minutes. */
export const ALARM_PERIOD = Duration.minutes(5);
