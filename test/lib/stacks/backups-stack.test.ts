import { Template } from 'aws-cdk-lib/assertions';
import { buildWardenStacks } from '../../../lib/stacks';
import { defaultManifest, newTestApp } from './warden-test-app';

type Json = Record<string, any>;

describe('the backups stack in the default app', () => {
  const stacks = buildWardenStacks(newTestApp(), defaultManifest());
  const backups = Template.fromStack(stacks.backups);
  const monitoring = Template.fromStack(stacks.monitoring);
  const alarms = Object.values(backups.findResources('AWS::CloudWatch::Alarm')) as Json[];

  it('raises the missed and failed backup alarms, and only those', () => {
    expect(alarms.map((a) => a.Properties.AlarmName).sort()).toEqual(['warden/shop-prod/high/deployment/backup/failed', 'warden/shop-prod/high/deployment/backup/missed']);
  });

  it('sends both to the alert topic the monitoring stack creates (same name, account and region), on alarm and on recovery', () => {
    const topics = Object.values(monitoring.findResources('AWS::SNS::Topic')) as Json[];
    expect(topics).toHaveLength(1);
    const topicName = topics[0]!.Properties.TopicName as string;
    const arnOfTopic = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${topicName}`]] };
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([arnOfTopic]);
      expect(alarm.Properties.OKActions).toEqual([arnOfTopic]);
    }
    expect(stacks.backups.environment).toBe(stacks.monitoring.environment);
    // the topic exists before the alarms point at it
    expect(stacks.backups.dependencies).toContain(stacks.monitoring);
  });

  it('holds the MFA-gated admin role and the backup function role, both bounded', () => {
    const roles = Object.values(backups.findResources('AWS::IAM::Role')) as Json[];
    const named = (name: string) => roles.find((r) => r.Properties.RoleName === name)!;
    expect(named('shop-prod-warden-admin').Properties.AssumeRolePolicyDocument.Statement[0].Condition.Bool).toEqual({ 'aws:MultiFactorAuthPresent': 'true' });
    expect(named('shop-prod-warden-admin').Properties.PermissionsBoundary).toBeDefined();
    expect(named('shop-prod-backup').Properties.PermissionsBoundary).toBeDefined();
  });
});
