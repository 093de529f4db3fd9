/**
 * Human approval end to end on the dev server, with the real MCP SDK clients: a 2026-07-28
 * client (SDK v2) meets an `input_required` round with a sealed requestState and an elicitation
 * naming the approval; a 2025-11-25 client (SDK 1.x) gets a plain "pending approval" result and
 * retries with the id in `_meta`. Decisions go through the dev decision API, as
 * `warden approve ID --dev URL` sends them, with approver tokens that stand for identities the
 * manifest's approvers name.
 */
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { startDevServer, type DevServer } from '../../lib/dev';
import { registerApprovals } from '../../lib/cli/approvals';
import { connectAgent } from '../lib/dev/mcp-client-fixture';
import { runCli } from '../lib/cli/run-cli';

let FLAG: { orderId: string; reason: string };
let dev: DevServer;

beforeEach(async () => {
  dev = await startDevServer({ port: 0, audit: 'none', log: () => {} });
  const captured = await dev.datasets.payments!.scan({ filter: { status: 'captured' }, limit: 1 });
  FLAG = { orderId: String(captured.items[0]!.orderId), reason: 'card used from three countries in an hour' };
});
afterEach(async () => {
  await dev.close();
});

const paymentStatus = async () => (await dev.datasets.payments!.get(FLAG.orderId))?.status;
const unmapped = () => dev.auditEvents.map((e) => (e as { unmapped: Record<string, unknown> }).unmapped);
const idIn = (text: string) => /apr-[a-z2-7]{26}/.exec(text)?.[0];
/** The approver token of the identity that approves `tool` (`server/tool`). */
const tokenFor = (tool: string) => dev.approvals.approvers.find((a) => a.decides.includes(tool))!.token;
const decideOverHttp = (id: string, verdict: 'approve' | 'deny', token?: string) =>
  fetch(`http://127.0.0.1:${dev.port}/warden/approvals/${id}/${verdict}`, { method: 'POST', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'checked' }) });

/** The 2026-07-28 client of the fraud agent; `onElicit` answers the approval round. */
async function modernClient(onElicit: (message: string) => Promise<void>, tamper = { state: false }) {
  const client = new ModernClient({ name: 'fraud-agent', version: '1.0.0' }, { capabilities: { elicitation: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } }, inputRequired: { maxRounds: 3 } });
  client.setRequestHandler('elicitation/create', async (req) => {
    await onElicit(String((req.params as { message?: unknown }).message));
    return { action: 'accept', content: { retry: true } };
  });
  const fetchWithTamper: typeof fetch = async (url, init) => {
    if (tamper.state && typeof init?.body === 'string' && init.body.includes('requestState')) {
      const body = JSON.parse(init.body) as { params: { requestState: string } };
      const s = body.params.requestState;
      body.params.requestState = `${s.slice(0, -3)}${s.endsWith('AAA') ? 'BBB' : 'AAA'}`;
      init = { ...init, body: JSON.stringify(body) };
    }
    return fetch(url, init);
  };
  await client.connect(new ModernTransport(new URL(dev.urls.payments!), { fetch: fetchWithTamper, requestInit: { headers: { authorization: `Bearer ${dev.tokens['fraud-agent']}` } } }));
  return client;
}

describe('2026-07-28 (SDK v2 client)', () => {
  it('holds the call in an input_required round and runs it once after approval', async () => {
    const seen: string[] = [];
    const client = await modernClient(async (message) => {
      seen.push(message);
      // the approver decides while the user looks at the elicitation
      expect(await paymentStatus()).not.toBe('flagged');
      await dev.approvals.decide(idIn(message)!, 'approved', { reason: 'confirmed' });
    });
    const result = await client.callTool({ name: 'flag_payment', arguments: FLAG });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ orderId: FLAG.orderId, status: 'flagged', alreadyFlagged: false });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/Pending approval ID apr-/);
    const id = idIn(seen[0]!)!;
    const events = unmapped().filter((e) => e.approval_id === id);
    expect(events.map((e) => e.outcome)).toEqual(['approval_pending', 'approval_decided', 'ok']);
    expect((await dev.approvals.list()).find((a) => a.id === id)).toMatchObject({ status: 'executed', agent: 'fraud-agent', tool: 'payments/flag_payment' });
    await client.close();
  });

  it('keeps the call held while nobody has decided, without running it', async () => {
    const client = await modernClient(async () => {});
    await expect(client.callTool({ name: 'flag_payment', arguments: FLAG })).rejects.toThrow();
    expect(await paymentStatus()).not.toBe('flagged');
    const outcomes = unmapped().map((e) => e.outcome).filter((o) => String(o).startsWith('approval'));
    expect(outcomes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(outcomes)).toEqual(new Set(['approval_pending']));
    await client.close();
  });

  it('refuses a tampered requestState with -32602 before anything runs, and audits it', async () => {
    const tamper = { state: true };
    const decided: string[] = [];
    const client = await modernClient(async (message) => {
      decided.push(idIn(message)!);
      await dev.approvals.decide(idIn(message)!, 'approved');
    }, tamper);
    await expect(client.callTool({ name: 'flag_payment', arguments: FLAG })).rejects.toThrow(/requestState/i);
    expect(await paymentStatus()).not.toBe('flagged');
    expect(unmapped().at(-1)).toMatchObject({ decision: 'refused', reason: expect.stringMatching(/^requestState refused: tampered/) });
    // the approval is still unused: an untampered retry could run it, a tampered one never does
    expect((await dev.approvals.list()).find((a) => a.id === decided[0])).toMatchObject({ status: 'approved' });
    await client.close();
  });
});

describe('2025-11-25 (SDK 1.x client)', () => {
  it('answers "pending approval ID, retry after …" and runs a retry with the id once', async () => {
    const agent = await connectAgent(dev.urls.payments!, dev.tokens['fraud-agent']);
    const held = await agent.call('flag_payment', FLAG);
    expect(held.isError).toBe(false);
    expect(held.text).toMatch(/^Approval required: .* Pending approval ID apr-[a-z2-7]{26} .* Retry after 30 s/);
    const id = idIn(held.text)!;
    expect(held.structured).toEqual({ approval: { id, status: 'pending', expiresAt: expect.any(String), retryAfterSeconds: 30 } });

    const retryWith = (args: Record<string, unknown>) => agent.client.callTool({ name: 'flag_payment', arguments: args, _meta: { 'mcp-warden/approval': id } });
    const early = await retryWith(FLAG);
    expect(JSON.stringify(early.content)).toContain(`Pending approval ID ${id}`);
    expect(await paymentStatus()).not.toBe('flagged');

    // decided through the same HTTP API the CLI uses
    const approve = await decideOverHttp(id, 'approve', tokenFor('payments/flag_payment'));
    expect(approve.status).toBe(200);

    const other = await retryWith({ ...FLAG, orderId: 'ORD-999999' });
    expect(other.isError).toBe(true);
    const ran = await retryWith(FLAG);
    expect(ran.isError).toBeFalsy();
    expect(await paymentStatus()).toBe('flagged');
    const second = await retryWith(FLAG);
    expect(second.isError).toBe(true);
    expect(JSON.stringify(second.content)).toMatch(/already used/);
    expect(unmapped().filter((e) => e.approval_id === id).map((e) => e.outcome)).toEqual(['approval_pending', 'approval_pending', 'approval_decided', 'approval_refused', 'ok', 'approval_refused']);
    await agent.close();
  });

  it('refuses and audits a decision made with the agent\'s own token', async () => {
    const agent = await connectAgent(dev.urls.payments!, dev.tokens['fraud-agent']);
    const id = idIn((await agent.call('flag_payment', FLAG)).text)!;
    const self = await fetch(`http://127.0.0.1:${dev.port}/warden/approvals/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${dev.tokens['fraud-agent']}` } });
    expect(self.status).toBe(403);
    expect(((await self.json()) as { error: string }).error).toMatch(/an agent can never approve its own call/);
    const anonymous = await fetch(`http://127.0.0.1:${dev.port}/warden/approvals/${id}/approve`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(unmapped().filter((e) => e.approval_id === id).map((e) => e.outcome)).toEqual(['approval_pending', 'approval_refused', 'approval_refused']);
    expect((await dev.approvals.list())[0]).toMatchObject({ id, status: 'pending' });
    await agent.close();
  });
});

describe('the manifest\'s approvers list on the dev server', () => {
  const RISK = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ShopRisk_dev/warden-dev';
  const MERCH_LEAD = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ShopMerchLead_dev/warden-dev';
  const refusals = (id: string) => unmapped().filter((e) => e.approval_id === id && e.outcome === 'approval_refused');

  it('mints one approver token per approvers entry, standing for an identity that entry names', () => {
    expect(dev.approvals.approvers.map(({ identity, decides }) => ({ identity, decides }))).toEqual([
      { identity: MERCH_LEAD, decides: ['commerce/update_price'] },
      { identity: RISK, decides: ['payments/flag_payment'] },
    ]);
    expect(new Set(dev.approvals.approvers.map((a) => a.token)).size).toBe(2);
  });

  it('refuses an approver of another tool, audits it with that identity, and lets the tool\'s approver decide', async () => {
    const agent = await connectAgent(dev.urls.payments!, dev.tokens['fraud-agent']);
    const id = idIn((await agent.call('flag_payment', FLAG)).text)!;
    // the notice's command carries the token of an approver of this tool
    expect(dev.approvals.notices.at(-1)!.message).toContain(`--token ${tokenFor('payments/flag_payment')}`);

    const merch = await decideOverHttp(id, 'approve', tokenFor('commerce/update_price'));
    expect(merch.status).toBe(403);
    expect(((await merch.json()) as { error: string }).error).toMatch(/is not an approver of payments\/flag_payment/);
    expect(refusals(id)).toHaveLength(1);
    expect(JSON.stringify(dev.auditEvents.at(-1))).toContain(MERCH_LEAD);
    const retry = await agent.client.callTool({ name: 'flag_payment', arguments: FLAG, _meta: { 'mcp-warden/approval': id } });
    expect(JSON.stringify(retry.content)).toContain(`Pending approval ID ${id}`);
    expect(await paymentStatus()).not.toBe('flagged');

    expect((await decideOverHttp(id, 'approve', tokenFor('payments/flag_payment'))).status).toBe(200);
    expect((await dev.approvals.list()).find((a) => a.id === id)).toMatchObject({ status: 'approved', decidedBy: RISK });
    const ran = await agent.client.callTool({ name: 'flag_payment', arguments: FLAG, _meta: { 'mcp-warden/approval': id } });
    expect(ran.isError).toBeFalsy();
    expect(await paymentStatus()).toBe('flagged');
    await agent.close();
  });

  it('refuses and audits a token that is no approver token, and an added identity the approvers do not name', async () => {
    await dev.close();
    const SUPPORT = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ShopSupport_dev/bob';
    dev = await startDevServer({ port: 0, audit: 'none', log: () => {}, approvers: [SUPPORT] });
    const agent = await connectAgent(dev.urls.payments!, dev.tokens['fraud-agent']);
    const id = idIn((await agent.call('flag_payment', FLAG)).text)!;

    expect((await decideOverHttp(id, 'approve', 'wapr_not-a-token-of-this-run')).status).toBe(401);
    expect(refusals(id).at(-1)).toMatchObject({ reason: 'decision refused: the token is not an approver token of this dev server' });

    const support = dev.approvals.approvers.find((a) => a.identity === SUPPORT)!;
    expect(support.decides).toEqual([]);
    const byBob = await decideOverHttp(id, 'approve', support.token);
    expect(byBob.status).toBe(403);
    expect(refusals(id)).toHaveLength(2);
    expect(JSON.stringify(dev.auditEvents.at(-1))).toContain(SUPPORT);
    expect((await dev.approvals.list()).find((a) => a.id === id)).toMatchObject({ status: 'pending' });
    await agent.close();
  });

  it('decides through `warden approve --dev` with the token, refusing the wrong approver with exit 1', async () => {
    const agent = await connectAgent(dev.urls.payments!, dev.tokens['fraud-agent']);
    const id = idIn((await agent.call('flag_payment', FLAG)).text)!;
    const target = ['--dev', `http://127.0.0.1:${dev.port}`, '--token'];
    const wrong = await runCli((p) => registerApprovals(p), 'approve', [id, ...target, tokenFor('commerce/update_price')]);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toMatch(/refused: .*is not an approver of payments\/flag_payment/);
    const right = await runCli((p) => registerApprovals(p), 'deny', [id, '--reason', 'the customer confirmed', ...target, tokenFor('payments/flag_payment')]);
    expect(right.exitCode).toBeUndefined();
    expect(right.stdout).toMatch(new RegExp(`^denied ${id}: fraud-agent → payments/flag_payment; a retry is refused`));
    const retry = await agent.client.callTool({ name: 'flag_payment', arguments: FLAG, _meta: { 'mcp-warden/approval': id } });
    expect(retry.isError).toBe(true);
    expect(JSON.stringify(retry.content)).toMatch(/was denied: the customer confirmed/);
    await agent.close();
  });
});

