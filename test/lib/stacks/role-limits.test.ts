import { Template } from 'aws-cdk-lib/assertions';
import { AccessModel } from '../../../lib/policy/access-model';
import { buildWardenStacks, checkRoleLimits, MAX_SERVER_TAGS_PER_AGENT, roleLimitProblems, RoleLimitError } from '../../../lib/stacks';
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

describe('IAM role limits of agents', () => {
  it('accepts an agent with tools on 10 servers: 10 invoke policies on its caller role', () => {
    expect(roleLimitProblems(new AccessModel(manifestWithServers(10)))).toEqual([]);
  });

  it('refuses an agent with tools on 11 servers, naming it, the 10-policy limit and the fix', () => {
    const problems = roleLimitProblems(new AccessModel(manifestWithServers(11)));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^agent "wide-agent" has tools on 11 servers/);
    expect(problems[0]).toMatch(/at most 10 managed policies to a role/);
    expect(problems[0]).toMatch(/give it tools on at most 10 servers .* or raise that quota \(up to 20\) and synth with -c managedPoliciesPerRole=N/);
  });

  it('accepts 11 servers once the account has raised its managed-policy quota', () => {
    expect(roleLimitProblems(new AccessModel(manifestWithServers(11)), { managedPoliciesPerRole: 20 })).toEqual([]);
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
      buildWardenStacks(app, { manifest: manifestWithServers(12) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RoleLimitError);
    expect((error as RoleLimitError).problems).toHaveLength(1);
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

  it('refuses a managed-policy quota IAM cannot grant', () => {
    const model = new AccessModel(manifestWithServers(1));
    for (const bad of [0, 21, 2.5, Number.NaN]) expect(() => checkRoleLimits(model, { managedPoliciesPerRole: bad })).toThrow(/managedPoliciesPerRole must be a whole number from 1 to 20/);
  });
});
