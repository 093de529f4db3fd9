/**
 * Time to contain: from the alarm's state change (or the manual/drill request) to verified
 * containment, in seconds, for the incident record and the `TimeToContain` metric. Step
 * Functions cannot subtract timestamps, hence this small task.
 */
import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';

/** Namespace of the incident-response metrics (the state machine's own counters too). */
export const INCIDENT_METRIC_NAMESPACE = 'McpWarden/IncidentResponse';

export interface TimingRequest {
  readonly incidentId: string;
  readonly mode: string;
  /** When the trigger happened: the alarm's state-change time, or the request's start. */
  readonly triggeredAt: string;
  readonly containedAt: string;
  readonly verifiedAt: string;
}

export interface TimingResult {
  readonly timeToContainSeconds: number;
  readonly timeToVerifySeconds: number;
}

export function containmentTiming(request: TimingRequest): TimingResult {
  const at = (name: keyof TimingRequest) => {
    const ms = Date.parse(request[name]);
    if (Number.isNaN(ms)) throw new Error(`containment timing: ${name} "${request[name]}" is not an ISO 8601 time`);
    return ms;
  };
  const seconds = (from: number, to: number) => Math.max(0, Math.round((to - from) / 100) / 10);
  const triggered = at('triggeredAt');
  return { timeToContainSeconds: seconds(triggered, at('containedAt')), timeToVerifySeconds: seconds(triggered, at('verifiedAt')) };
}

export async function recordContainmentTiming(cloudWatch: CloudWatchClient, deployment: string, request: TimingRequest): Promise<TimingResult> {
  const timing = containmentTiming(request);
  await cloudWatch.send(
    new PutMetricDataCommand({
      Namespace: INCIDENT_METRIC_NAMESPACE,
      MetricData: [
        { MetricName: 'TimeToContain', Unit: 'Seconds', Value: timing.timeToVerifySeconds, Dimensions: [{ Name: 'Deployment', Value: deployment }, { Name: 'Mode', Value: request.mode }] },
      ],
    }),
  );
  return timing;
}
