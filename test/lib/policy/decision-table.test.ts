/**
 * The server Lambda answers authorization from a table Cedar computed at synth. The table must
 * say exactly what Cedar says (decision, reason, policies) for every agent, feature and
 * kill-switch status, including team policies; anything outside it is still Cedar's answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAuthorizer, type AuthorizeResult } from '../../../lib/policy/authorizer';
import { decisionKey, type DecisionTable } from '../../../lib/policy/decision-table';
import { MAX_TABLE_DECISIONS, precomputeDecisions } from '../../../lib/policy/precompute-decisions';
import { defaultManifest } from './default-manifest';

const TEAM = [readFileSync(join(__dirname, '..', '..', 'fixtures', 'manifests', 'policies', 'team.cedar'), 'utf8')];
const manifest = defaultManifest();

/** Cedar names the deciding policies in no fixed order (two policy sets may list them differently). */
function unordered(answer: AuthorizeResult): AuthorizeResult {
  const reason = answer.reason.replace(/^(permitted|forbidden) by (.*)$/, (_, verb: string, ids: string) => `${verb} by ${ids.split(', ').sort().join(', ')}`);
  return { allowed: answer.allowed, reason, policies: [...answer.policies].sort() };
}

describe('a precomputed decision table', () => {
  it.each(manifest.servers.map((s) => s.name))('answers every question about server %s as Cedar does, with team policies', (server) => {
    const table = precomputeDecisions(manifest, { server, extraPolicies: TEAM })!;
    const fromTable = createAuthorizer(manifest, { extraPolicies: TEAM, decisions: table });
    const cedar = createAuthorizer(manifest, { extraPolicies: TEAM, cache: false });
    const spec = manifest.servers.find((s) => s.name === server)!;
    let allowed = 0;
    for (const agent of manifest.agents) {
      for (const tool of spec.tools) {
        for (const agentStatus of ['active', 'contained'] as const) {
          const answer = fromTable.authorize(agent.name, server, tool.name, { agentStatus });
          expect(unordered(answer)).toEqual(unordered(cedar.authorize(agent.name, server, tool.name, { agentStatus })));
          if (answer.allowed) allowed++;
        }
      }
    }
    expect(allowed).toBeGreaterThan(0);
    // every answer came from the table: Cedar was never built behind it
    expect(fromTable.cachedDecisions).toBe(0);
    expect([...fromTable.policyIds].sort()).toEqual([...cedar.policyIds].sort());
  });

  it('applies a team forbid it was computed with (no writes on restricted data)', () => {
    const table = precomputeDecisions(manifest, { server: 'payments', extraPolicies: TEAM })!;
    const answer = createAuthorizer(manifest, { extraPolicies: TEAM, decisions: table }).authorize('fraud-agent', 'payments', 'flag_payment');
    expect(answer).toMatchObject({ allowed: false, policies: expect.arrayContaining(['no-writes-on-restricted']) });
  });

  it('refuses undeclared agents and tools without Cedar, with the reasons Cedar-backed authorization gives', () => {
    const table = precomputeDecisions(manifest, { server: 'commerce' })!;
    const fromTable = createAuthorizer(manifest, { decisions: table });
    const cedar = createAuthorizer(manifest);
    expect(fromTable.authorize('nobody', 'commerce', 'get_order')).toEqual(cedar.authorize('nobody', 'commerce', 'get_order'));
    expect(fromTable.authorize('support-agent', 'commerce', 'drop_tables')).toEqual({ allowed: false, reason: 'unknown tool "commerce/drop_tables"', policies: [] });
    expect(fromTable.cachedDecisions).toBe(0);
  });

  it("asks Cedar for a question outside the table (another server's tool)", () => {
    const table = precomputeDecisions(manifest, { server: 'commerce' })!;
    const fromTable = createAuthorizer(manifest, { decisions: table });
    expect(fromTable.authorize('fraud-agent', 'payments', 'get_payment')).toEqual(createAuthorizer(manifest).authorize('fraud-agent', 'payments', 'get_payment'));
    expect(fromTable.cachedDecisions).toBe(1);
  });

  it('is ignored when it was made for other policies or another manifest (a stale or edited table grants nothing)', () => {
    const table = precomputeDecisions(manifest, { server: 'commerce' })!;
    const key = decisionKey('tool', 'inventory-agent', 'commerce', 'get_customer');
    // a table edited to let the inventory agent read customers
    const forged: DecisionTable = { ...table, entries: { ...table.entries, [key]: [[1, [0]], [1, [0]]] } };
    expect(createAuthorizer(manifest, { decisions: forged }).authorize('inventory-agent', 'commerce', 'get_customer').allowed).toBe(true);
    // ...is not accepted for the manifest with a team policy, nor for a changed manifest
    expect(createAuthorizer(manifest, { decisions: forged, extraPolicies: TEAM }).authorize('inventory-agent', 'commerce', 'get_customer').allowed).toBe(false);
    const changed = { ...manifest, environment: 'staging' };
    expect(createAuthorizer(changed, { decisions: forged }).authorize('inventory-agent', 'commerce', 'get_customer').allowed).toBe(false);
  });

  it(`is not made when the server has more than ${MAX_TABLE_DECISIONS} decisions (Cedar evaluates at run time)`, () => {
    const many = { ...manifest, agents: Array.from({ length: 400 }, (_, i) => ({ ...manifest.agents[i % manifest.agents.length]!, name: `agent-${i}` })) };
    expect(precomputeDecisions(many, { server: 'commerce' })).toBeUndefined();
  });
});
