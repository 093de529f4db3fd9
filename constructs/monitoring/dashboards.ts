/**
 * Dashboards sized for 1,000 agents. A widget per agent would pass CloudWatch's limits long
 * before that (500 metrics per graph; "CloudWatch dashboard" quotas), so:
 * - one agent dashboard whose `Agent` variable (a dropdown filled by a search) switches every
 *   widget to the chosen agent;
 * - an overview with the 20 noisiest agents by search expression (`SORT(SEARCH(...))`), whatever
 *   their number, and the trail's detections;
 * - one dashboard per server: its function and API, and its agents' guard metrics by search;
 * - the alarm states of the agents of one monitoring shard (AlarmStatusWidget takes 100 alarms).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { MetricName } from '../../lib/guard/contract';
import { METRICS_NAMESPACE } from '../mcp-server';
import type { ServerAlarms } from './server-alarms';
import { TrailAlarms } from './trail-alarms';
import { trailFilterSpecs } from './trail-filters';

const PERIOD = Duration.minutes(5);
/** CloudWatch's limit on a search expression's text. */
const MAX_SEARCH_CHARS = 1024;
const NOISIEST = 20;
/** Alarms one AlarmStatusWidget shows (CloudWatch dashboard body structure, "alarms" property). */
export const ALARMS_PER_STATUS_WIDGET = 100;

const search = (metricName: MetricName, filter = '', statistic = 'Sum') => `SEARCH('{${METRICS_NAMESPACE},Agent} MetricName="${metricName}"${filter}', '${statistic}', ${PERIOD.toSeconds()})`;
const noisiest = (metricName: MetricName, filter = '') =>
  new cloudwatch.MathExpression({ expression: `SORT(${search(metricName, filter)}, SUM, DESC, ${NOISIEST})`, label: '', period: PERIOD });

/** A search filter naming exactly `agents`, or undefined when it would not fit a search expression. */
function agentFilter(agents: readonly string[]): string | undefined {
  const filter = ` (${agents.map((a) => `Agent="${a}"`).join(' OR ')})`;
  return search('Calls', filter).length <= MAX_SEARCH_CHARS - 40 ? filter : undefined;
}

export interface DashboardNames {
  readonly project: string;
  readonly environment: string;
}

const dashboardName = (n: DashboardNames, part: string) => `mcp-warden-${n.project}-${n.environment}-${part}`;

/** Per agent: a dropdown of agents, and every guard metric of the chosen one. */
export function agentDashboard(scope: Construct, id: string, n: DashboardNames, firstAgent: string): cloudwatch.Dashboard {
  const agent = (metricName: MetricName, statistic = 'Sum', label: string = metricName) =>
    new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { Agent: firstAgent }, statistic, period: PERIOD, label });
  const graph = (title: string, metrics: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title, left: metrics, width: 8, height: 6 });
  return new cloudwatch.Dashboard(scope, id, {
    dashboardName: dashboardName(n, 'agent'),
    defaultInterval: Duration.hours(3),
    variables: [
      new cloudwatch.DashboardVariable({
        id: 'agent',
        type: cloudwatch.VariableType.PROPERTY,
        inputType: cloudwatch.VariableInputType.SELECT,
        value: 'Agent',
        label: 'Agent',
        values: cloudwatch.Values.fromSearchComponents({ namespace: METRICS_NAMESPACE, dimensions: ['Agent'], metricName: 'Calls', populateFrom: 'Agent' }),
        defaultValue: cloudwatch.DefaultValue.value(firstAgent),
        visible: true,
      }),
    ],
    widgets: [
      [
        graph('Calls', [agent('Calls')]),
        graph('Denied, rate-limited', [agent('Denied'), agent('RateLimited')]),
        graph('Redactions', [agent('Redactions')]),
      ],
      [
        graph('Injection flags, identity forgery', [agent('InjectionFlagged'), agent('IdentityForgery')]),
        graph('Errors', [agent('Errors')]),
        graph('Latency', [agent('Latency', 'p50', 'p50'), agent('Latency', 'p99', 'p99')]),
      ],
      [new cloudwatch.TextWidget({ markdown: 'Alarm states per agent: the `agent-alarms` dashboards. What each alarm means: docs/runbooks/alarms.md.', width: 24, height: 2 })],
    ],
  });
}

/** The deployment: the noisiest agents, the trail's detections, the deployment and server alarms. */
export function overviewDashboard(scope: Construct, id: string, n: DashboardNames, alarms: readonly cloudwatch.IAlarm[], withTrail: boolean): cloudwatch.Dashboard {
  const top = (title: string, metricName: MetricName) => new cloudwatch.GraphWidget({ title: `${title} (top ${NOISIEST} agents)`, left: [noisiest(metricName)], width: 8, height: 6, legendPosition: cloudwatch.LegendPosition.RIGHT });
  const detections = [...new Set(trailFilterSpecs({ project: n.project, environment: n.environment, incidentResponseRole: '-', agentStatusTable: '-', serverFunctions: '-' }).filter((s) => !s.dimensions).map((s) => s.metricName))];
  const dashboard = new cloudwatch.Dashboard(scope, id, { dashboardName: dashboardName(n, 'overview'), defaultInterval: Duration.hours(3) });
  dashboard.addWidgets(top('Calls', 'Calls'), top('Denied', 'Denied'), top('Redactions', 'Redactions'));
  dashboard.addWidgets(top('Injection flags', 'InjectionFlagged'), top('Rate limited', 'RateLimited'), top('Identity forgery', 'IdentityForgery'));
  if (withTrail) dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'CloudTrail detections', left: detections.map((m) => TrailAlarms.metric(m, { label: m })), width: 24, height: 6 }));
  for (let i = 0; i < alarms.length; i += ALARMS_PER_STATUS_WIDGET) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Deployment and server alarms', alarms: alarms.slice(i, i + ALARMS_PER_STATUS_WIDGET), width: 24, height: 6, sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP }));
  }
  return dashboard;
}

/** One server: its function, its API, its agents' guard metrics (by search) and its alarms. */
export function serverDashboard(scope: Construct, id: string, n: DashboardNames, server: ServerAlarms, agents: readonly string[]): cloudwatch.Dashboard {
  const filter = agentFilter(agents);
  const fn = (m: string, statistic = 'Sum', label = m) => server.metricFunction(m, { statistic, label, period: PERIOD });
  const api = (m: string, statistic = 'Sum', label = m) => server.metricApi(m, { statistic, label, period: PERIOD });
  const guard = (title: string, metricName: MetricName) =>
    new cloudwatch.GraphWidget({
      title: filter ? `${title} (top ${NOISIEST} of its agents)` : `${title} (top ${NOISIEST} agents of the deployment: too many agents to name in one search)`,
      left: [noisiest(metricName, filter ?? '')],
      width: 8,
      height: 6,
      legendPosition: cloudwatch.LegendPosition.RIGHT,
    });
  const dashboard = new cloudwatch.Dashboard(scope, id, { dashboardName: dashboardName(n, `server-${server.server}`), defaultInterval: Duration.hours(3) });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'Invocations, errors, throttles', left: [fn('Invocations'), fn('Errors'), fn('Throttles')], width: 8, height: 6 }),
    new cloudwatch.GraphWidget({ title: 'Duration', left: [fn('Duration', 'p50', 'p50'), fn('Duration', 'p99', 'p99')], right: [fn('ConcurrentExecutions', 'Maximum', 'concurrency')], width: 8, height: 6 }),
    new cloudwatch.GraphWidget({ title: 'API requests, 4XX, 5XX', left: [api('Count'), api('4XXError'), api('5XXError')], right: [api('Latency', 'p99', 'latency p99')], width: 8, height: 6 }),
  );
  dashboard.addWidgets(guard('Calls', 'Calls'), guard('Denied', 'Denied'), guard('Redactions', 'Redactions'));
  dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: `${server.server} alarms`, alarms: Object.values(server.alarms), width: 24, height: 4 }));
  return dashboard;
}

/** The alarm states of the agents of one shard, most recently changed first. */
export function agentAlarmsDashboard(scope: Construct, id: string, n: DashboardNames, shard: number, alarms: readonly cloudwatch.IAlarm[]): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, id, { dashboardName: dashboardName(n, `agent-alarms${shard === 0 ? '' : `-${shard + 1}`}`) });
  for (let i = 0; i < alarms.length; i += ALARMS_PER_STATUS_WIDGET) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Agent alarms', alarms: alarms.slice(i, i + ALARMS_PER_STATUS_WIDGET), width: 24, height: 8, sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP }));
  }
  return dashboard;
}
