/**
 * The guard's approval step over the shop manifest: payments/flag_payment always needs a risk
 * analyst; commerce/update_price only when it moves past the 24-hour limit (beyondLimit: true).
 */
import { approvalHarness, heldId, MERCH_LEAD, RISK_ANALYST } from './approval-harness';

const FLAG = { orderId: 'o-1001', reason: 'card used from three countries in an hour' };

async function heldFlag(h: ReturnType<typeof approvalHarness>) {
  const result = await h.guard.callTool(h.call('fraud-agent', 'payments', 'flag_payment', FLAG));
  return { result, id: heldId(result) };
}

describe('a call that needs approval', () => {
  it('is not executed before approval: it is held, recorded, notified and audited as pending', async () => {
    const h = approvalHarness();
    const { result, id } = await heldFlag(h);
    expect(h.runs).toHaveLength(0);
    expect(result.isError).toBeUndefined();
    expect(result.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(`Pending approval ID ${id}`) });
    expect(result.content[0]).toMatchObject({ text: expect.stringMatching(/Retry after 30 s/) });
    const state = await h.store.get(id);
    expect(state?.request).toMatchObject({ agent: 'fraud-agent', server: 'payments', tool: 'flag_payment', argsSha256: h.hash(FLAG), requestId: 'req-1', expiresAt: h.clock.now + 3_600_000 });
    expect(h.notices).toHaveLength(1);
    expect(h.notices[0]!.message).toContain(`npx warden approve ${id}`);
    expect(h.notices[0]!.message).toContain(`npx warden deny ${id}`);
    // what is asked: the arguments themselves, for the approver to judge
    expect(h.notices[0]!.message).toContain(`Arguments (personal and secret values masked): ${JSON.stringify(FLAG)}`);
    expect(state?.request.argsPreview).toBe(JSON.stringify(FLAG));
    expect(h.events()).toEqual([expect.objectContaining({ outcome: 'approval_pending', approval_id: id, request_id: 'req-1', args_sha256: h.hash(FLAG) })]);
  });

  it('shows approvers the arguments with personal, payment and secret values masked, bounded in length', async () => {
    const h = approvalHarness();
    const args = { orderId: 'o-1002', reason: `card 4111 1111 1111 1111 of jane.doe@example.com, ${'x'.repeat(2000)}` };
    const id = heldId(await h.guard.callTool(h.call('fraud-agent', 'payments', 'flag_payment', args)));
    const preview = (await h.store.get(id))!.request.argsPreview!;
    expect(preview).toMatch(/^\{"orderId":"o-1002","reason":"card /);
    expect(preview).not.toContain('4111');
    expect(preview).not.toContain('jane.doe@example.com');
    expect(preview.length).toBe(1024);
    expect(h.notices[0]!.message).toContain(preview);
  });

  it('runs once when approved and retried with the approval id, and the execution is audited with it', async () => {
    const h = approvalHarness();
    const { id } = await heldFlag(h);
    await h.decide(id, 'approved', RISK_ANALYST, 'confirmed with the card holder');
    const retried = await h.guard.callTool(h.call('fraud-agent', 'payments', 'flag_payment', FLAG, id));
    expect(retried.content[0]).toMatchObject({ text: 'flag_payment ran' });
    expect(h.runs).toEqual([FLAG]);
    expect((await h.store.get(id))?.execution).toMatchObject({ requestId: 'req-2' });
    const [pending, decided, executed] = h.events();
    expect(pending).toMatchObject({ outcome: 'approval_pending', approval_id: id });
    expect(decided).toMatchObject({ outcome: 'approval_decided', approval_id: id, reason: `approved by ${RISK_ANALYST}: confirmed with the card holder` });
    expect(executed).toMatchObject({ outcome: 'ok', approval_id: id, request_id: 'req-2', reason: expect.stringContaining('approved by arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ShopRisk_0123abcd/') });
  });

  it('refuses and audits a retry while it is still pending, without running it', async () => {
    const h = approvalHarness();
    const { id } = await heldFlag(h);
    const again = await h.guard.callTool(h.call('fraud-agent', 'payments', 'flag_payment', FLAG, id));
    expect(heldId(again)).toBe(id);
    expect(h.runs).toHaveLength(0);
    expect(h.events()[1]).toMatchObject({ outcome: 'approval_pending', approval_id: id, reason: `approval ${id} still pending` });
    expect(h.notices).toHaveLength(1);
  });

  describe('refuses, audits and never runs', () => {
    const refusedCases: Array<[string, (h: ReturnType<typeof approvalHarness>, id: string) => Promise<void>, RegExp]> = [
      [
        'a second retry',
        async (h, id) => {
          await h.decide(id, 'approved');
          await h.guard.callTool(h.call('fraud-agent', 'payments', 'flag_payment', FLAG, id));
          h.runs.length = 0;
        },
        /already used by request req-2/,
      ],
      ['a retry with other arguments', async (h, id) => void (await h.decide(id, 'approved')), /was asked for other arguments/],
      ['a retry by another agent', async (h, id) => void (await h.decide(id, 'approved')), /belongs to agent fraud-agent, not support-agent/],
      [
        'an expired approval',
        async (h, id) => {
          await h.decide(id, 'approved');
          h.clock.now += 3_600_000;
        },
        /expired at .* \(approved, not run in time\)/,
      ],
      ['a denied approval', async (h, id) => void (await h.decide(id, 'denied', RISK_ANALYST, 'the customer confirmed the purchases')), /denied by .*: the customer confirmed the purchases/],
    ];
    it.each(refusedCases)('%s', async (what, prepare, reason) => {
      const h = approvalHarness();
      const { id } = await heldFlag(h);
      await prepare(h, id);
      const retry =
        what === 'a retry with other arguments'
          ? h.call('fraud-agent', 'payments', 'flag_payment', { ...FLAG, orderId: 'o-2002' }, id)
          : what === 'a retry by another agent'
            ? h.call('support-agent', 'payments', 'flag_payment', FLAG, id)
            : h.call('fraud-agent', 'payments', 'flag_payment', FLAG, id);
      const result = await h.guard.callTool(retry);
      expect(h.runs).toHaveLength(0);
      expect(result.isError).toBe(true);
      const last = h.events().at(-1)!;
      if (what === 'a retry by another agent') {
        // the support agent may not call payments at all: Cedar refuses it before the approval is looked at
        expect(last).toMatchObject({ outcome: 'forbidden' });
      } else {
        expect(last).toMatchObject({ outcome: 'approval_refused', approval_id: id, reason: expect.stringMatching(reason) });
      }
    });

    it('a retry by another agent that may call the tool', async () => {
      const h = approvalHarness();
      const held = await h.guard.callTool(h.call('fraud-agent', 'payments', 'flag_payment', FLAG));
      const id = heldId(held);
      await h.decide(id, 'approved');
      // the manifest's only other caller of a held tool: give the pricing agent's approval to the fraud agent
      const price = { sku: 'SKU-1', price: 10, reason: 'clearance', beyondLimit: true };
      const priceId = heldId(await h.guard.callTool(h.call('pricing-agent', 'commerce', 'update_price', price)));
      await h.decide(priceId, 'approved', MERCH_LEAD);
      const stolen = await h.guard.callTool(h.call('fraud-agent', 'commerce', 'update_price', price, priceId));
      expect(stolen.isError).toBe(true);
      expect(h.runs).toHaveLength(0);
      expect(h.events().at(-1)).toMatchObject({ agent: 'fraud-agent', outcome: expect.stringMatching(/^(approval_refused|forbidden)$/) });
    });

    it('an approval id that does not exist, or is not an id', async () => {
      const h = approvalHarness();
      for (const ref of ['apr-aaaaaaaaaaaaaaaaaaaaaaaaaa', '../../etc/passwd']) {
        const result = await h.guard.callTool(h.call('fraud-agent', 'payments', 'flag_payment', FLAG, ref));
        expect(result.isError).toBe(true);
      }
      expect(h.runs).toHaveLength(0);
      expect(h.events().map((e) => e.outcome)).toEqual(['approval_refused', 'approval_refused']);
    });
  });
});

describe('a Cedar condition on the arguments', () => {
  it('holds update_price only for a move past the limit', async () => {
    const h = approvalHarness();
    const small = await h.guard.callTool(h.call('pricing-agent', 'commerce', 'update_price', { sku: 'SKU-1', price: 19.99, reason: 'competitor match' }));
    expect(small.content[0]).toMatchObject({ text: 'update_price ran' });
    const big = await h.guard.callTool(h.call('pricing-agent', 'commerce', 'update_price', { sku: 'SKU-1', price: 1.99, reason: 'clearance', beyondLimit: true }));
    expect(heldId(big)).toMatch(/^apr-/);
    expect(h.runs).toHaveLength(1);
    expect(h.events().map((e) => e.outcome)).toEqual(['ok', 'approval_pending']);
    expect(h.events()[1]!.reason).toMatch(/condition holds: context has args.beyondLimit/);
  });
});

describe('deciding', () => {
  it('never lets the agent approve its own call (its caller role, its data role, its own session)', async () => {
    const h = approvalHarness();
    const { id } = await heldFlag(h);
    for (const agentPrincipal of [
      'arn:aws:sts::111122223333:assumed-role/shop-prod-fraud-agent-caller/session-1',
      'arn:aws:sts::111122223333:assumed-role/shop-prod-fraud-agent-data/other',
      'arn:aws:iam::111122223333:role/shop-prod-fraud-agent-caller',
    ]) {
      await expect(h.decide(id, 'approved', agentPrincipal)).rejects.toThrow(/an agent can never approve its own call/);
    }
    expect((await h.store.get(id))?.decision).toBeUndefined();
    expect(h.events().slice(1).map((e) => e.outcome)).toEqual(['approval_refused', 'approval_refused', 'approval_refused']);
  });

  it('accepts only the tool\'s approvers, and only one decision', async () => {
    const h = approvalHarness();
    const { id } = await heldFlag(h);
    await expect(h.decide(id, 'approved', MERCH_LEAD)).rejects.toThrow(/is not an approver of payments\/flag_payment/);
    await h.decide(id, 'denied', RISK_ANALYST);
    await expect(h.decide(id, 'approved', RISK_ANALYST)).rejects.toThrow(/is denied .* only a pending approval can be decided/);
    expect((await h.store.get(id))?.decision).toMatchObject({ verdict: 'denied', decidedBy: RISK_ANALYST });
  });

  it('refuses a decision after expiry', async () => {
    const h = approvalHarness();
    const { id } = await heldFlag(h);
    h.clock.now += 3_600_001;
    await expect(h.decide(id, 'approved')).rejects.toThrow(/is expired/);
  });
});

describe('when the store fails', () => {
  it('refuses the call (fail closed) and audits why', async () => {
    const h = approvalHarness();
    h.store.createRequest = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const result = await h.guard.callTool(h.call('fraud-agent', 'payments', 'flag_payment', FLAG));
    expect(result.isError).toBe(true);
    expect(h.runs).toHaveLength(0);
    expect(h.events()[0]).toMatchObject({ outcome: 'approval_refused', reason: expect.stringMatching(/approvals store unavailable .*fail closed/) });
  });
});
