/**
 * `warden approve|deny ID` and `warden approvals list` against the approvals table: DynamoDB is
 * dynalite (real conditional writes), STS is aws-sdk-client-mock answering who the caller is and
 * the MFA-gated AssumeRole of the deciding role.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
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

const deps = { sts: () => new STSClient({ region: 'eu-west-1' }), documentClient: () => doc, now: () => NOW + 60_000 };
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
