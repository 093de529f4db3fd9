import { readFileSync } from 'node:fs';
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { listSuppressions, suppress } from '../../../constructs/compliance';
import { newTestApp } from '../../lib/stacks/warden-test-app';

const REASON = 'Only the indexes of the one granted table; a Query on an index needs the index ARN.';

function wildcardPolicy() {
  const app = newTestApp();
  const stack = new Stack(app, 'S');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const policy = new iam.ManagedPolicy(stack, 'Policy', {
    roles: [role],
    statements: [new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: ['arn:aws:dynamodb:eu-west-1:111122223333:table/t/index/*'] })],
  });
  return { app, stack, role, policy };
}

describe('suppress', () => {
  it.each(['ok', 'n/a', 'false positive', 'by design', 'Not applicable here', '  '])('refuses the thin reason %j', (reason) => {
    const { policy } = wildcardPolicy();
    expect(() => suppress(policy, { rule: 'AwsSolutions-IAM5', reason })).toThrow(/too thin/);
  });

  it('refuses a whole stack or app, naming the path', () => {
    const { app, stack } = wildcardPolicy();
    expect(() => suppress(stack, { rule: 'AwsSolutions-IAM5', reason: REASON })).toThrow(/refusing to suppress on a whole stack.*Pass the resource/);
    expect(() => suppress(app, { rule: 'AwsSolutions-IAM5', reason: REASON })).toThrow(/whole app or stage/);
  });

  it('refuses a missing, unknown or pre-narrowed rule id', () => {
    const { policy } = wildcardPolicy();
    expect(() => suppress(policy, { rule: '', reason: REASON })).toThrow(/a rule id is required/);
    expect(() => suppress(policy, { rule: 'IAM5', reason: REASON })).toThrow(/not a rule id of a known pack/);
    expect(() => suppress(policy, { rule: 'AwsSolutions-IAM5[Action::*]', reason: REASON })).toThrow(/narrow it with appliesTo/);
    expect(() => suppress(policy, { rule: 'AwsSolutions-IAM5', reason: REASON, appliesTo: [] })).toThrow(/appliesTo is empty/);
  });

  it('records path, rule, namespaced id and reason, one record per finding', () => {
    const { app, policy, role } = wildcardPolicy();
    suppress(policy, { rule: 'AwsSolutions-IAM5', reason: REASON, appliesTo: ['Resource::a/*', 'Resource::b/*'] });
    suppress(role, { rule: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: 'The role has no inline policy; this record only exercises the registry here.' });
    expect(listSuppressions(app)).toEqual([
      { path: 'S/Role', rule: 'NIST.800.53.R5-IAMNoInlinePolicy', acknowledgedId: 'NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy', reason: expect.stringMatching(/registry/) },
      { path: 'S/Policy', rule: 'AwsSolutions-IAM5', acknowledgedId: 'AwsSolutions::AwsSolutions-IAM5[Resource::a/*]', reason: REASON, finding: 'Resource::a/*' },
      { path: 'S/Policy', rule: 'AwsSolutions-IAM5', acknowledgedId: 'AwsSolutions::AwsSolutions-IAM5[Resource::b/*]', reason: REASON, finding: 'Resource::b/*' },
    ]);
    expect(listSuppressions(role)).toHaveLength(1);
  });

  it('lets synth pass and keeps the reason in validation-report.json', () => {
    const { app, policy } = wildcardPolicy();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    suppress(policy, { rule: 'AwsSolutions-IAM5', reason: REASON, appliesTo: ['Resource::arn:aws:dynamodb:eu-west-1:111122223333:table/t/index/*'] });
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(`${assembly.directory}/validation-report.json`, 'utf8'));
    const aws = report.pluginReports.find((p: { pluginName?: string; summary?: { pluginName: string } }) => (p.summary?.pluginName ?? p.pluginName) === 'AwsSolutions');
    expect(aws.suppressedViolations).toEqual([
      expect.objectContaining({ ruleName: 'AwsSolutions-IAM5[Resource::arn:aws:dynamodb:eu-west-1:111122223333:table/t/index/*]', reason: REASON }),
    ]);
  });

  it('leaves an unsuppressed finding failing synth', () => {
    const { app } = wildcardPolicy();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});
