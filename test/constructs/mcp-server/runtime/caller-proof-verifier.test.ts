import { CallerProofVerifier } from '../../../../constructs/mcp-server/runtime/caller-proof-verifier';
import { CALLER_PROOF_HEADER, SERVER_ID_HEADER } from '../../../../lib/caller-proof';
import { CallerProofSigner } from '../../../../lib/client/caller-proof';
import { CallerProofs } from '../../../support/sts/caller-proofs';
import { FakeSts } from '../../../support/sts/fake-sts';

const REGION = 'eu-west-1';
const SERVER_ID = 'a1b2c3d4e5';
const FRAUD = 'arn:aws:sts::123456789012:assumed-role/shop-prod-fraud-agent-caller/task-7';
const INVENTORY = 'arn:aws:sts::123456789012:assumed-role/shop-prod-inventory-agent-caller/task-1';

describe('CallerProofVerifier', () => {
  let clock: number;
  let sts: FakeSts;
  let proofs: CallerProofs;
  let verifier: CallerProofVerifier;
  const now = () => clock;

  beforeEach(() => {
    clock = Date.UTC(2026, 11, 3, 9, 0, 0);
    sts = new FakeSts(REGION, now);
    proofs = new CallerProofs(sts, { region: REGION, serverId: SERVER_ID, now });
    verifier = new CallerProofVerifier({ serverId: SERVER_ID, region: REGION, fetch: sts.fetch, now });
  });

  it('accepts a proof signed by the principal the event claims, and returns what STS proved', async () => {
    expect(await verifier.verify(await proofs.headers(FRAUD), FRAUD)).toEqual({ ok: true, principalArn: FRAUD });
    expect(sts.calls).toEqual([expect.objectContaining({ action: 'GetCallerIdentity', ok: true })]);
  });

  it('reads the proof from a REST event\'s multi-value headers, and refuses two proofs', async () => {
    const headers = await proofs.headers(FRAUD);
    const lists = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
    expect(await verifier.verify(lists, FRAUD)).toMatchObject({ ok: true });
    const two = { ...lists, [CALLER_PROOF_HEADER]: [headers[CALLER_PROOF_HEADER]!, (await proofs.headers(INVENTORY))[CALLER_PROOF_HEADER]!] };
    expect(await verifier.verify(two, FRAUD)).toMatchObject({ status: 403, reason: expect.stringMatching(/more than one caller proof/) });
  });

  it('treats another session of the same role as the same principal', async () => {
    const otherSession = FRAUD.replace('task-7', 'task-8');
    expect(await verifier.verify(await proofs.headers(FRAUD), otherSession)).toMatchObject({ ok: true });
    expect(await verifier.verify(await proofs.headers(FRAUD), 'arn:aws:iam::123456789012:role/shop-prod-fraud-agent-caller')).toMatchObject({ ok: true });
  });

  it("refuses with 403 an event that names fraud-agent with inventory-agent's proof", async () => {
    const verdict = await verifier.verify(await proofs.headers(INVENTORY), FRAUD);
    expect(verdict).toMatchObject({ ok: false, status: 403, forgery: true, reason: expect.stringMatching(/claims .*fraud-agent.* but the caller proof is of .*inventory-agent/) });
  });

  it('refuses with 401 an event with no proof, without asking STS', async () => {
    expect(await verifier.verify({}, FRAUD)).toMatchObject({ ok: false, status: 401, forgery: true, reason: 'no caller proof' });
    expect(sts.calls).toEqual([]);
  });

  it('refuses a proof with no claimed caller', async () => {
    expect(await verifier.verify(await proofs.headers(FRAUD), undefined)).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/names no caller/) });
  });

  it('refuses a proof made for another server: by its server id, and at STS when the id is swapped', async () => {
    const other = await proofs.headers(FRAUD, 'zzzzzzzzzz');
    expect(await verifier.verify(other, FRAUD)).toMatchObject({ status: 403, reason: expect.stringMatching(/is for server "zzzzzzzzzz"/) });
    expect(sts.calls).toEqual([]);
    // the clear-text id rewritten to this server's: the signature covers the id the client signed
    const swapped = { ...other, [SERVER_ID_HEADER]: SERVER_ID };
    expect(await verifier.verify(swapped, FRAUD)).toMatchObject({ status: 403, forgery: true, reason: expect.stringMatching(/STS refused the caller proof \(403 SignatureDoesNotMatch\)/) });
  });

  it('refuses a tampered signature (STS says so) and an expired proof (without asking STS)', async () => {
    const headers = await proofs.headers(FRAUD);
    const proof = headers[CALLER_PROOF_HEADER]!;
    const tampered = proof.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    expect(await verifier.verify({ ...headers, [CALLER_PROOF_HEADER]: tampered }, FRAUD)).toMatchObject({ status: 403, reason: expect.stringMatching(/STS refused/) });
    const calls = sts.calls.length;
    clock += 301_000;
    expect(await verifier.verify(headers, FRAUD)).toMatchObject({ status: 403, reason: 'the caller proof has expired' });
    expect(sts.calls.length).toBe(calls);
  });

  it('never sends a proof anywhere but the STS host of its region', async () => {
    const headers = await proofs.headers(FRAUD);
    for (const host of ['sts.amazonaws.com', 'sts.us-east-1.amazonaws.com', 'attacker.example', 'sts.eu-west-1.amazonaws.com.attacker.example']) {
      const moved = headers[CALLER_PROOF_HEADER]!.replace('sts.eu-west-1.amazonaws.com', host);
      expect(await verifier.verify({ ...headers, [CALLER_PROOF_HEADER]: moved }, FRAUD)).toMatchObject({ status: 403, reason: expect.stringMatching(/https:\/\/sts\.eu-west-1\.amazonaws\.com\//) });
    }
    const euCentral = await new CallerProofSigner({ region: 'eu-central-1', credentials: sts.issue(FRAUD) }).headersFor(SERVER_ID);
    expect(await verifier.verify(euCentral, FRAUD)).toMatchObject({ status: 403 });
    expect(sts.calls).toEqual([]);
  });

  it('asks STS once per proof while it is valid, then again for the next proof', async () => {
    for (let i = 0; i < 20; i++) {
      expect(await verifier.verify(await proofs.headers(FRAUD), FRAUD)).toMatchObject({ ok: true });
      clock += 10_000; // 200 s of calls: the client reuses its 300 s proof until a minute before expiry
    }
    expect(sts.count('GetCallerIdentity')).toBe(1);
    clock += 100_000;
    expect(await verifier.verify(await proofs.headers(FRAUD), FRAUD)).toMatchObject({ ok: true });
    expect(sts.count('GetCallerIdentity')).toBe(2);
  });

  it('remembers a refusal for the proof too, so replaying a bad proof does not reach STS again', async () => {
    const headers = await proofs.headers(INVENTORY);
    for (let i = 0; i < 5; i++) expect(await verifier.verify(headers, FRAUD)).toMatchObject({ status: 403 });
    const other = await proofs.headers(FRAUD, 'zzzzzzzzzz');
    for (let i = 0; i < 5; i++) await verifier.verify({ ...other, [SERVER_ID_HEADER]: SERVER_ID }, FRAUD);
    expect(sts.count('GetCallerIdentity')).toBe(2);
  });

  it('answers 503, not a forgery, when STS cannot be reached or throttles, and does not cache that', async () => {
    let fail: 'network' | 'throttle' | undefined = 'network';
    const flaky = new CallerProofVerifier({
      serverId: SERVER_ID,
      region: REGION,
      now,
      fetch: async (url, init) => {
        if (fail === 'network') throw Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' });
        if (fail === 'throttle') return { status: 400, text: async () => JSON.stringify({ Error: { Code: 'Throttling' } }) };
        return sts.fetch(url, init);
      },
    });
    const headers = await proofs.headers(FRAUD);
    expect(await flaky.verify(headers, FRAUD)).toMatchObject({ ok: false, status: 503, forgery: false, reason: expect.stringMatching(/TimeoutError/) });
    fail = 'throttle';
    expect(await flaky.verify(headers, FRAUD)).toMatchObject({ status: 503, forgery: false });
    fail = undefined;
    expect(await flaky.verify(headers, FRAUD)).toMatchObject({ ok: true });
  });

  it('reads the XML answer STS gives without Accept: application/json', async () => {
    const xmlOnly = new CallerProofVerifier({ serverId: SERVER_ID, region: REGION, now, fetch: (url, init) => sts.fetch(url, { ...init, headers: { [SERVER_ID_HEADER]: SERVER_ID } }) });
    expect(await xmlOnly.verify(await proofs.headers(FRAUD), FRAUD)).toEqual({ ok: true, principalArn: FRAUD });
  });
});
