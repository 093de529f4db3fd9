/**
 * Whether incident-response drills are current: the last drill that ended released (a drill
 * releases automatically only after containment was verified and evidence recorded) must be
 * younger than `incidentResponse.drillEvery`, plus an hour for the scheduled drill to finish.
 * Read from the incidents table by `warden drill --status` and `warden compliance --drills`.
 */
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { Duration } from 'aws-cdk-lib';

/** Time a scheduled drill gets to finish before the previous one counts as stale. */
export const DRILL_GRACE_SECONDS = 3600;

export interface DrillRecord {
  readonly id: string;
  readonly agent: string;
  readonly status: string;
  readonly startedAt: string;
  readonly releasedAt?: string;
  readonly timeToContainSeconds?: string;
}

export interface DrillStatus {
  readonly current: boolean;
  readonly lastSuccessful?: DrillRecord;
  /** Drills since the last successful one that did not end released (failed, still running). */
  readonly unsuccessfulSince: readonly DrillRecord[];
  readonly ageSeconds?: number;
  readonly limitSeconds: number;
  readonly summary: string;
}

/** Every drill in the incidents table (a paged Scan filtered on `mode = drill`). */
export async function readDrills(dynamodb: DynamoDBClient, table: string): Promise<DrillRecord[]> {
  const drills: DrillRecord[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName: table,
        ExclusiveStartKey: start,
        FilterExpression: '#m = :drill',
        ProjectionExpression: 'id, #a, #s, startedAt, releasedAt, timeToContainSeconds',
        ExpressionAttributeNames: { '#m': 'mode', '#a': 'agent', '#s': 'status' },
        ExpressionAttributeValues: { ':drill': { S: 'drill' } },
      }),
    );
    for (const item of page.Items ?? []) {
      drills.push({
        id: item.id?.S ?? '?',
        agent: item.agent?.S ?? '?',
        status: item.status?.S ?? '?',
        startedAt: item.startedAt?.S ?? '',
        ...(item.releasedAt?.S ? { releasedAt: item.releasedAt.S } : {}),
        ...(item.timeToContainSeconds ? { timeToContainSeconds: item.timeToContainSeconds.S ?? item.timeToContainSeconds.N ?? '' } : {}),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return drills.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Judges the drills against `drillEvery` (ISO-8601, as in the manifest) at `now`. */
export function drillStatus(drills: readonly DrillRecord[], drillEvery: string, now: Date): DrillStatus {
  const limitSeconds = Duration.parse(drillEvery).toSeconds() + DRILL_GRACE_SECONDS;
  const successful = drills.filter((d) => d.status === 'released');
  const last = successful.at(-1);
  const unsuccessfulSince = drills.filter((d) => d.status !== 'released' && (!last || d.startedAt > last.startedAt));
  if (!last) {
    return { current: false, unsuccessfulSince, limitSeconds, summary: `no successful incident-response drill on record (${drills.length} drill${drills.length === 1 ? '' : 's'} in total); run one: npx warden drill` };
  }
  const at = Date.parse(last.releasedAt ?? last.startedAt);
  const ageSeconds = Math.floor((now.getTime() - at) / 1000);
  const current = ageSeconds <= limitSeconds;
  const age = `${(ageSeconds / 86400).toFixed(1)} days ago`;
  const failures = unsuccessfulSince.length > 0 ? `; ${unsuccessfulSince.length} drill${unsuccessfulSince.length === 1 ? '' : 's'} since did not succeed (${unsuccessfulSince.map((d) => `${d.id}: ${d.status}`).join(', ')})` : '';
  return {
    current,
    lastSuccessful: last,
    unsuccessfulSince,
    ageSeconds,
    limitSeconds,
    summary: current
      ? `last successful drill ${last.id} ${age} (within drillEvery ${drillEvery})${failures}`
      : `STALE: last successful drill ${last.id} was ${age}, longer than drillEvery ${drillEvery}${failures}; run one: npx warden drill`,
  };
}
