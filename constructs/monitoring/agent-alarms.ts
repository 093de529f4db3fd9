/**
 * The alarms of one agent: anomaly bands on its call volume and redactions, static thresholds
 * on denials, injection flags, rate limiting, errors and identity forgery (the guard's EMF
 * metrics, namespace `McpWarden`, dimension `Agent`), and AWS access denials of its two roles
 * (the trail's `AccessDenied` per `Role`). Eight alarms, no other resources.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AgentAlarmKind } from '../../lib/alarms/alarm-kinds';
import type { AlertsSpec } from '../../lib/config/schema';
import { agentRoleNames } from '../../lib/config/role-names';
import type { MetricName } from '../../lib/guard/contract';
import { agentMetric } from '../mcp-server';
import { ROLE_DIMENSION, TRAIL_METRICS_NAMESPACE } from './trail-filters';
import { ALARM_PERIOD, alarmSeverity, wardenAlarm, wardenAnomalyAlarm } from './warden-alarm';

export interface AgentAlarmsProps {
  readonly project: string;
  readonly environment: string;
  readonly agent: string;
  readonly alerts: AlertsSpec;
  readonly topic: sns.ITopic;
}

/** The guard metric and the threshold of each static agent alarm. */
export const STATIC_AGENT_ALARMS = {
  denied: { metric: 'Denied', threshold: (a: AlertsSpec) => a.thresholds.denied },
  'injection-flagged': { metric: 'InjectionFlagged', threshold: () => 1 },
  'rate-limited': { metric: 'RateLimited', threshold: (a: AlertsSpec) => a.thresholds.rateLimited },
  errors: { metric: 'Errors', threshold: (a: AlertsSpec) => a.thresholds.errors },
  'identity-forgery': { metric: 'IdentityForgery', threshold: () => 1 },
} as const satisfies Partial<Record<AgentAlarmKind, { metric: MetricName; threshold: (a: AlertsSpec) => number }>>;

export const ANOMALY_AGENT_ALARMS = {
  'calls-anomaly': 'Calls',
  'redactions-anomaly': 'Redactions',
} as const satisfies Partial<Record<AgentAlarmKind, MetricName>>;

export class AgentAlarms extends Construct {
  public readonly agent: string;
  public readonly alarms: Readonly<Record<AgentAlarmKind, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: AgentAlarmsProps) {
    super(scope, id);
    const { project, environment, agent, alerts, topic } = props;
    this.agent = agent;
    const identity = (kind: AgentAlarmKind) => ({ project, environment, kind, subjectKind: 'agent' as const, subject: agent, severity: alarmSeverity(alerts, kind, agent), topic });
    const alarms: Partial<Record<AgentAlarmKind, cloudwatch.Alarm>> = {};
    for (const [kind, metric] of Object.entries(ANOMALY_AGENT_ALARMS) as [AgentAlarmKind, MetricName][]) {
      alarms[kind] = wardenAnomalyAlarm(this, kind, { ...identity(kind), metric: agentMetric(metric, agent, { period: ALARM_PERIOD, statistic: 'Sum' }), anomaly: alerts.anomaly });
    }
    for (const [kind, spec] of Object.entries(STATIC_AGENT_ALARMS) as [AgentAlarmKind, { metric: MetricName; threshold: (a: AlertsSpec) => number }][]) {
      alarms[kind] = wardenAlarm(this, kind, { ...identity(kind), metric: agentMetric(spec.metric, agent, { period: ALARM_PERIOD, statistic: 'Sum' }), threshold: spec.threshold(alerts) });
    }
    const roles = agentRoleNames(project, environment, agent);
    const denied = (role: string) => new cloudwatch.Metric({ namespace: TRAIL_METRICS_NAMESPACE, metricName: 'AccessDenied', dimensionsMap: { [ROLE_DIMENSION]: role }, statistic: 'Sum', period: ALARM_PERIOD });
    alarms['access-denied'] = wardenAlarm(this, 'access-denied', {
      ...identity('access-denied'),
      metric: new cloudwatch.MathExpression({ expression: 'FILL(caller, 0) + FILL(data, 0)', usingMetrics: { caller: denied(roles.caller), data: denied(roles.data) }, period: ALARM_PERIOD, label: `AWS access denied, ${agent}` }),
      threshold: 1,
    });
    this.alarms = alarms as Record<AgentAlarmKind, cloudwatch.Alarm>;
  }
}
