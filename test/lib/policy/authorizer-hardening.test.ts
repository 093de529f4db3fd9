/** Authorizer properties found untested in review: bounded memory and fail-closed oddities. */
import { createAuthorizer } from '../../../lib/policy/authorizer';
import { defaultManifest } from './default-manifest';

const manifest = defaultManifest();

describe('createAuthorizer: memory and odd input', () => {
  it('memoises at most agents × tools × 2 decisions, whatever names and statuses callers send', () => {
    const authorizer = createAuthorizer(manifest);
    authorizer.authorize('support-agent', 'commerce', 'get_order');
    for (let i = 0; i < 2000; i++) {
      authorizer.authorize('support-agent', 'commerce', `tool-${i}`);
      authorizer.authorize(`agent-${i}`, 'commerce', 'get_order');
      authorizer.authorize('support-agent', 'commerce', 'get_order', { agentStatus: `status-${i}` as never });
    }
    const tools = manifest.servers.reduce((n, s) => n + s.tools.length, 0);
    expect(authorizer.cachedDecisions).toBeLessThanOrEqual(manifest.agents.length * tools * 2);
    expect(authorizer.cachedDecisions).toBe(1);
  });

  it('refuses any status other than exactly "active"', () => {
    const authorizer = createAuthorizer(manifest);
    for (const status of ['Active', 'ACTIVE', 'active ', '', 'released']) {
      expect(authorizer.authorize('support-agent', 'commerce', 'get_order', { agentStatus: status as never }).allowed).toBe(false);
    }
    expect(authorizer.authorize('support-agent', 'commerce', 'get_order', { agentStatus: 'active' }).allowed).toBe(true);
  });

  it.each([
    ['a tool name carrying the server', 'commerce', 'commerce/get_order'],
    ['the server split differently', 'commerce/get_order', ''],
    ['a prototype key as tool', 'commerce', '__proto__'],
    ['an upper-case tool', 'commerce', 'GET_ORDER'],
  ])('refuses %s', (_name, server, tool) => {
    expect(createAuthorizer(manifest).authorize('support-agent', server, tool).allowed).toBe(false);
  });

  it.each([
    ['another agent name as prefix', 'support-agent-x'],
    ['a prototype key as agent', 'constructor'],
    ['an upper-case agent', 'SUPPORT-AGENT'],
  ])('refuses %s even under a team wildcard permit', (_name, agent) => {
    const authorizer = createAuthorizer(manifest, { extraPolicies: ['permit (principal, action, resource);'] });
    expect(authorizer.authorize(agent, 'commerce', 'get_order').allowed).toBe(false);
  });
});
