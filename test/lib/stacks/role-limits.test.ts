import { Template } from 'aws-cdk-lib/assertions';
import { AccessModel } from '../../../lib/policy/access-model';
import { buildWardenStacks, checkRoleLimits, dataRoleTrustChars, MAX_SERVER_TAGS_PER_AGENT, roleLimitProblems, RoleLimitError } from '../../../lib/stacks';
import { RESERVED_ROLE_TAGS } from '../../../lib/stacks/role-limits';
import { defaultManifest, newTestApp, testManifest } from './warden-test-app';

/** A manifest where "wide-agent" has one tool on each of `servers` servers and "narrow-agent" on one. */
function manifestWithServers(servers: number) {
  const names = Array.from({ length: servers }, (_, i) => `srv${i + 1}`);
  return testManifest({
    datasets: [{ name: 'catalog', class: 'public' }],
    servers: names.map((name) => ({ name, entry: 'tools.ts', tools: [{ name: 'search', dataset: 'catalog', access: 'read' as const }] })),
    agents: [
      { name: 'wide-agent', owner: 'a@shop.example', reviewedOn: '2026-11-01', clearance: 'public', assumedBy: { service: 'lambda.amazonaws.com' }, tools: names.map((n) => `${n}/search`) },
      { name: 'narrow-agent', owner: 'b@shop.example', reviewedOn: '2026-11-01', clearance: 'public', assumedBy: { service: 'lambda.amazonaws.com' }, tools: ['srv1/search'] },
    ],
  });
}

/** The problems about one limit only (an agent on many servers also passes the trust length). */
const about = (problems: string[], text: string) => problems.filter((p) => p.includes(text));

describe('IAM role limits of agents', () => {
  it('accepts an agent with tools on 10 servers as far as invoke policies go: 10 on its caller role', () => {
    expect(about(roleLimitProblems(new AccessModel(manifestWithServers(10))), 'managed policies')).toEqual([]);
  });

  it('refuses an agent with tools on 11 servers, naming it, the 10-policy limit and the fix', () => {
    const problems = about(roleLimitProblems(new AccessModel(manifestWithServers(11))), 'managed policies');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^agent "wide-agent" has tools on 11 servers/);
    expect(problems[0]).toMatch(/at most 10 managed policies to a role/);
    expect(problems[0]).toMatch(/give it tools on at most 10 servers .* or raise that quota \(up to 20\) and synth with -c managedPoliciesPerRole=N/);
  });

  it('accepts 11 servers once the account has raised its managed-policy quota', () => {
    expect(about(roleLimitProblems(new AccessModel(manifestWithServers(11)), { managedPoliciesPerRole: 20 }), 'managed policies')).toEqual([]);
  });

  it(`refuses an agent with tools on more than ${MAX_SERVER_TAGS_PER_AGENT} servers: its roles would pass 50 tags`, () => {
    const problems = roleLimitProblems(new AccessModel(manifestWithServers(MAX_SERVER_TAGS_PER_AGENT + 1)), { managedPoliciesPerRole: 20 });
    const tags = problems.find((p) => p.includes('server tags'));
    expect(tags).toMatch(new RegExp(`^agent "wide-agent" has tools on ${MAX_SERVER_TAGS_PER_AGENT + 1} servers, but its roles can carry at most ${MAX_SERVER_TAGS_PER_AGENT} server tags \\(IAM allows 50 tags per role`));
    expect(tags).toMatch(new RegExp(`give it tools on at most ${MAX_SERVER_TAGS_PER_AGENT} servers`));
    expect(problems.join('\n')).not.toContain('narrow-agent');
  });

  it('stops buildWardenStacks with every problem at once, before any stack exists', () => {
    const app = newTestApp();
    let error: unknown;
    try {
      buildWardenStacks(app, { manifest: manifestWithServers(12) }, { trustPolicyChars: 4096 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RoleLimitError);
    expect((error as RoleLimitError).problems).toHaveLength(2); // invoke policies and trust length
    expect((error as Error).message).toContain('"wide-agent" has tools on 12 servers');
    expect(app.node.children).toHaveLength(0);
  });

  it('reserves room for every tag an agent role carries besides its server tags, and 3 more', () => {
    const stacks = buildWardenStacks(newTestApp(), defaultManifest());
    const roles = Object.values(Template.fromStack(stacks.identities[0]!).findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      const other = (role.Properties.Tags as { Key: string }[]).filter((t) => !t.Key.startsWith('warden:server-'));
      expect(other.length + 3).toBeLessThanOrEqual(RESERVED_ROLE_TAGS);
    }
  });

  it('accepts an agent on 4 servers within the default 2,048-character trust policy, and refuses 5, naming the quota and the fix', () => {
    expect(roleLimitProblems(new AccessModel(manifestWithServers(4)))).toEqual([]);
    const problems = roleLimitProblems(new AccessModel(manifestWithServers(5)));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^agent "wide-agent" has tools on 5 servers, and its data role trusts each server's function role .* up to \d+ characters, but IAM allows 2048/);
    expect(problems[0]).toMatch(/raise that quota \(up to 4096\) and synth with -c trustPolicyChars=N/);
    expect(roleLimitProblems(new AccessModel(manifestWithServers(9)), { trustPolicyChars: 4096 })).toEqual([]);
  });

  it('estimates the data-role trust exactly as synthesized, rendered with the longest partition', () => {
    const stacks = buildWardenStacks(newTestApp(), defaultManifest());
    for (const agent of stacks.model.manifest.agents) {
      const role = Object.values(Template.fromStack(stacks.identities[0]!).findResources('AWS::IAM::Role', { Properties: { RoleName: `shop-prod-${agent.name}-data` } }))[0]!;
      const rendered = JSON.stringify(role.Properties.AssumeRolePolicyDocument, (_k, v) =>
        v && typeof v === 'object' && 'Fn::Join' in v ? (v['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : ({ 'AWS::Partition': 'aws-us-gov', 'AWS::AccountId': '123456789012' } as Record<string, string>)[(p as { Ref: string }).Ref])).join('') : v,
      );
      const servers = [...new Set(stacks.model.grantsOf(agent.name).map((g) => g.server))];
      expect({ agent: agent.name, estimate: dataRoleTrustChars('shop', 'prod', agent.name, servers) }).toEqual({ agent: agent.name, estimate: rendered.length });
    }
  });

  it('refuses a managed-policy quota IAM cannot grant', () => {
    const model = new AccessModel(manifestWithServers(1));
    for (const bad of [0, 21, 2.5, Number.NaN]) expect(() => checkRoleLimits(model, { managedPoliciesPerRole: bad })).toThrow(/managedPoliciesPerRole must be a whole number from 1 to 20/);
    for (const bad of [1024, 5000, 2048.5]) expect(() => checkRoleLimits(model, { trustPolicyChars: bad })).toThrow(/trustPolicyChars must be a whole number from 2048 to 4096/);
  });
});
