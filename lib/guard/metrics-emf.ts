/**
 * CloudWatch Embedded Metric Format: a JSON log line CloudWatch turns into metrics, with no
 * PutMetricData call on the request path. Spec:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { MetricName, MetricsSink } from './contract';

export const METRICS_NAMESPACE = 'McpWarden';

const DIMENSION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;
const validDimensionValue = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 1024;

const UNIT: Record<MetricName, 'Count' | 'Milliseconds'> = {
  Calls: 'Count',
  Denied: 'Count',
  RateLimited: 'Count',
  InjectionFlagged: 'Count',
  Redactions: 'Count',
  Errors: 'Count',
  Latency: 'Milliseconds',
  IdentityForgery: 'Count',
};

/**
 * Metrics per agent, and per agent and tool when `dimensions` carries `Tool` (the guard only
 * sets it for tools that exist: a made-up tool name must not create a new metric series).
 * `write` receives a complete line ending in "\n" (in Lambda: `process.stdout.write`).
 */
export function emfMetricsSink(write: (line: string) => void, namespace = METRICS_NAMESPACE, now: () => number = Date.now): MetricsSink {
  return {
    put(agent, metrics, dimensions = {}) {
      const names = (Object.keys(metrics) as MetricName[]).filter((m) => typeof metrics[m] === 'number' && Number.isFinite(metrics[m]));
      if (names.length === 0) return;
      // A dimension key must not shadow `_aws` or a metric, and CloudWatch takes dimension values
      // of 1 to 1,024 characters: anything else would make CloudWatch reject the whole line.
      const extra = Object.keys(dimensions).filter((k) => DIMENSION_NAME.test(k) && k !== 'Agent' && !Object.hasOwn(UNIT, k) && validDimensionValue(dimensions[k]));
      const dimensionSets = [['Agent'], ...(extra.length > 0 ? [['Agent', ...extra]] : [])];
      const line: Record<string, unknown> = {
        _aws: {
          Timestamp: now(),
          CloudWatchMetrics: [{ Namespace: namespace, Dimensions: dimensionSets, Metrics: names.map((Name) => ({ Name, Unit: UNIT[Name] })) }],
        },
        Agent: validDimensionValue(agent) ? agent : '(invalid)',
      };
      for (const k of extra) line[k] = dimensions[k];
      for (const m of names) line[m] = metrics[m];
      write(`${JSON.stringify(line)}\n`);
    },
  };
}
