/**
 * `warden approve|deny ID` and `warden approvals list` against the approvals table: DynamoDB is
 * dynalite (real conditional writes), STS is aws-sdk-client-mock answering who the caller is and
 * the MFA-gated AssumeRole of the deciding role, CloudWatch Logs is aws-sdk-client-mock over an
 * in-memory log store that behaves as PutLogEvents does (only existing streams, events in order).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CloudWatchLogsClient, InvalidParameterException, PutLogEventsCommand, ResourceNotFoundException, type InputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoApprovalsStore } from '../../../constructs/approvals/runtime';
import { newApprovalId, type ApprovalRequest } from '../../../lib/approvals';
import { registerApprovals } from '../../../lib/cli/approvals';
import { runCli } from './run-cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs: number }) => Server;

const RISK_ANALYST = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ShopRisk_0123abcd/alice';
const FRAUD_AGENT = 'arn:aws:sts::111122223333:assumed-role/shop-prod-fraud-agent-caller/session-1';
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

let server: Server;
let doc: DynamoDBDocumentClient;
let store: DynamoApprovalsStore;
const sts = mockClient(STSClient);
let assumed: Array<Record<string, unknown>>;
const cwl = mockClient(CloudWatchLogsClient);
/** The deployment's log streams (`group/stream` → events); ApprovalsTable creates the decisions stream. */
let streams: Map<string, InputLogEvent[]>;
/** Credentials each CloudWatch Logs client was made with. */
let logsCredentials: unknown[];
const DECISIONS = 'shop-prod-servers-approval-decisions/decisions';

function logStore(existing: readonly string[] = [DECISIONS]) {
  streams = new Map(existing.map((k) => [k, []]));
  logsCredentials = [];
  cwl.reset();
  cwl.on(PutLogEventsCommand).callsFake((input: { logGroupName: string; logStreamName: string; logEvents: InputLogEvent[] }) => {
    const stream = streams.get(`${input.logGroupName}/${input.logStreamName}`);
    if (!stream) throw new ResourceNotFoundException({ message: 'The specified log stream does not exist.', $metadata: {} });
    if (input.logEvents.some((e, i) => i > 0 && e.timestamp! < input.logEvents[i - 1]!.timestamp!)) throw new InvalidParameterException({ message: 'Log events in a single PutLogEvents request must be in chronological order.', $metadata: {} });
    stream.push(...input.logEvents);
    return {};
  });
}
/** The audit events in the decisions stream. */
const decisionEvents = () => (streams.get(DECISIONS) ?? []).map((e) => JSON.parse(e.message!) as { time: number; actor: unknown; unmapped: Record<string, unknown> });

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
  await raw.send(new CreateTableCommand({ TableName: 'shop-prod-approvals', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
  doc = DynamoDBDocumentClient.from(raw);
  store = new DynamoApprovalsStore({ client: doc, tableName: 'shop-prod-approvals' });
});
afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
});

function asCaller(arn: string) {
  logStore();
  assumed = [];
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: arn, Account: '111122223333' });
  sts.on(AssumeRoleCommand).callsFake((input: Record<string, unknown>) => {
    assumed.push(input);
    return { Credentials: { AccessKeyId: 'ASIAADMIN', SecretAccessKey: 'x', SessionToken: 't', Expiration: new Date(NOW + 3_600_000) } };
  });
}

async function held(): Promise<ApprovalRequest> {
  const request: ApprovalRequest = { id: newApprovalId(), agent: 'fraud-agent', principal: FRAUD_AGENT, server: 'payments', tool: 'flag_payment', argsSha256: 'a'.repeat(64), requestId: 'req-1', createdAt: NOW, expiresAt: NOW + 3_600_000, approvers: ['arn:aws:iam::111122223333:role/AWSReservedSSO_ShopRisk_*'], reason: 'flagging freezes the order' };
  await store.createRequest(request);
  return request;
}

const deps = {
  sts: () => new STSClient({ region: 'eu-west-1' }),
  documentClient: () => doc,
  logsClient: (region: string, credentials?: unknown) => (logsCredentials.push(credentials), new CloudWatchLogsClient({ region })),
  now: () => NOW + 60_000,
};
const mfa = ['--region', 'eu-west-1', '--mfa-serial', 'arn:aws:iam::111122223333:mfa/alice', '--mfa-code', '123456'];

describe('warden approve / deny', () => {
  it('approves as the caller, through the MFA-gated admin role, and audits the decision', async () => {
    asCaller(RISK_ANALYST);
    const { id } = await held();
    const run = await runCli((p) => registerApprovals(p, deps), 'approve', [id, '--reason', 'checked with the bank', ...mfa]);
    expect(run.exitCode).toBeUndefined();
    expect(run.stdout).toMatch(new RegExp(`^approved ${id}: fraud-agent → payments/flag_payment; the agent's retry with the same arguments runs once`));
    expect(assumed).toEqual([expect.objectContaining({ RoleArn: 'arn:aws:iam::111122223333:role/shop-prod-warden-admin', SerialNumber: 'arn:aws:iam::111122223333:mfa/alice', TokenCode: '123456' })]);
    expect((await store.get(id))?.decision).toMatchObject({ verdict: 'approved', decidedBy: RISK_ANALYST, reason: 'checked with the bank' });
    const event = JSON.parse(run.stderr.trim().split('\n').at(-1)!) as { unmapped: Record<string, unknown> };
    expect(event.unmapped).toMatchObject({ outcome: 'approval_decided', approval_id: id, request_id: expect.any(String) });
  });

  it('writes the decision\'s audit event to the decisions log stream, with the deciding role\'s session', async () => {
    asCaller(RISK_ANALYST);
    const { id } = await held();
    const run = await runCli((p) => registerApprovals(p, deps), 'deny', [id, '--reason', 'the customer confirmed the purchases', ...mfa]);
    expect(run.exitCode).toBeUndefined();
    // the client was made with the assumed role's credentials, not the caller's own
    expect(logsCredentials).toEqual([expect.objectContaining({ accessKeyId: 'ASIAADMIN', sessionToken: 't' })]);
    const [event, ...more] = decisionEvents();
    expect(more).toEqual([]);
    expect(event!.time).toBe(NOW + 60_000);
    expect(event!.unmapped).toMatchObject({ outcome: 'approval_decided', approval_id: id, agent: 'fraud-agent', tool: 'flag_payment' });
    expect(JSON.stringify(event)).toContain(RISK_ANALYST);
    expect(JSON.stringify(event)).toContain('the customer confirmed the purchases');
    // the same event as on stderr
    expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toEqual(event);
  });

  it('audits a refused attempt in the same stream (the agent trying to approve its own call)', async () => {
    asCaller(FRAUD_AGENT);
    const { id } = await held();
    await runCli((p) => registerApprovals(p, deps), 'approve', [id, ...mfa]);
    expect(decisionEvents().map((e) => e.unmapped)).toEqual([expect.objectContaining({ outcome: 'approval_refused', approval_id: id, reason: expect.stringMatching(/an agent can never approve its own call/) })]);
  });

  it('exits 2 and says so when the audit event cannot be written; the decision stands', async () => {
    asCaller(RISK_ANALYST);
    logStore([]); // e.g. the servers stack with the decisions stream is not deployed
    const { id } = await held();
    const run = await runCli((p) => registerApprovals(p, deps), 'approve', [id, ...mfa]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/the audit event could NOT be written to shop-prod-servers-approval-decisions\/decisions \(ResourceNotFoundException/);
    expect((await store.get(id))?.decision).toMatchObject({ verdict: 'approved', decidedBy: RISK_ANALYST });
  });

  it('refuses the agent\'s own principal, and changes nothing', async () => {
    asCaller(FRAUD_AGENT);
    const { id } = await held();
    const run = await runCli((p) => registerApprovals(p, deps), 'approve', [id, ...mfa]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/refused: .* an agent can never approve its own call/);
    expect((await store.get(id))?.decision).toBeUndefined();
  });

  it('refuses a second decision: the first one stands (a conditional write)', async () => {
    asCaller(RISK_ANALYST);
    const { id } = await held();
    await runCli((p) => registerApprovals(p, deps), 'deny', [id, '--reason', 'customer confirmed', ...mfa]);
    const again = await runCli((p) => registerApprovals(p, deps), 'approve', [id, ...mfa]);
    expect(again.exitCode).toBe(1);
    expect((await store.get(id))?.decision).toMatchObject({ verdict: 'denied' });
    expect(await store.putDecision({ id, verdict: 'approved', decidedBy: RISK_ANALYST, decidedAt: NOW })).toBe(false);
  });
});

describe('warden approvals list', () => {
  it('shows each approval with its status, agent, tool and expiry', async () => {
    asCaller(RISK_ANALYST);
    const { id } = await held();
    const run = await runCli((p) => registerApprovals(p, deps), 'approvals', ['list', '--json', ...mfa]);
    const rows = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toContainEqual(expect.objectContaining({ id, status: 'pending', agent: 'fraud-agent', tool: 'payments/flag_payment', expiresAt: new Date(NOW + 3_600_000).toISOString() }));
  });
});

describe('the DynamoDB store', () => {
  it('runs a call once: the second execution write is refused', async () => {
    const { id } = await held();
    expect(await store.putExecution({ id, requestId: 'req-2', executedAt: NOW })).toBe(true);
    expect(await store.putExecution({ id, requestId: 'req-3', executedAt: NOW })).toBe(false);
    expect((await store.get(id))?.execution).toEqual({ id, requestId: 'req-2', executedAt: NOW });
  });
});
