/**
 * The trail's metric filters on its CloudWatch Logs log group (warden's or the organization's)
 * and one alarm per kind. Each pattern is parsed at synth (filter-pattern.ts), so a pattern
 * outside the tested subset or over CloudWatch's length limit fails the build.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { TrailAlarmKind } from '../../lib/alarms/alarm-kinds';
import type { AlertsSpec } from '../../lib/config/schema';
import { TRAIL_METRICS_NAMESPACE, type TrailFilterNames, trailFilterSpecs } from './trail-filters';
import { ALARM_PERIOD, alarmSeverity, wardenAlarm } from './warden-alarm';

export interface TrailAlarmsProps extends TrailFilterNames {
  /** The log group the trail delivers to. */
  readonly logGroup: logs.ILogGroup;
  readonly alerts: AlertsSpec;
  readonly topic: sns.ITopic;
}

export class TrailAlarms extends Construct {
  public readonly metricFilters: readonly logs.MetricFilter[];
  public readonly alarms: Readonly<Record<TrailAlarmKind, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: TrailAlarmsProps) {
    super(scope, id);
    const { project, environment, alerts, topic } = props;
    const specs = trailFilterSpecs(props);
    const filters: logs.MetricFilter[] = [];
    for (const spec of specs) {
      spec.patterns.forEach((pattern, i) => {
        filters.push(
          new logs.MetricFilter(this, `${spec.metricName}${i === 0 ? '' : i + 1}`, {
            logGroup: props.logGroup,
            filterPattern: logs.FilterPattern.literal(pattern.text),
            metricNamespace: TRAIL_METRICS_NAMESPACE,
            metricName: spec.metricName,
            metricValue: '1',
            dimensions: spec.dimensions ? { ...spec.dimensions } : undefined,
            // CloudWatch rejects a default value on a filter with dimensions
            defaultValue: spec.dimensions ? undefined : 0,
          }),
        );
      });
    }
    this.metricFilters = filters;
    const alarms: Partial<Record<TrailAlarmKind, cloudwatch.Alarm>> = {};
    for (const spec of specs) {
      if (spec.dimensions) continue; // the per-role series is alarmed per agent (AgentAlarms)
      alarms[spec.kind] = wardenAlarm(this, spec.kind, {
        project,
        environment,
        kind: spec.kind,
        subjectKind: 'deployment',
        subject: 'trail',
        severity: alarmSeverity(alerts, spec.kind),
        topic,
        metric: TrailAlarms.metric(spec.metricName),
        threshold: 1,
      });
    }
    this.alarms = alarms as Record<TrailAlarmKind, cloudwatch.Alarm>;
  }

  /** A metric the trail's filters publish (`McpWarden/CloudTrail`), e.g. `DirectInvoke`. */
  public static metric(metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: TRAIL_METRICS_NAMESPACE, metricName, statistic: 'Sum', period: ALARM_PERIOD, ...options });
  }
}
