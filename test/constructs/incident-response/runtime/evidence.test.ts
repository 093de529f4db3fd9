import { createHash } from 'node:crypto';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { auditQuery, collectEvidence, evidenceWindow, LOOKUP_EVENTS_MIN_INTERVAL_MS } from '../../../../constructs/incident-response/runtime/evidence';
import { FakeAccount } from '../fake-account';

const CALLER = 'arn:aws:iam::111122223333:role/shop-prod-support-agent-caller';
const DATA = 'arn:aws:iam::111122223333:role/shop-prod-support-agent-data';
const request = { incidentId: 'inc-7', agent: 'support-agent', roleArns: [CALLER, DATA], triggeredAt: '2026-12-03T10:00:00.000Z', lookBackSeconds: 3600, endTime: '2026-12-03T10:00:40.000Z' };

function assumeRole(id: string, role: string, key: string, minute: number) {
  return {
    EventId: id,
    EventName: 'AssumeRole',
    EventTime: new Date(Date.UTC(2026, 11, 3, 9, minute)),
    Resources: [{ ResourceType: 'AWS::IAM::Role', ResourceName: role }],
    CloudTrailEvent: JSON.stringify({ eventName: 'AssumeRole', responseElements: { credentials: { accessKeyId: key } } }),
  };
}
function madeWith(id: string, key: string, name: string, minute: number) {
  return { EventId: id, EventName: name, AccessKeyId: key, EventTime: new Date(Date.UTC(2026, 11, 3, 9, minute)), CloudTrailEvent: JSON.stringify({ eventName: name }) };
}

/** The fake account behind mocked clients, and a clock that only the sleeps advance. */
function setup() {
  const account = new FakeAccount({});
  account.trailEvents = [
    assumeRole('e1', CALLER, 'ASIACALLER1', 10),
    assumeRole('e2', CALLER, 'ASIACALLER2', 20),
    assumeRole('e3', CALLER, 'ASIACALLER3', 30),
    assumeRole('e4', DATA, 'ASIADATA1', 31),
    madeWith('e5', 'ASIADATA1', 'Query', 32),
    madeWith('e6', 'ASIADATA1', 'GetItem', 33),
    madeWith('e7', 'ASIADATA1', 'Scan', 34),
  ];
  account.logGroups = ['shop-prod-servers-FnLogs1', 'shop-prod-servers-FnLogs2', 'other-app-logs'];
  account.auditRows = [
    [
      { field: '@timestamp', value: '2026-12-03 09:32:00.000' },
      { field: '@message', value: '{"unmapped":{"agent":"support-agent","tool":"get_order"}}' },
      { field: '@ptr', value: 'ptr' },
    ],
  ];
  const route = (service: string, action: string) => (input: object) => account.call(service, action, input as Record<string, unknown>);
  mockClient(CloudTrailClient).on(LookupEventsCommand).callsFake(route('cloudtrail', 'lookupEvents'));
  mockClient(CloudWatchLogsClient).on(DescribeLogGroupsCommand).callsFake(route('logs', 'describeLogGroups')).on(StartQueryCommand).callsFake(route('logs', 'startQuery')).on(GetQueryResultsCommand).callsFake(route('logs', 'getQueryResults'));
  mockClient(S3Client).on(PutObjectCommand).callsFake(route('s3', 'putObject'));
  let clock = Date.parse('2026-12-03T10:00:41.000Z');
  const sleeps: number[] = [];
  const clients = {
    cloudTrail: new CloudTrailClient({}),
    logs: new CloudWatchLogsClient({}),
    s3: new S3Client({}),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => new Date(clock),
  };
  const config = { bucket: 'evidence-bucket', auditLogGroupPrefix: 'shop-prod-servers' };
  return { account, clients, config, sleeps };
}

describe('evidence collection', () => {
  it('covers the look-back window before the alarm up to collection time', () => {
    expect(evidenceWindow(request)).toEqual({ start: '2026-12-03T09:00:00.000Z', end: '2026-12-03T10:00:40.000Z' });
    expect(() => evidenceWindow({ ...request, triggeredAt: 'yesterday' })).toThrow(/ISO 8601/);
  });

  it('pages LookupEvents for each role, then follows the access keys its AssumeRole events handed out', async () => {
    const { account, clients, config } = setup();
    const result = await collectEvidence(request, config, clients);
    const lookups = account.callsOf('cloudtrail', 'lookupEvents').map((c) => [(c.input.LookupAttributes as { AttributeValue: string }[])[0]!.AttributeValue, c.input.NextToken]);
    // the caller role has 3 events: two pages of two; each of the 4 keys is looked up too
    expect(lookups).toEqual([
      [CALLER, undefined],
      [CALLER, '2'],
      [DATA, undefined],
      ['ASIACALLER1', undefined],
      ['ASIACALLER2', undefined],
      ['ASIACALLER3', undefined],
      ['ASIADATA1', undefined],
      ['ASIADATA1', '2'],
    ]);
    expect(account.callsOf('cloudtrail', 'lookupEvents')[0]!.input).toMatchObject({ StartTime: new Date('2026-12-03T09:00:00.000Z'), EndTime: new Date('2026-12-03T10:00:40.000Z') });
    expect(result.cloudTrailEvents).toBe(7);
    const stored = JSON.parse(account.objects.get('evidence-bucket/incidents/inc-7/cloudtrail-events.json')!.body);
    expect(stored.events.map((e: { eventId: string }) => e.eventId)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
  });

  it('keeps LookupEvents at or under 2 requests per second', async () => {
    const { account, clients, config, sleeps } = setup();
    const times: number[] = [];
    const original = account.call.bind(account);
    account.call = (service, action, input) => {
      if (action === 'lookupEvents') times.push(clients.now().getTime());
      return original(service, action, input);
    };
    await collectEvidence(request, config, clients);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(LOOKUP_EVENTS_MIN_INTERVAL_MS);
    expect(sleeps.length).toBeGreaterThan(0);
  });

  it('backs off exponentially when throttled and then completes', async () => {
    const { account, clients, config, sleeps } = setup();
    account.failNext('cloudtrail', 'lookupEvents', 'ThrottlingException', 3);
    const result = await collectEvidence(request, config, clients);
    expect(result.cloudTrailEvents).toBe(7);
    // (the later 1 s sleep is the Logs Insights poll)
    expect(sleeps.filter((ms) => ms >= 1000).slice(0, 3)).toEqual([1000, 2000, 4000]);
    const stored = JSON.parse(account.objects.get('evidence-bucket/incidents/inc-7/cloudtrail-events.json')!.body);
    expect(stored.lookups).toMatchObject({ throttled: 3, calls: 11 });
  });

  it('gives up on an error that is not throttling', async () => {
    const { account, clients, config } = setup();
    account.failNext('cloudtrail', 'lookupEvents', 'AccessDeniedException', 1);
    await expect(collectEvidence(request, config, clients)).rejects.toThrow(/AccessDeniedException/);
    expect(account.objects.size).toBe(0);
  });

  it('queries the agent audit events in the servers log groups with Logs Insights', async () => {
    const { account, clients, config } = setup();
    const result = await collectEvidence(request, config, clients);
    const [start] = account.callsOf('logs', 'startQuery');
    expect(start!.input).toMatchObject({ logGroupNames: ['shop-prod-servers-FnLogs1', 'shop-prod-servers-FnLogs2'], queryString: auditQuery('support-agent'), startTime: Date.parse('2026-12-03T09:00:00Z') / 1000 });
    expect(auditQuery('support-agent')).toContain('filter unmapped.agent = "support-agent"');
    expect(result.auditEvents).toBe(1);
    const audit = JSON.parse(account.objects.get('evidence-bucket/incidents/inc-7/audit-events.json')!.body);
    expect(audit.events).toEqual([{ '@timestamp': '2026-12-03 09:32:00.000', '@message': '{"unmapped":{"agent":"support-agent","tool":"get_order"}}' }]);
  });

  it('writes a manifest whose SHA-256 digests match the stored objects, last', async () => {
    const { account, clients, config } = setup();
    const result = await collectEvidence(request, config, clients);
    const keys = account.callsOf('s3', 'putObject').map((c) => c.input.Key);
    expect(keys).toEqual(['incidents/inc-7/cloudtrail-events.json', 'incidents/inc-7/audit-events.json', 'incidents/inc-7/manifest.json']);
    const manifestBody = account.objects.get('evidence-bucket/incidents/inc-7/manifest.json')!.body;
    const manifest = JSON.parse(manifestBody);
    expect(manifest).toMatchObject({ incidentId: 'inc-7', agent: 'support-agent', roleArns: [CALLER, DATA] });
    for (const file of manifest.files) {
      const body = account.objects.get(`evidence-bucket/${file.key}`)!.body;
      expect(file.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      expect(file.bytes).toBe(Buffer.byteLength(body));
    }
    expect(result.manifestSha256).toBe(createHash('sha256').update(manifestBody).digest('hex'));
    expect(result.location).toBe('s3://evidence-bucket/incidents/inc-7/manifest.json');
  });
});
