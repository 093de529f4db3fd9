import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ConfigBackup, missedBackupWindow } from '../../../constructs/config-backup';
import type { ManifestInput } from '../../../lib/config/schema';
import { newTestApp, ROOT, testManifest } from '../../lib/stacks/warden-test-app';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Principal?: unknown; Condition?: Record<string, Record<string, unknown>>; Resource?: unknown };

function build(overrides: Partial<ManifestInput> = {}) {
  const stack = new Stack(newTestApp(), 'Backups', { env: { account: '111122223333', region: 'eu-west-1' } });
  const backup = new ConfigBackup(stack, 'ConfigBackup', { manifest: testManifest(overrides), manifestDir: ROOT });
  const template = Template.fromStack(stack);
  return { stack, backup, template };
}

function resourceOf(template: Template, type: string, match: Record<string, unknown> = {}): Record<string, any> {
  const found = Object.values(template.findResources(type, match));
  expect(found).toHaveLength(1);
  return found[0]!.Properties;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('ConfigBackup', () => {
  describe('backup key', () => {
    const { template, stack, backup } = build();
    const key = resourceOf(template, 'AWS::KMS::Key', { Properties: Match.objectLike({ Description: Match.stringLikeRegexp('configuration snapshots') }) });
    const statements = key.KeyPolicy.Statement as Statement[];
    const sid = (id: string) => statements.find((s) => s.Sid === id)!;

    it('is customer-managed, rotating, retained, with the alias the CLI looks up', () => {
      expect(key.EnableKeyRotation).toBe(true);
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ Description: Match.stringLikeRegexp('configuration snapshots') }) });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shop-prod-backups' });
    });

    it('has no statement granting kms:* and lets only the MFA statements decrypt', () => {
      expect(statements.some((s) => actionsOf(s).includes('kms:*'))).toBe(false);
      const decrypting = statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a === 'kms:Decrypt' || a === 'kms:Decrypt*'));
      expect(decrypting.map((s) => s.Sid).sort()).toEqual(['RestorersDecryptWithMfa', 'RestorersReadThroughS3WithMfa']);
      for (const s of decrypting) expect(s.Condition!.Bool).toEqual({ 'aws:MultiFactorAuthPresent': 'true' });
      expect(sid('RestorersDecryptWithMfa').Condition!.StringEquals).toEqual({ 'kms:EncryptionContext:warden:project': 'shop', 'kms:EncryptionContext:warden:environment': 'prod' });
    });

    it('denies decrypt without MFA to everyone, and every grant', () => {
      expect(sid('NoDecryptWithoutMfa')).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: ['kms:Decrypt', 'kms:ReEncrypt*'], Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } });
      expect(sid('NoGrants')).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant' });
    });

    it('lets the backup function only ask for data keys under the project context (or through S3 for its bucket)', () => {
      const role = stack.resolve(stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'shop-prod-backup' }));
      const mine = statements.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: role }));
      expect(mine.map((s) => s.Sid).sort()).toEqual(['BackupFunctionEncryptsWithTheProjectContext', 'BackupFunctionWritesThroughS3']);
      for (const s of mine) expect(s.Action).toBe('kms:GenerateDataKey');
      expect(sid('BackupFunctionEncryptsWithTheProjectContext').Condition).toEqual({
        StringEquals: { 'kms:EncryptionContext:warden:project': 'shop', 'kms:EncryptionContext:warden:environment': 'prod' },
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['warden:project', 'warden:environment', 'warden:snapshot', 'warden:digest', 'aws-crypto-public-key'] },
        Null: { 'kms:EncryptionContext:warden:snapshot': 'false', 'kms:EncryptionContext:warden:digest': 'false' },
      });
      expect(sid('BackupFunctionWritesThroughS3').Condition!.StringEquals).toEqual({ 'kms:ViaService': 's3.eu-west-1.amazonaws.com' });
    });

    it('requires MFA for key administration, except for the deployment role', () => {
      expect(sid('KeyAdministrationWithMfa').Condition).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
      expect(actionsOf(sid('KeyAdministrationWithMfa'))).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey']));
      expect(actionsOf(sid('KeyAdministrationWithMfa')).some((a) => /Decrypt|Encrypt|GenerateDataKey|CreateGrant/.test(a))).toBe(false);
      expect(sid('KeyAdministrationByTheDeployment').Condition).toEqual({
        ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/cdk-*-cfn-exec-role-111122223333-*'] },
      });
      expect(backup.key.node.dependencies).toContain(backup.functionRole);
    });
  });

  describe('backup bucket', () => {
    it('is versioned, Object Locked in compliance mode for backups.retainDays, SSE-KMS with the backup key, public access blocked, access-logged', () => {
      const { template, stack, backup } = build({ backups: { schedule: 'rate(12 hours)', retainDays: 90 } });
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BucketName: 'shop-prod-backups-111122223333',
          VersioningConfiguration: { Status: 'Enabled' },
          ObjectLockEnabled: true,
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 90 } } },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: false, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: stack.resolve(backup.key.keyArn) } }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          LoggingConfiguration: { DestinationBucketName: stack.resolve(backup.accessLogsBucket.bucketName), LogFilePrefix: 'backups/' },
          LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 91 })] },
        }),
      });
    });

    it('refuses anything but TLS', () => {
      const { template, stack, backup } = build();
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: stack.resolve(backup.bucket.bucketName),
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it('is not replicated unless the manifest names a destination', () => {
      const { template } = build();
      expect(resourceOf(template, 'AWS::S3::Bucket', { Properties: Match.objectLike({ ObjectLockEnabled: true }) }).ReplicationConfiguration).toBeUndefined();
    });

    it('replicates to the manifest\'s bucket and key, and lets the replication role decrypt through S3 only', () => {
      const { template, stack, backup } = build({
        backups: { replicateTo: { bucketArn: 'arn:aws:s3:::shop-prod-backups-dr', kmsKeyArn: 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab', accountId: '444455556666' } },
      });
      const bucket = resourceOf(template, 'AWS::S3::Bucket', { Properties: Match.objectLike({ ObjectLockEnabled: true }) });
      expect(bucket.ReplicationConfiguration.Rules).toEqual([
        expect.objectContaining({
          Status: 'Enabled',
          Destination: expect.objectContaining({ Bucket: 'arn:aws:s3:::shop-prod-backups-dr', Account: '444455556666', EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab' } }),
          SourceSelectionCriteria: expect.objectContaining({ SseKmsEncryptedObjects: { Status: 'Enabled' } }),
        }),
      ]);
      const keyPolicy = resourceOf(template, 'AWS::KMS::Key', { Properties: Match.objectLike({ Description: Match.stringLikeRegexp('configuration snapshots') }) }).KeyPolicy.Statement as Statement[];
      const replication = keyPolicy.find((s) => s.Sid === 'ReplicationReadsThroughS3')!;
      expect(replication.Principal).toEqual({ AWS: stack.resolve((backup.node.findChild('ReplicationRole') as iam.Role).roleArn) });
      expect(replication.Condition!.StringEquals).toEqual({ 'kms:ViaService': 's3.eu-west-1.amazonaws.com' });
      expect(keyPolicy.find((s) => s.Sid === 'NoDecryptWithoutMfa')!.Condition!.ArnNotEquals).toEqual({ 'aws:PrincipalArn': replication.Principal && (replication.Principal as { AWS: unknown }).AWS });
    });
  });

  describe('backup function', () => {
    const { template, stack, backup } = build();
    const policy = resourceOf(template, 'AWS::IAM::ManagedPolicy', { Properties: Match.objectLike({ Description: Match.stringLikeRegexp('put encrypted snapshots') }) });
    const statements = policy.PolicyDocument.Statement as Statement[];
    const actions = statements.flatMap(actionsOf);

    it('runs on backups.schedule from EventBridge Scheduler, with retries, through a role that may only invoke it', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 day)',
        State: 'ENABLED',
        Target: { Arn: stack.resolve(backup.function.functionArn), RoleArn: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } },
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: { Statement: [{ Sid: 'InvokeTheBackupFunction', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: stack.resolve(backup.function.functionArn) }] },
      });
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }] },
      });
    });

    it('may only read (describe, get, list, scan) plus put snapshots and ask for data keys: no IAM, KMS or DynamoDB write', () => {
      const writes = actions.filter((a) => !/^(iam|kms|apigateway|cloudwatch|dynamodb|s3|logs|xray):(Get|List|Describe|Scan|GET)/.test(a));
      expect(writes.sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:PutObject', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      // its only decrypt is DynamoDB reading the kill-switch table
      expect(statements.find((s) => actionsOf(s).includes('kms:Decrypt'))!.Condition).toEqual({
        StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:dynamodb:tableName': 'shop-prod-agent-status' },
      });
    });

    it('reads IAM only on warden roles and policies, keys only when tagged for this deployment', () => {
      const arn = (resource: string) => `arn:aws:iam::111122223333:${resource}`;
      expect(statements.find((s) => s.Sid === 'ReadWardenRoles')!.Resource).toEqual(arn('role/shop-prod-*'));
      expect(statements.find((s) => s.Sid === 'ReadWardenPolicies')!.Resource).toEqual(arn('policy/shop-prod-*'));
      expect(statements.find((s) => s.Sid === 'ReadWardenKeys')!.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/warden:project': 'shop', 'aws:ResourceTag/warden:environment': 'prod' } });
      expect(statements.find((s) => s.Sid === 'PutSnapshots')!.Resource).toEqual([
        'arn:aws:s3:::shop-prod-backups-111122223333/index/*',
        'arn:aws:s3:::shop-prod-backups-111122223333/snapshots/*',
      ]);
    });

    it('carries a boundary listing exactly those actions', () => {
      const role = resourceOf(template, 'AWS::IAM::Role', { Properties: Match.objectLike({ RoleName: 'shop-prod-backup' }) });
      expect(role.PermissionsBoundary).toEqual(stack.resolve(backup.functionBoundary.managedPolicyArn));
      expect(role.MaxSessionDuration).toBe(3600);
      const boundary = resourceOf(template, 'AWS::IAM::ManagedPolicy', { Properties: Match.objectLike({ Description: Match.stringLikeRegexp('boundary of the backup function') }) });
      expect(boundary.PolicyDocument.Statement).toEqual([{ Sid: 'OnlyWhatABackupDoes', Effect: 'Allow', Action: [...new Set(actions)].sort(), Resource: '*' }]);
    });

    it('runs one at a time, traced, logging to a KMS-encrypted group, with the bucket and key it writes to', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        ReservedConcurrentExecutions: 1,
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: Match.objectLike({ WARDEN_BACKUP_BUCKET: 'shop-prod-backups-111122223333', WARDEN_BACKUP_KEY_ARN: stack.resolve(backup.key.keyArn) }) },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
    });
  });

  describe('alarms', () => {
    it('raise "missed" when no snapshot was written for an interval and an hour, and "failed" on an error, to the alert topic', () => {
      const { template } = build();
      const topic = 'arn:aws:sns:eu-west-1:111122223333:shop-prod-warden-alerts';
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'warden/shop-prod/high/deployment/backup/missed',
        Namespace: 'McpWarden',
        MetricName: 'SnapshotsWritten',
        Dimensions: [{ Name: 'Deployment', Value: 'shop-prod' }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 25,
        DatapointsToAlarm: 25,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [topic],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'warden/shop-prod/high/deployment/backup/failed',
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topic],
      });
    });

    it('size the missed window from the schedule, and refuse one CloudWatch cannot watch', () => {
      expect(missedBackupWindow('rate(6 hours)').evaluationPeriods).toBe(7);
      expect(missedBackupWindow('cron(0 3 * * ? *)').evaluationPeriods).toBe(25);
      expect(() => build({ backups: { schedule: 'rate(7 days)' } })).toThrow(/backups.schedule "rate\(7 days\)".*CloudWatch alarms look back at most 7 days.*rate\(6 days\)/);
    });

    it('expose the metric for dashboards and other alarms', () => {
      const { backup, stack } = build();
      expect(stack.resolve(backup.metricSnapshotsWritten().toMetricConfig().metricStat)).toMatchObject({ namespace: 'McpWarden', metricName: 'SnapshotsWritten', dimensions: [{ name: 'Deployment', value: 'shop-prod' }] });
    });
  });

  describe('admin role', () => {
    it('is assumable only with MFA at most an hour old, by the account when the manifest names nobody', () => {
      const { template } = build();
      const role = resourceOf(template, 'AWS::IAM::Role', { Properties: Match.objectLike({ RoleName: 'shop-prod-warden-admin' }) });
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
        },
      ]);
      expect(role.MaxSessionDuration).toBe(3600);
    });

    it('is assumable only by the manifest\'s admins, still with MFA', () => {
      const { template } = build({ admins: { principals: ['arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:role/SecOps'] } });
      const role = resourceOf(template, 'AWS::IAM::Role', { Properties: Match.objectLike({ RoleName: 'shop-prod-warden-admin' }) });
      const [statement] = role.AssumeRolePolicyDocument.Statement;
      expect(role.AssumeRolePolicyDocument.Statement).toHaveLength(1);
      expect(statement.Principal.AWS.sort()).toEqual(['arn:aws:iam::111122223333:role/SecOps', 'arn:aws:iam::111122223333:user/alice']);
      expect(statement.Condition.Bool).toEqual({ 'aws:MultiFactorAuthPresent': 'true' });
    });

    it('restores IAM only on warden roles and may never create, delete or pass a role', () => {
      const { template, stack, backup } = build();
      const restore = resourceOf(template, 'AWS::IAM::ManagedPolicy', { Properties: Match.objectLike({ Description: Match.stringLikeRegexp('restore IAM, KMS and kill-switch') }) }).PolicyDocument.Statement as Statement[];
      expect(restore.find((s) => s.Sid === 'RestoreWardenRoles')!.Resource).toBe('arn:aws:iam::111122223333:role/shop-prod-*');
      const boundary = resourceOf(template, 'AWS::IAM::ManagedPolicy', { Properties: Match.objectLike({ Description: Match.stringLikeRegexp('boundary of the MFA-gated admin role') }) }).PolicyDocument.Statement as Statement[];
      expect(boundary.find((s) => s.Sid === 'NoRoleCreationDeletionOrPassing')).toMatchObject({ Effect: 'Deny', Action: expect.arrayContaining(['iam:CreateRole', 'iam:DeleteRole', 'iam:PassRole']) });
      expect(boundary.find((s) => s.Sid === 'IamChangesOnlyToWardenRolesAndPolicies')).toMatchObject({ Effect: 'Deny' });
      expect(resourceOf(template, 'AWS::IAM::Role', { Properties: Match.objectLike({ RoleName: 'shop-prod-warden-admin' }) }).PermissionsBoundary).toEqual(stack.resolve(backup.admin.boundary.managedPolicyArn));
    });
  });
});
