import { accountQuotaWarnings, buildWardenStacks, lambdaConcurrencyWarnings, policySizeProblems, RoleLimitError, renderWorstCase } from '../../../lib/stacks';
import { defaultManifest, newTestApp, testManifest } from './warden-test-app';

/** A manifest whose agent `hoarder` reads and writes `datasets` datasets through one server. */
function hoarder(datasets: number) {
  const base = testManifest();
  const names = Array.from({ length: datasets }, (_, i) => `dataset-${String(i).padStart(2, '0')}`);
  return testManifest({
    datasets: names.map((name) => ({ name, class: 'confidential' })),
    servers: [{ name: 'warehouse', entry: 'tools.ts', tools: names.flatMap((d) => [{ name: `read_${d.replace(/-/g, '_')}`, dataset: d, access: 'read' as const }, { name: `write_${d.replace(/-/g, '_')}`, dataset: d, access: 'write' as const }]) }],
    agents: [{ ...base.agents[1]!, name: 'hoarder', tools: names.flatMap((d) => [`warehouse/read_${d.replace(/-/g, '_')}`, `warehouse/write_${d.replace(/-/g, '_')}`]) }],
  });
}

describe('per-document limits at synth', () => {
  it('fails synth for an agent whose data policy passes IAM\'s 6,144 characters, naming the agent and the limit', () => {
    let error: unknown;
    try {
      buildWardenStacks(newTestApp(), { manifest: hoarder(16) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RoleLimitError);
    const problems = (error as RoleLimitError).problems.filter((p) => /managed policy/.test(p));
    expect(problems).toEqual([expect.stringMatching(/^agent "hoarder": the managed policy of .*DataPolicy.* is up to [\d,]+ characters, over the limit of 6,144; .*cannot be raised: grant the agent fewer datasets/)]);
  });

  it('lets an agent with a few datasets through', () => {
    expect(() => buildWardenStacks(newTestApp(), { manifest: hoarder(3) })).not.toThrow();
  });

  it('finds nothing over any limit in the default app', () => {
    const stacks = buildWardenStacks(newTestApp(), defaultManifest());
    expect(policySizeProblems(stacks.all)).toEqual([]);
  });

  it('measures documents with every token at its longest, never below the deployed size', () => {
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/x']] };
    expect(renderWorstCase(arn)).toBe('arn:aws-us-gov:iam::123456789012:role/x');
    expect(String(renderWorstCase({ 'Fn::GetAtt': ['Table', 'Arn'] })).length).toBeGreaterThan('arn:aws:dynamodb:eu-west-1:123456789012:table/shop-prod-payments'.length);
  });
});

describe('account quotas in the synth summary', () => {
  it('says nothing while the stacks take under 80 % of the default quotas', () => {
    expect(accountQuotaWarnings({ roles: 799, managedPolicies: 1199 })).toEqual([]);
  });

  it('warns with the count, the default quota and how to raise it (about 497 agents: 2 roles each plus the kit\'s own)', () => {
    const [warning] = accountQuotaWarnings({ roles: 2 * 497 + 8, managedPolicies: 600 });
    expect(warning).toMatch(/^IAM roles: these stacks create 1,002, more than the account's quota \(the default quota is 1,000;/);
    expect(warning).toMatch(/Raise "Roles per account" in Service Quotas \(IAM, up to 5,000\) before deploying, then synth with -c iamRoleQuota=N/);
    expect(accountQuotaWarnings({ roles: 100, managedPolicies: 1300 })).toEqual([expect.stringMatching(/^IAM customer managed policies: these stacks create 1,300, 87 % of .*default quota is 1,500.*-c managedPolicyQuota=N/)]);
  });

  it('uses a raised quota given with -c iamRoleQuota=N, and refuses one IAM cannot have', () => {
    expect(accountQuotaWarnings({ roles: 1002, managedPolicies: 0 }, { iamRoleQuota: 3000 })).toEqual([]);
    expect(accountQuotaWarnings({ roles: 2900, managedPolicies: 0 }, { iamRoleQuota: 3000 })[0]).toMatch(/the quota you gave is 3,000/);
    expect(accountQuotaWarnings({ roles: 1, managedPolicies: 0 }, { iamRoleQuota: 9000 })).toEqual([expect.stringMatching(/-c iamRoleQuota=9000 is not a quota IAM can have \(1 to 5,000\)/)]);
  });
});

describe('reserved Lambda concurrency in the synth summary', () => {
  it('says nothing for the default app (2 servers x 50 of the 900 a default account may reserve)', () => {
    expect(lambdaConcurrencyWarnings(2 * 50 + 1)).toEqual([]);
  });

  it('warns past 80 % of what the account may reserve, naming the quota and both ways out', () => {
    expect(lambdaConcurrencyWarnings(15 * 50)).toEqual([expect.stringMatching(/^Lambda reserved concurrency: these stacks reserve 750, 83 % of the 900 the account may reserve \(the default quota is 1,000, of which Lambda keeps 100 unreserved.*-c lambdaConcurrencyQuota=N, or set smaller servers\[\]\.reservedConcurrency/)]);
    expect(lambdaConcurrencyWarnings(20 * 50)[0]).toMatch(/reserve 1,000, more than the 900/);
  });

  it('uses a raised quota, and refuses one reservations cannot fit in', () => {
    expect(lambdaConcurrencyWarnings(1000, 5000)).toEqual([]);
    expect(lambdaConcurrencyWarnings(4000, 5000)[0]).toMatch(/the quota you gave is 5,000/);
    expect(lambdaConcurrencyWarnings(1, 50)).toEqual([expect.stringMatching(/-c lambdaConcurrencyQuota=50 is not a concurrency quota/)]);
  });
});
