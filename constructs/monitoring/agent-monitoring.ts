/**
 * `AgentMonitoring`: the detection half of the loop incident response closes.
 *
 * - CloudTrail (`WardenTrail`, or the organization's trail named by `trail.logGroupName`) with
 *   metric filters and an alarm each (`TrailAlarms`);
 * - per agent, eight alarms (`AgentAlarms`) on the guard's EMF metrics and the trail;
 * - per server, six alarms on its function and API (`ServerAlarms`);
 * - alerting (`WardenAlerts`): a KMS-encrypted, TLS-only SNS topic with the manifest's e-mail
 *   subscriptions, and the alert bus that warden alarms entering ALARM are forwarded to;
 * - dashboards designed for 1,000 agents (dashboards.ts).
 *
 * One instance can hold all of it (a small deployment, or a team's own stack); the warden stacks
 * split it: the `monitoring` stack holds the trail, alerting, server alarms and dashboards
 * (`agents: []`), and each `agent-alarms` shard holds the alarms of its agents (`trail: false`,
 * the topic by name). Everything is named deterministically, so no stack exports anything.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AgentAlarmKind } from '../../lib/alarms/alarm-kinds';
import { incidentResponseRoleName } from '../../lib/config/deployment-names';
import type { Manifest } from '../../lib/config/schema';
import type { MetricName } from '../../lib/guard/contract';
import { AccessModel } from '../../lib/policy/access-model';
import { datasetTableName } from '../data-plane';
import { agentMetric, agentStatusTableName, serverFunctionName } from '../mcp-server';
import { AgentAlarms } from './agent-alarms';
import { agentAlarmsDashboard, agentDashboard, overviewDashboard, serverDashboard } from './dashboards';
import { ServerAlarms } from './server-alarms';
import { TrailAlarms } from './trail-alarms';
import { WardenAlerts } from './warden-alerts';
import { WardenTrail } from './warden-trail';

/** The `Agent` value the guard gives IdentityForgery when the claimed caller is no known agent (lib/guard/contract.ts). */
export const UNKNOWN_AGENT = '(unknown)';
import { ALARM_PERIOD, alarmSeverity, wardenAlarm } from './warden-alarm';

export interface AgentMonitoringProps {
  /** The validated manifest. */
  readonly manifest: Manifest;
  /** Agents whose alarms live here. @default - every agent of the manifest */
  readonly agents?: readonly string[];
  /** Servers whose alarms and dashboards live here. @default - every server some agent may call */
  readonly servers?: readonly string[];
  /**
   * Create the trail (or attach to the manifest's `trail.logGroupName`) with its metric filters
   * and alarms. @default true
   */
  readonly trail?: boolean;
  /**
   * The topic every alarm notifies. @default - a new `WardenAlerts` (topic, alert bus, forwarding rule)
   */
  readonly alertTopic?: sns.ITopic;
  /** Dashboards: the overview, per agent and per server (with the trail), or the agents' alarm states (without). @default true */
  readonly dashboards?: boolean;
  /** Shard index, in the name of the agent-alarms dashboard. @default 0 */
  readonly shard?: number;
}

export class AgentMonitoring extends Construct {
  /** The trail warden created; undefined when the manifest brings one or `trail` is false. */
  public readonly trail?: WardenTrail;
  /** Where the trail delivers (warden's or the organization's); undefined when `trail` is false. */
  public readonly trailLogGroup?: logs.ILogGroup;
  public readonly trailAlarms?: TrailAlarms;
  /** Alerting, when created here (no `alertTopic` given). */
  public readonly alerts?: WardenAlerts;
  public readonly alertTopic: sns.ITopic;
  /** Warden alarms entering ALARM, for incident response (`WardenAlarmEvent`); when created here. */
  public readonly alertBus?: events.EventBus;
  /** The default-bus rule forwarding them to `alertBus`; when created here. */
  public readonly alarmRule?: events.Rule;
  /** Alerts waiting in the dead-letter queue; when alerting is created here. */
  public readonly undeliveredAlarm?: cloudwatch.Alarm;
  /** Forged caller proofs naming no known agent; with the trail. */
  public readonly unknownCallerAlarm?: cloudwatch.Alarm;
  public readonly agentAlarms: readonly AgentAlarms[];
  public readonly serverAlarms: readonly ServerAlarms[];
  public readonly dashboards: readonly cloudwatch.Dashboard[];
  private readonly byAgent: Map<string, AgentAlarms>;

  constructor(scope: Construct, id: string, props: AgentMonitoringProps) {
    super(scope, id);
    const { manifest } = props;
    const { project, environment, alerts } = manifest;
    const model = new AccessModel(manifest);
    const stack = Stack.of(this);
    const agents = props.agents ?? manifest.agents.map((a) => a.name);
    for (const agent of agents) {
      if (!manifest.agents.some((a) => a.name === agent)) throw new Error(`AgentMonitoring ${id}: agent "${agent}" is not in the manifest; use one of ${manifest.agents.map((a) => a.name).join(', ')}.`);
    }
    const servers = (props.servers ?? manifest.servers.filter((s) => model.agentsOfServer(s.name).length > 0).map((s) => s.name)).map((name) => {
      const spec = manifest.servers.find((s) => s.name === name);
      if (!spec) throw new Error(`AgentMonitoring ${id}: server "${name}" is not in the manifest; use one of ${manifest.servers.map((s) => s.name).join(', ')}.`);
      return spec;
    });

    if (props.alertTopic) {
      this.alertTopic = props.alertTopic;
    } else {
      this.alerts = new WardenAlerts(this, 'Alerts', { project, environment, emails: alerts.email });
      this.alertTopic = this.alerts.topic;
      this.alertBus = this.alerts.alertBus;
      this.alarmRule = this.alerts.alarmRule;
      this.undeliveredAlarm = wardenAlarm(this, 'AlertsUndelivered', {
        project,
        environment,
        kind: 'alerts-undelivered',
        subjectKind: 'deployment',
        subject: 'alerts',
        severity: alarmSeverity(alerts, 'alerts-undelivered'),
        topic: this.alerts.topic,
        metric: this.alerts.undelivered.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        threshold: 1,
      });
    }
    const topic = this.alertTopic;

    if (props.trail ?? true) {
      if (manifest.trail.logGroupName !== undefined) {
        this.trailLogGroup = logs.LogGroup.fromLogGroupName(this, 'TrailLogs', manifest.trail.logGroupName);
      } else {
        const ranks = manifest.dataClasses;
        const classes = manifest.trail.dataEventClasses ?? ranks.slice(Math.floor(ranks.length / 2));
        const tableArn = (d: Manifest['datasets'][number]) => d.tableArn ?? stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: datasetTableName(project, environment, d.name) });
        this.trail = new WardenTrail(this, 'Trail', {
          project,
          environment,
          functionArns: manifest.servers.map((s) => stack.formatArn({ service: 'lambda', resource: 'function', resourceName: serverFunctionName(project, environment, s.name), arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
          tableArns: manifest.datasets.filter((d) => classes.includes(d.class)).map(tableArn),
          writeOnlyTableArns: [stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: agentStatusTableName(project, environment) })],
          logRetentionDays: manifest.trail.logRetentionDays,
        });
        this.trailLogGroup = this.trail.logGroup;
      }
      this.trailAlarms = new TrailAlarms(this, 'TrailAlarms', {
        project,
        environment,
        logGroup: this.trailLogGroup,
        alerts,
        topic,
        incidentResponseRole: incidentResponseRoleName(project, environment),
        agentStatusTable: agentStatusTableName(project, environment),
        serverFunctions: `*${project}-${environment}-*-mcp*`,
      });
    }

    // with the trail (the monitoring stack): one per deployment, not per shard
    if (props.trail ?? true) {
      this.unknownCallerAlarm = wardenAlarm(this, 'UnknownCallerForgery', {
        project,
        environment,
        kind: 'unknown-caller-forgery',
        subjectKind: 'deployment',
        subject: 'guard',
        severity: alarmSeverity(alerts, 'unknown-caller-forgery'),
        topic,
        metric: agentMetric('IdentityForgery', UNKNOWN_AGENT, { period: ALARM_PERIOD, statistic: 'Sum' }),
        threshold: 1,
      });
    }

    this.agentAlarms = agents.map((agent) => new AgentAlarms(this, `Agent-${agent}`, { project, environment, agent, alerts, topic }));
    this.byAgent = new Map(this.agentAlarms.map((a) => [a.agent, a]));
    this.serverAlarms = servers.map((server) => new ServerAlarms(this, `Server-${server.name}`, { project, environment, server, alerts, topic }));

    const dashboards: cloudwatch.Dashboard[] = [];
    if (props.dashboards ?? true) {
      const names = { project, environment };
      if (props.trail ?? true) {
        const deploymentAlarms = [...(this.undeliveredAlarm ? [this.undeliveredAlarm] : []), ...(this.unknownCallerAlarm ? [this.unknownCallerAlarm] : []), ...Object.values(this.trailAlarms?.alarms ?? {}), ...this.serverAlarms.flatMap((s) => Object.values(s.alarms))];
        dashboards.push(overviewDashboard(this, 'Overview', names, deploymentAlarms, true));
        dashboards.push(agentDashboard(this, 'AgentDashboard', names, manifest.agents[0]!.name));
        for (const s of this.serverAlarms) dashboards.push(serverDashboard(this, `ServerDashboard-${s.server}`, names, s, model.agentsOfServer(s.server).map((a) => a.name)));
      }
      if (this.agentAlarms.length > 0) dashboards.push(agentAlarmsDashboard(this, 'AgentAlarmsDashboard', names, props.shard ?? 0, this.agentAlarms.flatMap((a) => Object.values(a.alarms))));
    }
    this.dashboards = dashboards;
  }

  /** Every alarm made here. */
  public get alarms(): cloudwatch.Alarm[] {
    return [...(this.undeliveredAlarm ? [this.undeliveredAlarm] : []), ...(this.unknownCallerAlarm ? [this.unknownCallerAlarm] : []), ...Object.values(this.trailAlarms?.alarms ?? {}), ...this.serverAlarms.flatMap((s) => Object.values(s.alarms)), ...this.agentAlarms.flatMap((a) => Object.values(a.alarms))];
  }

  /** The alarms of one agent monitored here, by kind. */
  public alarmsOf(agent: string): Readonly<Record<AgentAlarmKind, cloudwatch.Alarm>> {
    const alarms = this.byAgent.get(agent);
    if (!alarms) throw new Error(`agent "${agent}" has no alarms here; agents monitored here are ${[...this.byAgent.keys()].join(', ') || 'none'}.`);
    return alarms.alarms;
  }

  /** One alarm of one agent, e.g. `alarm('fraud-agent', 'identity-forgery')`. */
  public alarm(agent: string, kind: AgentAlarmKind): cloudwatch.Alarm {
    return this.alarmsOf(agent)[kind];
  }

  /** A guard metric of one agent (EMF: namespace `McpWarden`, dimension `Agent`). */
  public metric(name: MetricName, agent: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return agentMetric(name, agent, options);
  }
  public metricCalls(agent: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('Calls', agent, options);
  }
  public metricDenied(agent: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('Denied', agent, options);
  }
  public metricRedactions(agent: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('Redactions', agent, options);
  }
  public metricRateLimited(agent: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('RateLimited', agent, options);
  }
  public metricInjectionFlagged(agent: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('InjectionFlagged', agent, options);
  }
  public metricIdentityForgery(agent: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('IdentityForgery', agent, options);
  }
  /** A metric of the trail's filters (`McpWarden/CloudTrail`), e.g. `DirectInvoke`, `KillSwitchWrite`. */
  public metricTrail(metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return TrailAlarms.metric(metricName, options);
  }
}
