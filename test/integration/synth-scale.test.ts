/**
 * 1,000 agents: identities are sharded so every stack stays under CloudFormation's 500
 * resources and 1 MB template (CloudFormation quotas). Validation is off here for speed; the
 * default-app test covers compliance.
 */
import { buildWardenStacks } from '../../lib/stacks';
import { stackCounts } from '../../lib/stacks/synth-summary';
import { newTestApp, testManifest } from '../lib/stacks/warden-test-app';

const AGENTS = 1000;

describe(`synthesizing ${AGENTS} agents`, () => {
  const previous = process.env.CDK_VALIDATION;
  beforeAll(() => (process.env.CDK_VALIDATION = 'false'));
  afterAll(() => (previous === undefined ? delete process.env.CDK_VALIDATION : (process.env.CDK_VALIDATION = previous)));

  it('keeps every stack under 500 resources and 1 MB', () => {
    const base = testManifest();
    const tools = ['commerce/search_products', 'commerce/update_price', 'commerce/get_order', 'payments/get_payment'];
    const agents = Array.from({ length: AGENTS }, (_, i) => ({ ...base.agents[0]!, name: `agent-${String(i).padStart(4, '0')}`, tools: tools.slice(0, 1 + (i % tools.length)) }));
    const started = Date.now();
    const app = newTestApp();
    const stacks = buildWardenStacks(app, { manifest: { ...base, agents } });
    const counts = stackCounts(app.synth());
    const seconds = (Date.now() - started) / 1000;

    expect(stacks.identities.length).toBe(Math.ceil(AGENTS / 100));
    expect(stacks.identities.reduce((n, s) => n + s.identities.length, 0)).toBe(AGENTS);
    expect(counts.reduce((n, c) => n + c.roles, 0)).toBe(2 * AGENTS + 1); // + the backup role
    for (const c of counts) {
      expect(c.resources).toBeLessThan(500);
      expect(c.templateBytes).toBeLessThan(1024 * 1024);
    }
    const largest = counts.reduce((a, b) => (b.templateBytes > a.templateBytes ? b : a));
    process.stdout.write(`scale: ${AGENTS} agents, ${counts.length} stacks, largest ${largest.name} ${largest.resources} resources ${(largest.templateBytes / 1024).toFixed(0)} KB, synth ${seconds.toFixed(1)} s\n`);
  });
});
