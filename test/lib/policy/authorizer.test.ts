import { AccessModel } from '../../../lib/policy/access-model';
import { createAuthorizer, PolicyValidationError } from '../../../lib/policy/authorizer';
import { cedarPolicies, FORBID_NOT_ACTIVE_ID, permitId } from '../../../lib/policy/cedar-policies';
import { defaultManifest } from './default-manifest';

const manifest = defaultManifest();
const model = new AccessModel(manifest);
const allTools = manifest.servers.flatMap((s) => s.tools.map((t) => ({ server: s.name, tool: t.name })));

describe('createAuthorizer (Cedar)', () => {
  const authorizer = createAuthorizer(manifest);

  it('decides every agent × every tool of the default manifest exactly as the AccessModel grants', () => {
    const granted = new Set(model.grants.map((g) => `${g.agent}:${g.server}/${g.tool}`));
    let checked = 0;
    for (const agent of manifest.agents) {
      for (const { server, tool } of allTools) {
        const decision = authorizer.authorize(agent.name, server, tool);
        expect({ call: `${agent.name}:${server}/${tool}`, allowed: decision.allowed }).toEqual({
          call: `${agent.name}:${server}/${tool}`,
          allowed: granted.has(`${agent.name}:${server}/${tool}`),
        });
        checked++;
      }
    }
    expect(checked).toBe(manifest.agents.length * allTools.length);
  });

  it('gives the same decisions with and without memoisation, for active and contained agents', () => {
    const uncached = createAuthorizer(manifest, { cache: false });
    for (const agent of manifest.agents) {
      for (const { server, tool } of allTools) {
        for (const agentStatus of ['active', 'contained'] as const) {
          expect(authorizer.authorize(agent.name, server, tool, { agentStatus })).toEqual(uncached.authorize(agent.name, server, tool, { agentStatus }));
        }
      }
    }
  });

  it('names the permit that allowed a call', () => {
    const decision = authorizer.authorize('support-agent', 'commerce', 'get_order');
    expect(decision.allowed).toBe(true);
    expect(decision.policies).toEqual([permitId({ agent: 'support-agent', server: 'commerce', tool: 'get_order' })]);
  });

  it('denies the inventory agent every payments action', () => {
    for (const tool of ['get_payment', 'flag_payment']) {
      const decision = authorizer.authorize('inventory-agent', 'payments', tool);
      expect(decision.allowed).toBe(false);
      expect(decision.reason).toMatch(/no policy permits/);
    }
  });

  it('refuses a contained agent even its own tools, by the structural forbid', () => {
    const decision = authorizer.authorize('support-agent', 'commerce', 'get_order', { agentStatus: 'contained' });
    expect(decision).toEqual({ allowed: false, reason: `forbidden by ${FORBID_NOT_ACTIVE_ID}`, policies: [FORBID_NOT_ACTIVE_ID] });
  });

  it('refuses unknown agents and tools without consulting team permits', () => {
    const permissive = createAuthorizer(manifest, { extraPolicies: ['permit (principal, action, resource);'], extraPolicyNames: ['open.cedar'] });
    expect(permissive.authorize('ghost-agent', 'commerce', 'get_order').allowed).toBe(false);
    expect(permissive.authorize('support-agent', 'commerce', 'drop_tables').allowed).toBe(false);
  });

  it('lets a team forbid file override a generated permit', () => {
    const teamRule = '@id("no-writes-on-restricted")\nforbid (principal, action, resource) when { resource.access == "write" && resource.dataClass == Warden::DataClass::"restricted" };';
    const withTeam = createAuthorizer(manifest, { extraPolicies: [teamRule], extraPolicyNames: ['team/no-restricted-writes.cedar'] });
    const decision = withTeam.authorize('fraud-agent', 'payments', 'flag_payment');
    expect(decision).toEqual({ allowed: false, reason: 'forbidden by no-writes-on-restricted', policies: ['no-writes-on-restricted'] });
    expect(withTeam.authorize('fraud-agent', 'payments', 'get_payment').allowed).toBe(true);
  });

  it('lets a team forbid compare data-class ranks through the entity graph', () => {
    const teamRule = 'forbid (principal, action, resource) when { resource.dataClass.rank > principal.clearance.rank };';
    const withTeam = createAuthorizer(manifest, { extraPolicies: [teamRule] });
    // support-agent (confidential) may read orders (confidential) and the catalog (public)
    expect(withTeam.authorize('support-agent', 'commerce', 'get_order').allowed).toBe(true);
    const reasons = manifest.agents.flatMap((a) => a.tools.map((ref) => ref.split('/') as [string, string]).map(([s, t]) => withTeam.authorize(a.name, s, t)));
    expect(reasons.every((r) => r.allowed)).toBe(true); // the default manifest grants nothing above clearance
  });

  it('rejects a team policy naming an attribute the schema lacks, with file, line and a hint', () => {
    const bad = '// team rule\nforbid (principal, action, resource)\nwhen { resource.owner == "x" };';
    expect(() => createAuthorizer(manifest, { extraPolicies: [bad], extraPolicyNames: ['team/owner.cedar'] })).toThrow(PolicyValidationError);
    expect(() => createAuthorizer(manifest, { extraPolicies: [bad], extraPolicyNames: ['team/owner.cedar'] })).toThrow(
      /guard\.policies\[0\] \(team\/owner\.cedar\) at line 3, column \d+: .*attribute `owner` on entity type `Warden::Tool` not found.*did you mean `server`/,
    );
  });

  it('rejects a team policy that does not parse, naming the line', () => {
    expect(() => createAuthorizer(manifest, { extraPolicies: ['forbid (principal, action resource);'] })).toThrow(/guard\.policies\[0\] at line 1, column \d+: .*unexpected token/);
  });

  it('reports every bad policy file at once', () => {
    const problemsOf = (texts: string[]): string[] => {
      try {
        createAuthorizer(manifest, { extraPolicies: texts });
      } catch (err) {
        if (err instanceof PolicyValidationError) return err.problems.map((p) => p.slice(0, 'guard.policies[0]'.length)).sort();
      }
      return [];
    };
    expect(problemsOf(['forbid (principal, action resource);', 'permit (principal action, resource);'])).toEqual(['guard.policies[0]', 'guard.policies[1]']);
    expect(problemsOf(['forbid (principal, action, resource) when { context.a == 1 };', 'permit (principal, action, resource) when { context.b };'])).toEqual(['guard.policies[0]', 'guard.policies[1]']);
  });

  it('rejects a team policy reusing a generated policy id', () => {
    expect(() => createAuthorizer(manifest, { extraPolicies: [`@id("${FORBID_NOT_ACTIVE_ID}")\npermit (principal, action, resource);`] })).toThrow(/already used by a generated policy/);
  });
});

describe('cedarPolicies', () => {
  it('writes one permit per grant plus the structural forbid', () => {
    const text = cedarPolicies(manifest);
    expect(text.match(/^permit \(/gm)).toHaveLength(model.grants.length + model.promptGrants.length);
    expect(text).toContain(`@id("${FORBID_NOT_ACTIVE_ID}")`);
    expect(text).toContain('principal == Warden::Agent::"fraud-agent"');
    expect(text).toContain('resource.dataClass == Warden::DataClass::"restricted" && resource.access == "write"');
  });
});
