import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IncidentResponse } from '../../../constructs/incident-response';
import { shopManifest } from '../mcp-server/shop-manifest';
import { synthIncidentResponse } from './run-machine';

const machine = synthIncidentResponse();
const { template } = machine;
type State = { Type: string; Resource?: string; Retry?: { ErrorEquals: string[] }[]; Catch?: unknown[]; Branches?: { States: Record<string, State> }[] };
function tasks(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, s]) => (s.Type === 'Parallel' ? s.Branches!.flatMap((b) => tasks(b.States)) : s.Type === 'Task' ? [[name, s] as [string, State]] : []));
}

describe('IncidentResponse', () => {
  it('is a Standard state machine, KMS-encrypted, logging ALL with execution data, traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'shop-prod-incident-response',
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }] },
      TracingConfiguration: { Enabled: true },
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: Match.anyValue() },
    });
  });

  it('runs as the incident-response role, inside the incident-response boundary', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'shop-prod-incident-response',
      PermissionsBoundary: { Ref: Match.stringLikeRegexp('Boundary') },
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'states.amazonaws.com' } })] },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('gives every AWS task a throttling retry, a transient retry and a Catch', () => {
    const all = tasks(machine.definition.States as Record<string, State>);
    expect(all.length).toBeGreaterThan(25);
    for (const [name, task] of all) {
      const errors = (task.Retry ?? []).flatMap((r) => r.ErrorEquals);
      expect([name, errors.some((e) => /Throttl|TooManyRequests/.test(e))]).toEqual([name, true]);
      expect([name, errors]).toEqual([name, expect.arrayContaining(['States.TaskFailed'])]);
      expect([name, (task.Catch ?? []).length > 0]).toEqual([name, true]);
    }
  });

  it('waits for the decision with a task token, as long as incidentResponse.approvalTimeout', () => {
    const states = machine.definition.States as Record<string, State & { TimeoutSeconds?: number }>;
    expect(states['Await decision']).toMatchObject({ Resource: 'arn:aws:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken', TimeoutSeconds: 4 * 3600 });
    expect(states['Parse alarm name']).toMatchObject({ Parameters: { autoContain: machine.manifest.incidentResponse.autoContain } });
  });

  it('keeps evidence in a versioned, Object Lock (compliance mode), KMS, TLS-only bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('keeps incidents in a KMS-encrypted table with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'shop-prod-incidents', SSESpecification: { SSEEnabled: true, SSEType: 'KMS' }, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
  });

  it('starts on warden agent alarms entering ALARM, passing name, time and reason', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { alarmName: [{ wildcard: 'warden/shop-prod/*/agent/*' }], state: { value: ['ALARM'] } } },
      Targets: [Match.objectLike({ InputTransformer: Match.objectLike({ InputPathsMap: { 'detail-alarmName': '$.detail.alarmName', 'detail-state-timestamp': '$.detail.state.timestamp', 'detail-state-reason': '$.detail.state.reason' } }) })],
    });
  });

  it('drills on the incidentResponse.drillEvery schedule against the drill agent, which has no permissions', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(182 days)', Target: Match.objectLike({ Input: Match.stringLikeRegexp('"agent":"warden-drill"') }) });
    for (const name of ['shop-prod-warden-drill-caller', 'shop-prod-warden-drill-data']) {
      const [role] = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: name } }));
      expect(role!.Properties.Policies).toBeUndefined();
      expect(role!.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('alarms on failures (high), evidence failures and slow containment, named by the alarm-name contract', () => {
    for (const [name, metric] of [
      ['warden/shop-prod/high/deployment/incident-response/failed', 'IncidentResponseFailures'],
      ['warden/shop-prod/medium/deployment/incident-response/evidence-failed', 'EvidenceFailures'],
      ['warden/shop-prod/medium/deployment/incident-response/slow-containment', 'TimeToContain'],
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: name, MetricName: metric, Namespace: 'McpWarden/IncidentResponse', AlarmActions: [Match.anyValue()] });
    }
  });

  it('refuses a manifest agent named like the drill agent', () => {
    const manifest = shopManifest();
    const renamed = { ...manifest, agents: [{ ...manifest.agents[0]!, name: 'warden-drill' }, ...manifest.agents.slice(1)] };
    const stack = new Stack(new App(), 'S');
    expect(() => new IncidentResponse(stack, 'IR', { manifest: renamed })).toThrow(/"warden-drill" is reserved.*rename that agent/);
  });

  it('grants deciders read access to incidents and SendTaskSuccess, and starters StartExecution', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    const ir = new IncidentResponse(stack, 'IR', { manifest: shopManifest(), scheduleDrills: false });
    const { Role, AccountRootPrincipal } = require('aws-cdk-lib/aws-iam');
    const admin = new Role(stack, 'Admin', { assumedBy: new AccountRootPrincipal() });
    ir.grantDecide(admin);
    ir.grantStart(admin);
    const t = Template.fromStack(stack);
    const statements = JSON.stringify(Object.values(t.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument.Statement));
    expect(statements).toContain('states:SendTaskSuccess');
    expect(statements).toContain('states:StartExecution');
    expect(statements).toContain('dynamodb:GetItem');
    t.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  describe('incidents table', () => {
    const build = (props: { backups?: false; retainDays?: number; schedule?: string } = {}) => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const stack = new Stack(app, 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
      const base = shopManifest();
      const manifest = { ...base, backups: { ...base.backups, ...(props.retainDays ? { retainDays: props.retainDays } : {}), ...(props.schedule ? { schedule: props.schedule } : {}) } };
      const ir = new IncidentResponse(stack, 'IR', { manifest, scheduleDrills: false, ...(props.backups === false ? { backups: false as const } : {}) });
      return { ir, stack, t: Template.fromStack(stack) };
    };

    it('is on-demand, encrypted with the incident-response key, with point-in-time recovery and deletion protection', () => {
      const { ir, stack, t } = build();
      t.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: 'shop-prod-incidents',
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(ir.encryptionKey.node.defaultChild as never), 'Arn'] } },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
    });

    it("is backed up by AWS Backup on the manifest's schedule and retention, in a vault with a key of its own", () => {
      const { ir, stack, t } = build({ retainDays: 400, schedule: 'rate(12 hours)' });
      t.hasResourceProperties('AWS::Backup::BackupPlan', {
        BackupPlan: { BackupPlanName: 'shop-prod-incidents', BackupPlanRule: [Match.objectLike({ ScheduleExpression: 'cron(0 0/12 * * ? *)', Lifecycle: { DeleteAfterDays: 400 } })] },
      });
      const vaultKey = stack.getLogicalId(ir.incidentsBackup!.vaultKey.node.defaultChild as never);
      t.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'shop-prod-incidents', EncryptionKeyArn: { 'Fn::GetAtt': [vaultKey, 'Arn'] } });
      const selection = Object.values(t.findResources('AWS::Backup::BackupSelection'));
      expect(selection).toHaveLength(1);
      expect(JSON.stringify(selection[0]!.Properties.BackupSelection.Resources)).toContain(stack.getLogicalId(ir.incidentsTable.node.defaultChild as never));
      expect(ir.incidentsBackup!.vaultKey).not.toBe(ir.encryptionKey);
    });

    it('has no backup plan with backups: false (point-in-time recovery only)', () => {
      const { ir, t } = build({ backups: false });
      expect(ir.incidentsBackup).toBeUndefined();
      t.resourceCountIs('AWS::Backup::BackupPlan', 0);
      t.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'shop-prod-incidents', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    });
  });
});
