import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WardenTrail } from '../../../constructs/monitoring';
import { newTestApp } from '../../lib/stacks/warden-test-app';

const props = { project: 'shop', environment: 'prod', functionArns: ['arn:aws:lambda:eu-west-1:111122223333:function:shop-prod-commerce-mcp'], tableArns: [] };

describe('WardenTrail', () => {
  it('refuses a log retention under 400 days, naming the manifest field', () => {
    expect(() => new WardenTrail(new Stack(newTestApp()), 'T', { ...props, logRetentionDays: 365 })).toThrow(/logRetentionDays 365 is under 400; .*trail\.logRetentionDays/);
  });

  it('refuses more functions and tables than CloudTrail\'s 500 selector values, pointing to a brought trail', () => {
    const tableArns = Array.from({ length: 500 }, (_, i) => `arn:aws:dynamodb:eu-west-1:111122223333:table/t${i}`);
    expect(() => new WardenTrail(new Stack(newTestApp()), 'T', { ...props, tableArns })).toThrow(/501 functions and tables exceed CloudTrail's 500 event-selector values; bring your own trail \(trail\.logGroupName\)/);
  });

  it('lets CloudTrail use its key only for this trail, and deliver to its log group through a managed policy only', () => {
    const stack = new Stack(newTestApp());
    new WardenTrail(stack, 'T', props);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'CloudTrailEncryptsThisTrail', Condition: Match.objectLike({ StringEquals: { 'aws:SourceArn': Match.anyValue() } }) })]) },
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })] } });
    t.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceArn': Match.anyValue() } } })] } });
  });

  it('locks a throw-away environment\'s logs in governance mode for one day, so the stack can be destroyed', () => {
    const stack = new Stack(newTestApp());
    new WardenTrail(stack, 'T', { ...props, environment: 'dev' });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } } });
  });
});
