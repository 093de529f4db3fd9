/**
 * The guard's EMF metrics as CloudWatch metrics, for alarms and dashboards. They must match
 * what `emfMetricsSink` (lib/guard) writes: namespace `McpWarden`, dimension set `[Agent]`.
 * "All agents of a server" is a sum over its agents (the guard does not emit a server dimension).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { MetricName } from '../../lib/guard/contract';
import { METRICS_NAMESPACE } from '../../lib/guard/metrics-emf';

export { METRICS_NAMESPACE };
export type ServerMetricName = MetricName;

export interface ServerMetricOptions extends cloudwatch.MetricOptions {
  /** One agent's metric. @default - the sum over the server's agents (Latency: their maximum) */
  readonly agent?: string;
}

export function agentMetric(name: ServerMetricName, agent: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    statistic: name === 'Latency' ? 'p99' : 'Sum',
    period: Duration.minutes(1),
    ...options,
    dimensionsMap: { ...options.dimensionsMap, Agent: agent },
  });
}

export function serverMetric(agents: readonly string[], name: ServerMetricName, options: ServerMetricOptions = {}): cloudwatch.IMetric {
  const { agent, ...metricOptions } = options;
  if (agent !== undefined) {
    if (!agents.includes(agent)) throw new Error(`agent "${agent}" has no tool on this server; its metrics are not this server's (agents: ${agents.join(', ')})`);
    return agentMetric(name, agent, metricOptions);
  }
  const usingMetrics = Object.fromEntries(agents.map((a, i) => [`a${i}`, agentMetric(name, a, metricOptions)]));
  const ids = Object.keys(usingMetrics).join(', ');
  return new cloudwatch.MathExpression({
    expression: name === 'Latency' ? `MAX([${ids}])` : `SUM([${ids}])`,
    usingMetrics,
    label: metricOptions.label ?? `${name} (all agents)`,
    period: metricOptions.period ?? Duration.minutes(1),
  });
}
