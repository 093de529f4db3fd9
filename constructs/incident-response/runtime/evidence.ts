/**
 * Collects the evidence of one incident into the evidence bucket:
 *
 * - CloudTrail management events of the agent's roles over the incident window
 *   (`LookupEvents`): the events on each role (its `AssumeRole` calls among them), then the
 *   events made with the access keys those calls handed out. LookupEvents allows 2 requests per
 *   second per account and region (CloudTrail API reference, LookupEvents), so calls are spaced
 *   at least `minIntervalMs` apart and a throttled call backs off exponentially.
 * - The agent's audit events (one per MCP call, OCSF, field `unmapped.agent`) from the servers'
 *   log groups, with a Logs Insights query.
 *
 * Each record set is one JSON object; `manifest.json` lists every object with its SHA-256 and
 * size, and is written last, so a manifest present means the evidence is complete. Objects are
 * sent with their SHA-256 checksum, so S3 rejects a corrupted upload, and the bucket's Object Lock
 * (compliance mode) keeps them unchanged for the retention period.
 */
import { createHash } from 'node:crypto';
import { type CloudTrailClient, type Event as TrailEvent, LookupEventsCommand, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import { type CloudWatchLogsClient, DescribeLogGroupsCommand, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface EvidenceRequest {
  readonly incidentId: string;
  readonly agent: string;
  /** The agent's role ARNs (caller and data). */
  readonly roleArns: readonly string[];
  /** ISO 8601: when the alarm changed state (or the request was made). */
  readonly triggeredAt: string;
  /** How far before `triggeredAt` the window starts (the alarm's evaluation window and then some). */
  readonly lookBackSeconds: number;
  /** ISO 8601; the window's end (evidence collection time). */
  readonly endTime: string;
}

/** The window evidence covers: [triggeredAt - lookBack, endTime]. */
export function evidenceWindow(request: EvidenceRequest): { readonly start: string; readonly end: string } {
  const triggered = Date.parse(request.triggeredAt);
  const end = Date.parse(request.endTime);
  if (Number.isNaN(triggered) || Number.isNaN(end)) throw new Error(`evidence: triggeredAt "${request.triggeredAt}" and endTime "${request.endTime}" must be ISO 8601 times`);
  if (!Number.isFinite(request.lookBackSeconds) || request.lookBackSeconds < 0) throw new Error(`evidence: lookBackSeconds must be a non-negative number, not ${request.lookBackSeconds}`);
  return { start: new Date(triggered - request.lookBackSeconds * 1000).toISOString(), end: new Date(Math.max(end, triggered)).toISOString() };
}

export interface EvidenceConfig {
  readonly bucket: string;
  /** Log groups whose names start with this hold audit events (the servers' function logs). */
  readonly auditLogGroupPrefix: string;
}

export interface EvidenceClients {
  readonly cloudTrail: CloudTrailClient;
  readonly logs: CloudWatchLogsClient;
  readonly s3: S3Client;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

export interface EvidenceFile {
  readonly key: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly records: number;
}

export interface EvidenceResult {
  readonly bucket: string;
  readonly prefix: string;
  readonly manifestKey: string;
  readonly manifestSha256: string;
  readonly location: string;
  readonly cloudTrailEvents: number;
  readonly auditEvents: number;
}

/** CloudTrail LookupEvents: 2 requests per second per account per region. */
export const LOOKUP_EVENTS_MIN_INTERVAL_MS = 500;
/** Throttled LookupEvents calls are retried this often, waiting 1 s, 2 s, 4 s... */
export const LOOKUP_EVENTS_MAX_RETRIES = 6;
/** Access keys followed from AssumeRole events; past this the events on the roles still show them. */
export const MAX_FOLLOWED_ACCESS_KEYS = 50;
/** Logs Insights returns at most 10,000 rows per query. */
export const AUDIT_QUERY_LIMIT = 10_000;
/** StartQuery accepts at most 50 log groups. */
const MAX_QUERY_LOG_GROUPS = 50;
const QUERY_POLL_MS = 1_000;
const QUERY_MAX_POLLS = 600;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Spaces calls at least `intervalMs` apart and retries throttled ones with exponential backoff. */
export class PacedCaller {
  private last = Number.NEGATIVE_INFINITY;
  public throttled = 0;
  public calls = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly maxRetries: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly clock: () => number,
  ) {}

  public async call<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const wait = this.last + this.intervalMs - this.clock();
      if (wait > 0) await this.sleep(wait);
      this.last = this.clock();
      this.calls++;
      try {
        return await send();
      } catch (err) {
        if (!isThrottling(err) || attempt >= this.maxRetries) throw err;
        this.throttled++;
        await this.sleep(1_000 * 2 ** attempt);
      }
    }
  }
}

export function isThrottling(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  return /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(name);
}

export function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

export async function collectEvidence(request: EvidenceRequest, config: EvidenceConfig, clients: EvidenceClients): Promise<EvidenceResult> {
  const sleep = clients.sleep ?? defaultSleep;
  const now = clients.now ?? (() => new Date());
  const paced = new PacedCaller(LOOKUP_EVENTS_MIN_INTERVAL_MS, LOOKUP_EVENTS_MAX_RETRIES, sleep, () => now().getTime());
  const span = evidenceWindow(request);
  const window = { StartTime: new Date(span.start), EndTime: new Date(span.end) };

  const lookup = async (attribute: LookupAttribute): Promise<TrailEvent[]> => {
    const events: TrailEvent[] = [];
    let NextToken: string | undefined;
    do {
      const page = await paced.call(() => clients.cloudTrail.send(new LookupEventsCommand({ LookupAttributes: [attribute], ...window, MaxResults: 50, NextToken })));
      events.push(...(page.Events ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return events;
  };

  const byId = new Map<string, TrailEvent>();
  const add = (events: readonly TrailEvent[]) => {
    for (const e of events) byId.set(e.EventId ?? `${e.EventTime?.toISOString()}-${e.EventName}-${byId.size}`, e);
  };
  const accessKeys = new Set<string>();
  for (const roleArn of request.roleArns) {
    const onRole = await lookup({ AttributeKey: 'ResourceName', AttributeValue: roleArn });
    add(onRole);
    for (const e of onRole) {
      const key = issuedAccessKey(e);
      if (key) accessKeys.add(key);
    }
  }
  for (const key of [...accessKeys].slice(0, MAX_FOLLOWED_ACCESS_KEYS)) add(await lookup({ AttributeKey: 'AccessKeyId', AttributeValue: key }));
  const trailEvents = [...byId.values()]
    .sort((a, b) => (a.EventTime?.getTime() ?? 0) - (b.EventTime?.getTime() ?? 0))
    .map((e) => ({ eventId: e.EventId, eventTime: e.EventTime?.toISOString(), eventName: e.EventName, eventSource: e.EventSource, username: e.Username, accessKeyId: e.AccessKeyId, event: parseJson(e.CloudTrailEvent) }));

  const auditEvents = await queryAuditEvents(request.agent, span, config, clients.logs, sleep);

  const prefix = `incidents/${request.incidentId}/`;
  const collectedAt = now().toISOString();
  const files: EvidenceFile[] = [];
  const put = async (name: string, body: string, records: number): Promise<EvidenceFile> => {
    const key = `${prefix}${name}`;
    const digest = createHash('sha256').update(body, 'utf8').digest();
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: config.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        // S3 checks the body against this digest and refuses a mismatch; Object Lock needs an integrity checksum too
        ChecksumSHA256: digest.toString('base64'),
      }),
    );
    return { key, sha256: digest.toString('hex'), bytes: Buffer.byteLength(body, 'utf8'), records };
  };
  files.push(await put('cloudtrail-events.json', JSON.stringify({ incidentId: request.incidentId, window: span, lookups: { calls: paced.calls, throttled: paced.throttled, accessKeysFollowed: Math.min(accessKeys.size, MAX_FOLLOWED_ACCESS_KEYS) }, events: trailEvents }), trailEvents.length));
  files.push(await put('audit-events.json', JSON.stringify({ incidentId: request.incidentId, window: span, query: auditEvents.query, logGroups: auditEvents.logGroups, events: auditEvents.rows }), auditEvents.rows.length));
  const manifest = JSON.stringify({ incidentId: request.incidentId, agent: request.agent, roleArns: request.roleArns, window: span, collectedAt, files });
  const manifestFile = await put('manifest.json', manifest, files.length);
  return {
    bucket: config.bucket,
    prefix,
    manifestKey: manifestFile.key,
    manifestSha256: manifestFile.sha256,
    location: `s3://${config.bucket}/${manifestFile.key}`,
    cloudTrailEvents: trailEvents.length,
    auditEvents: auditEvents.rows.length,
  };
}

/** The access key an AssumeRole event handed out (responseElements.credentials.accessKeyId). */
function issuedAccessKey(event: TrailEvent): string | undefined {
  if (!event.EventName?.startsWith('AssumeRole')) return undefined;
  const record = parseJson(event.CloudTrailEvent) as { responseElements?: { credentials?: { accessKeyId?: unknown } } } | undefined;
  const key = record?.responseElements?.credentials?.accessKeyId;
  return typeof key === 'string' ? key : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The Logs Insights query for one agent's audit events; the agent name is quoted, never spliced raw. */
export function auditQuery(agent: string): string {
  return `fields @timestamp, @message | filter unmapped.agent = ${JSON.stringify(agent)} | sort @timestamp asc | limit ${AUDIT_QUERY_LIMIT}`;
}

async function queryAuditEvents(agent: string, span: { readonly start: string; readonly end: string }, config: EvidenceConfig, logs: CloudWatchLogsClient, sleep: (ms: number) => Promise<void>) {
  const query = auditQuery(agent);
  const logGroups: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: config.auditLogGroupPrefix, nextToken }));
    logGroups.push(...(page.logGroups ?? []).map((g) => g.logGroupName).filter((n): n is string => typeof n === 'string'));
    nextToken = page.nextToken;
  } while (nextToken);
  const rows: Record<string, string>[] = [];
  for (let i = 0; i < logGroups.length; i += MAX_QUERY_LOG_GROUPS) {
    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupNames: logGroups.slice(i, i + MAX_QUERY_LOG_GROUPS),
        queryString: query,
        startTime: Math.floor(Date.parse(span.start) / 1000),
        endTime: Math.ceil(Date.parse(span.end) / 1000),
        limit: AUDIT_QUERY_LIMIT,
      }),
    );
    for (let poll = 0; ; poll++) {
      const result = await logs.send(new GetQueryResultsCommand({ queryId }));
      if (result.status === 'Complete') {
        for (const row of result.results ?? []) rows.push(Object.fromEntries(row.filter((f) => f.field && f.field !== '@ptr').map((f) => [f.field as string, f.value ?? ''])));
        break;
      }
      if (result.status !== 'Running' && result.status !== 'Scheduled') throw new Error(`audit query ${queryId} ended ${result.status}`);
      if (poll >= QUERY_MAX_POLLS) throw new Error(`audit query ${queryId} still running after ${QUERY_MAX_POLLS} polls`);
      await sleep(QUERY_POLL_MS);
    }
  }
  return { query, logGroups, rows };
}
