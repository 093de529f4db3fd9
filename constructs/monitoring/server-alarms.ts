/**
 * The alarms of one MCP server, on AWS's own metrics of its function (by its deterministic name)
 * and its API stage: the server may live in another stack, and nothing here references it.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ServerAlarmKind } from '../../lib/alarms/alarm-kinds';
import type { AlertsSpec, ServerSpec } from '../../lib/config/schema';
import { MCP_API_STAGE, serverApiName, serverFunctionName } from '../mcp-server';
import { ALARM_PERIOD, alarmSeverity, wardenAlarm } from './warden-alarm';

export interface ServerAlarmsProps {
  readonly project: string;
  readonly environment: string;
  readonly server: ServerSpec;
  readonly alerts: AlertsSpec;
  readonly topic: sns.ITopic;
}

/** Lambda's default regional concurrency quota, the ceiling of a server without reserved concurrency. */
const ACCOUNT_CONCURRENCY = 1000;
/** 4XX in five minutes worth a look: refused signatures, resource-policy denials, invalid bodies. */
export const API_4XX_THRESHOLD = 20;

export class ServerAlarms extends Construct {
  public readonly server: string;
  public readonly functionName: string;
  public readonly apiName: string;
  public readonly alarms: Readonly<Record<ServerAlarmKind, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: ServerAlarmsProps) {
    super(scope, id);
    const { project, environment, server, alerts, topic } = props;
    this.server = server.name;
    this.functionName = serverFunctionName(project, environment, server.name);
    this.apiName = serverApiName(project, environment, server.name);
    const identity = (kind: ServerAlarmKind) => ({ project, environment, kind, subjectKind: 'server' as const, subject: server.name, severity: alarmSeverity(alerts, kind), topic });
    const fn = (metricName: string, statistic = 'Sum') => this.metricFunction(metricName, { statistic });
    const api = (metricName: string) => this.metricApi(metricName);
    const timeoutMs = (server.timeoutSeconds ?? 29) * 1000;
    const concurrency = server.reservedConcurrency ?? ACCOUNT_CONCURRENCY;
    this.alarms = {
      'function-errors': wardenAlarm(this, 'function-errors', { ...identity('function-errors'), metric: fn('Errors'), threshold: 1 }),
      'function-throttles': wardenAlarm(this, 'function-throttles', { ...identity('function-throttles'), metric: fn('Throttles'), threshold: 1 }),
      'function-duration': wardenAlarm(this, 'function-duration', { ...identity('function-duration'), metric: fn('Duration', 'p99'), threshold: Math.round(timeoutMs * 0.8), evaluationPeriods: 2 }),
      'function-concurrency': wardenAlarm(this, 'function-concurrency', { ...identity('function-concurrency'), metric: fn('ConcurrentExecutions', 'Maximum'), threshold: Math.max(1, Math.floor(concurrency * 0.8)) }),
      'api-4xx': wardenAlarm(this, 'api-4xx', { ...identity('api-4xx'), metric: api('4XXError'), threshold: API_4XX_THRESHOLD }),
      'api-5xx': wardenAlarm(this, 'api-5xx', { ...identity('api-5xx'), metric: api('5XXError'), threshold: 1 }),
    };
  }

  /** A metric of the server function (`AWS/Lambda`, dimension `FunctionName`). */
  public metricFunction(metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, statistic: 'Sum', period: ALARM_PERIOD, ...options, dimensionsMap: { FunctionName: this.functionName } });
  }

  /** A metric of the server's API stage (`AWS/ApiGateway`, dimensions `ApiName`, `Stage`). */
  public metricApi(metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName, statistic: 'Sum', period: ALARM_PERIOD, ...options, dimensionsMap: { ApiName: this.apiName, Stage: MCP_API_STAGE } });
  }
}
