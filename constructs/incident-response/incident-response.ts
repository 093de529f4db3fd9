/**
 * `IncidentResponse`: contains an agent within a minute of its alarm, collects evidence, notifies
 * and waits for a human; drills the same machine on a schedule.
 *
 * - a Standard state machine (IncidentDefinition) named `<project>-<environment>-incident-response`,
 *   KMS-encrypted, logging ALL with execution data to a KMS log group, X-Ray traced; its role
 *   (`incidentResponseRoleName`) is the only writer of the agent-status table and carries the
 *   incident-response boundary (warden boundary + containment IAM on agent roles only);
 * - an incidents table (KMS, PITR) holding each incident's timings, evidence and pending task token;
 * - an evidence bucket: versioned, Object Lock in compliance mode, KMS, TLS only, access-logged;
 * - three small Lambdas (runtime/): evidence, trust lock, time to contain;
 * - triggers: warden agent alarms entering ALARM (a rule of its own on the default bus, where
 *   CloudWatch delivers alarm state changes; or the monitoring construct's rule), `warden incident start`, and a drill schedule against
 *   the drill agent (`warden-drill`, no data access);
 * - alarms: incident-response failures (high: containment failed or not verified), evidence
 *   failures (medium), time to contain over the target (medium).
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { defaultRemovalPolicy, isEphemeralEnvironment } from '../data-plane/retention';
import { wardenTable } from '../data-plane/warden-table';
import { backupPlanCron } from '../data-plane/backup-schedule';
import { tableBackup, type TableBackup, type TableBackupOptions } from '../data-plane/table-backup';
import { join } from 'node:path';
import { alarmEventPattern } from '../../lib/alarms/alarm-event';
import { alarmName } from '../../lib/alarms/alarm-name';
import { alertsName, DRILL_AGENT, incidentResponseRoleName, incidentsTableName, incidentStateMachineName } from '../../lib/config/deployment-names';
import type { Manifest } from '../../lib/config/schema';
import { agentRoleNames } from '../agent-identity';
import { suppress, wildcardActionFinding, wildcardResourceFinding } from '../compliance';
import { agentStatusTableName } from '../mcp-server/agent-status-table';
import { logEncryptionKey } from '../mcp-server/log-encryption-key';
import { undeliveredQueue } from '../monitoring/undelivered-queue';
import { IncidentDefinition, INCIDENT_METRICS } from './incident-definition';
import { IncidentResponseBoundary } from './incident-response-boundary';
import { ManagedPolicyRole } from './managed-policy-role';
import { INCIDENT_METRIC_NAMESPACE } from './runtime/containment-timing';
import { INCIDENT_ENV } from './runtime/handlers';

export interface IncidentResponseProps {
  /** The manifest: project, environment, `incidentResponse`. */
  readonly manifest: Manifest;
  /**
   * Where notifications go.
   * @default - the deployment's alert topic, by name (`alertsName`), which the monitoring construct creates
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * A rule matching warden alarms entering ALARM (the monitoring construct's); the state machine
   * becomes one of its targets.
   * @default - a rule of this construct on `alarmBus`
   */
  readonly alarmRule?: events.Rule;
  /**
   * The bus the rule listens on, when no `alarmRule` is given. CloudWatch delivers alarm state
   * changes to the account's default bus only; another bus sees them only if a rule forwards
   * them, which adds a hop (and a failure point) before containment.
   * @default - the account's default event bus
   */
  readonly alarmBus?: events.IEventBus;
  /** The kill switch. @default - the deployment's agent-status table, by name (`agentStatusTableName`) */
  readonly agentStatusTable?: dynamodb.ITable;
  /** How far before the alarm the evidence window starts. @default Duration.hours(1) */
  readonly evidenceLookBack?: Duration;
  /** How long evidence objects are locked (Object Lock, compliance mode). @default - 365 days; 1 day for dev/test/sandbox */
  readonly evidenceRetention?: Duration;
  /** Run drills on the `incidentResponse.drillEvery` schedule. @default true */
  readonly scheduleDrills?: boolean;
  /** Time-to-contain target; the alarm fires when a containment takes longer. @default Duration.seconds(60) */
  readonly timeToContainTarget?: Duration;
  /** @default - RETAIN, or DESTROY for dev/test/sandbox environments (the evidence bucket is always retained) */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * AWS Backup of the incidents table, or `false` for none (point-in-time recovery only).
   * @default - the manifest's `backups` schedule and retention
   */
  readonly backups?: TableBackupOptions | false;
}

export class IncidentResponse extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** The state machine's role: the only writer of the agent-status table. */
  public readonly role: ManagedPolicyRole;
  public readonly incidentsTable: dynamodb.Table;
  /** The incidents table's backup vault, key, plan and role (undefined with `backups: false`). */
  public readonly incidentsBackup?: TableBackup;
  public readonly evidenceBucket: s3.Bucket;
  public readonly encryptionKey: kms.Key;
  /** Alarm events the rule could not deliver to the state machine (its dead-letter queue). */
  public readonly undeliveredAlarms: sqs.Queue;
  public readonly alertTopic: sns.ITopic;
  public readonly evidenceFunction: nodejs.NodejsFunction;
  public readonly trustLockFunction: nodejs.NodejsFunction;
  public readonly timingFunction: nodejs.NodejsFunction;
  /** Drill agent roles (no data access). */
  public readonly drillRoles: { readonly caller: iam.Role; readonly data: iam.Role };
  public readonly drillSchedule?: scheduler.Schedule;
  public readonly failureAlarm: cloudwatch.Alarm;
  public readonly evidenceFailureAlarm: cloudwatch.Alarm;
  public readonly timeToContainAlarm: cloudwatch.Alarm;

  private readonly project: string;
  private readonly environment: string;

  constructor(scope: Construct, id: string, props: IncidentResponseProps) {
    super(scope, id);
    const { manifest } = props;
    const { project, environment } = manifest;
    this.project = project;
    this.environment = environment;
    const stack = Stack.of(this);
    const ephemeral = isEphemeralEnvironment(environment);
    const removalPolicy = props.removalPolicy ?? defaultRemovalPolicy(environment);
    if (manifest.agents.some((a) => a.name === DRILL_AGENT)) {
      throw new Error(`IncidentResponse: agent name "${DRILL_AGENT}" is reserved for incident-response drills; rename that agent in the manifest.`);
    }
    const approvalTimeout = parseDuration(manifest.incidentResponse.approvalTimeout, 'incidentResponse.approvalTimeout');
    const drillEvery = parseDuration(manifest.incidentResponse.drillEvery, 'incidentResponse.drillEvery');
    if (approvalTimeout.toDays({ integral: false }) > 365) throw new Error(`IncidentResponse: incidentResponse.approvalTimeout ${manifest.incidentResponse.approvalTimeout} exceeds a Standard execution's one-year limit.`);
    const prefix = `${project}-${environment}`;

    this.encryptionKey = logEncryptionKey(this, 'Key', { description: `mcp-warden ${prefix}: incident response (state machine, incidents, evidence, logs)`, removalPolicy });

    // ---- incidents table
    this.incidentsTable = wardenTable(this, 'Incidents', { tableName: incidentsTableName(project, environment), partitionKey: 'id', encryptionKey: this.encryptionKey, environment, removalPolicy });
    // the incident records outlive point-in-time recovery's 35 days: backed up like the datasets
    if (props.backups === false) {
      for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
        suppress(this.incidentsTable, {
          rule: `${pack}-DynamoDBInBackupPlan`,
          reason: 'Backups were turned off for this table (backups: false): point-in-time recovery keeps 35 days of continuous backups of the incident records, and the evidence each record points to is kept in the Object Lock bucket for the retention period.',
        });
      }
    } else {
      const { retainDays, schedule } = manifest.backups;
      const options = props.backups ?? { retention: Duration.days(retainDays), schedule: events.Schedule.expression(backupPlanCron(schedule)) };
      const scopeOfBackup = new Construct(this, 'IncidentsBackup');
      this.incidentsBackup = tableBackup(scopeOfBackup, { ...options, project, environment, name: incidentsTableName(project, environment), subject: 'the incidents table', tables: [this.incidentsTable], selectionId: 'Table', removalPolicy });
      Tags.of(scopeOfBackup).add('warden:purpose', 'incident-backups');
    }

    // ---- evidence bucket
    const accessLogs = new s3.Bucket(this, 'EvidenceAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // no S3 logging suppression: cdk-nag counts a bucket that receives another bucket's access logs as compliant
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      suppress(accessLogs, { rule: `${pack}-S3BucketReplicationEnabled`, reason: 'Access logs of the evidence bucket, kept versioned in the same account; a replica region is a deployment choice, not a default of the kit.' });
      suppress(accessLogs, { rule: `${pack}-S3DefaultEncryptionKMS`, reason: 'S3 server access logging delivers only to buckets encrypted with SSE-S3, not SSE-KMS (Amazon S3 User Guide, "Enabling Amazon S3 server access logging").' });
    }
    const retention = props.evidenceRetention ?? Duration.days(ephemeral ? 1 : 365);
    this.evidenceBucket = new s3.Bucket(this, 'Evidence', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(retention),
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'evidence/',
      // locked objects cannot be deleted before their retention ends, so the bucket cannot be either
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      suppress(this.evidenceBucket, { rule: `${pack}-S3BucketReplicationEnabled`, reason: 'Evidence objects are Object Lock protected (compliance mode) and versioned in this account; cross-region replication of locked evidence is a deployment choice, not a default of the kit.' });
    }

    // ---- topic and status table (deployment-wide, by name unless given)
    this.alertTopic = props.alertTopic ?? sns.Topic.fromTopicArn(this, 'AlertTopic', stack.formatArn({ service: 'sns', resource: alertsName(project, environment) }));
    const statusTable = props.agentStatusTable ?? dynamodb.Table.fromTableName(this, 'AgentStatusTable', agentStatusTableName(project, environment));

    // ---- task functions
    const boundary = new IncidentResponseBoundary(this, 'Boundary', { project, environment });
    this.evidenceFunction = this.taskFunction('EvidenceTask', 'evidenceHandler', Duration.minutes(10), 'collects CloudTrail events and audit logs of a contained agent into the evidence bucket', {
      [INCIDENT_ENV.evidenceBucket]: this.evidenceBucket.bucketName,
      [INCIDENT_ENV.auditLogGroupPrefix]: `${prefix}-servers`,
    }, boundary.policy);
    this.evidenceFunction.addToRolePolicy(new iam.PolicyStatement({ sid: 'LookupEvents', actions: ['cloudtrail:LookupEvents'], resources: ['*'] }));
    this.evidenceFunction.addToRolePolicy(new iam.PolicyStatement({ sid: 'FindAuditLogGroups', actions: ['logs:DescribeLogGroups', 'logs:GetQueryResults'], resources: ['*'] }));
    this.evidenceFunction.addToRolePolicy(new iam.PolicyStatement({ sid: 'QueryAuditLogs', actions: ['logs:StartQuery'], resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${prefix}-servers*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })] }));
    this.evidenceFunction.addToRolePolicy(new iam.PolicyStatement({ sid: 'WriteEvidence', actions: ['s3:PutObject'], resources: [this.evidenceBucket.arnForObjects('incidents/*')] }));
    this.encryptionKey.grant(this.evidenceFunction, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.trustLockFunction = this.taskFunction('TrustLockTask', 'trustLockHandler', Duration.minutes(1), 'adds or removes the deny-new-sessions statement in a contained agent\'s role trust policies', {}, boundary.policy);
    const agentRoleArns = ['caller', 'data'].map((kind) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${prefix}-*-${kind}` }));
    this.trustLockFunction.addToRolePolicy(new iam.PolicyStatement({ sid: 'LockAgentTrust', actions: ['iam:GetRole', 'iam:UpdateAssumeRolePolicy'], resources: agentRoleArns }));

    this.timingFunction = this.taskFunction('TimingTask', 'timingHandler', Duration.seconds(30), 'records time to contain', { [INCIDENT_ENV.deployment]: prefix }, boundary.policy);
    this.timingFunction.addToRolePolicy(new iam.PolicyStatement({ sid: 'PutIncidentMetrics', actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': INCIDENT_METRIC_NAMESPACE } } }));

    // ---- the state machine and its role
    this.role = new ManagedPolicyRole(this, 'Role', {
      roleName: incidentResponseRoleName(project, environment),
      description: `mcp-warden ${prefix}: incident response (the only writer of the agent-status table)`,
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      permissionsBoundary: boundary.policy,
      maxSessionDuration: Duration.hours(1),
    });
    Tags.of(this.role).add('warden:role', 'incident-response');
    const definition = new IncidentDefinition(this, 'Definition', {
      project,
      environment,
      autoContain: manifest.incidentResponse.autoContain,
      approvalTimeout,
      evidenceLookBack: props.evidenceLookBack ?? Duration.hours(1),
      statusTable,
      incidentsTable: this.incidentsTable,
      topic: this.alertTopic,
      evidenceFunction: this.evidenceFunction,
      trustLockFunction: this.trustLockFunction,
      timingFunction: this.timingFunction,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { encryptionKey: this.encryptionKey, retention: logs.RetentionDays.ONE_YEAR, removalPolicy });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: incidentStateMachineName(project, environment),
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition.startState),
      role: this.role,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(this.encryptionKey, Duration.minutes(5)),
      comment: `mcp-warden ${prefix}: contain, verify, collect evidence, notify, wait for a human, release or keep`,
    });
    // the kill switch: item writes and its key only through DynamoDB for that table
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UseKillSwitchKey',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:dynamodb:tableName': agentStatusTableName(project, environment) } },
      }),
    );
    if (!props.alertTopic) {
      // the alert topic's key is the monitoring construct's; it may be used only through SNS
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'PublishToEncryptedTopic', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: ['*'], conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.amazonaws.com` } } }),
      );
    }
    this.incidentsTable.grant(this.role, 'dynamodb:PutItem', 'dynamodb:UpdateItem');

    // ---- triggers: warden agent alarms entering ALARM
    // An alarm event EventBridge could not deliver (throttled StartExecution, a key problem) is
    // kept 14 days, so a missed containment can still be found and started by hand.
    this.undeliveredAlarms = undeliveredQueue(this, 'UndeliveredAlarms', {
      encryptionKey: this.encryptionKey,
      removalPolicy,
      deadLetterQueueOf: 'the alarm rule target (EventBridge DeadLetterConfig)',
      deliveredBy: [{ service: 'events.amazonaws.com', sid: 'EventBridgeParksUndeliveredAlarms' }],
    });
    const alarmTarget = new eventsTargets.SfnStateMachine(this.stateMachine, {
      deadLetterQueue: this.undeliveredAlarms,
      input: events.RuleTargetInput.fromObject({
        alarmName: events.EventField.fromPath('$.detail.alarmName'),
        alarmTime: events.EventField.fromPath('$.detail.state.timestamp'),
        reason: events.EventField.fromPath('$.detail.state.reason'),
      }),
      retryAttempts: 10,
      maxEventAge: Duration.hours(1),
      role: this.serviceRole('AlarmEventsRole', 'events.amazonaws.com', 'starts incident response on warden agent alarms'),
    });
    if (props.alarmRule) {
      props.alarmRule.addTarget(alarmTarget);
    } else {
      new events.Rule(this, 'AgentAlarms', {
        eventBus: props.alarmBus,
        description: `mcp-warden ${prefix}: warden agent alarms entering ALARM start incident response`,
        // the same builder as the monitoring construct's rule, narrowed to agent alarms
        eventPattern: alarmEventPattern({ project, environment, subjectKind: 'agent' }) as events.EventPattern,
        targets: [alarmTarget],
      });
    }

    // ---- drills
    this.drillRoles = this.drillAgent();
    if (props.scheduleDrills ?? true) {
      this.drillSchedule = new scheduler.Schedule(this, 'DrillSchedule', {
        description: `mcp-warden ${prefix}: incident-response drill every ${manifest.incidentResponse.drillEvery}`,
        schedule: scheduler.ScheduleExpression.rate(drillEvery),
        target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
          input: scheduler.ScheduleTargetInput.fromObject({ mode: 'drill', agent: DRILL_AGENT, reason: 'scheduled drill', requestedBy: 'schedule' }),
          role: this.serviceRole('DrillScheduleRole', 'scheduler.amazonaws.com', 'starts the scheduled incident-response drills'),
        }),
        key: this.encryptionKey,
      });
    }

    // ---- alarms (named by the alarm-name contract; the failures one is high severity)
    const metric = (name: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: INCIDENT_METRIC_NAMESPACE, metricName: name, dimensionsMap: { Deployment: prefix }, statistic, period: Duration.minutes(1) });
    const deploymentAlarm = (id: string, severity: 'high' | 'medium', kind: string, m: cloudwatch.IMetric, threshold: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmName: alarmName({ project, environment, severity, subjectKind: 'deployment', subject: 'incident-response', kind }),
        alarmDescription: description,
        metric: m,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      return alarm;
    };
    this.failureAlarm = deploymentAlarm('FailureAlarm', 'high', 'failed', metric(INCIDENT_METRICS.failures, 'Sum'), 1, 'Incident response failed: containment failed or could not be verified, or a step failed after its retries. Treat the agent as not reliably contained.');
    this.evidenceFailureAlarm = deploymentAlarm('EvidenceFailureAlarm', 'medium', 'evidence-failed', metric(INCIDENT_METRICS.evidenceFailures, 'Sum'), 1, 'Evidence collection failed for a contained agent; collect it by hand (runbook).');
    const target = props.timeToContainTarget ?? Duration.seconds(60);
    this.timeToContainAlarm = deploymentAlarm('TimeToContainAlarm', 'medium', 'slow-containment', new cloudwatch.Metric({ namespace: INCIDENT_METRIC_NAMESPACE, metricName: INCIDENT_METRICS.timeToContain, dimensionsMap: { Deployment: prefix, Mode: 'incident' }, statistic: 'Maximum', period: Duration.minutes(1) }), target.toSeconds(), `Containment took longer than the ${target.toSeconds()} s target.`);
    for (const alarm of [this.failureAlarm, this.evidenceFailureAlarm, this.timeToContainAlarm]) alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alertTopic));

    // ---- the wildcards, each narrowed to its exact finding
    const agentRoleFindings = agentRoleArns.map((arn) => wildcardResourceFinding(this, arn));
    const onlyStar = 'Resource "*" only where the API has no resource-level permissions (X-Ray, cloudwatch:PutMetricData limited to the incident-response namespace, CloudWatch Logs delivery, cloudtrail:LookupEvents, logs:DescribeLogGroups and GetQueryResults) or where a key is used only through one service (kms:ViaService DynamoDB with the agent-status table name as encryption context; kms:ViaService SNS, which uses a key only for the publishes this role may make, to the alert topic)';
    const agentPattern = 'agent roles are matched by the warden naming pattern <project>-<environment>-*-caller and -data because agents are added after this stack is deployed';
    suppress(this.role.policy!, {
      rule: 'AwsSolutions-IAM5',
      reason: `${onlyStar}; ${agentPattern}; the task functions are invoked by any of their versions (Lambda's qualified ARNs).`,
      appliesTo: ['Resource::*', ...agentRoleFindings, ...[this.evidenceFunction, this.trustLockFunction, this.timingFunction].map((fn) => wildcardResourceFinding(this, `${fn.functionArn}:*`))],
    });
    suppress((this.evidenceFunction.role as ManagedPolicyRole).policy!, {
      rule: 'AwsSolutions-IAM5',
      reason: `${onlyStar}; Logs Insights queries start only on the servers' log groups (<project>-<environment>-servers*), and evidence is written only under incidents/ of the evidence bucket.`,
      appliesTo: ['Resource::*', wildcardResourceFinding(this, stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${prefix}-servers*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })), wildcardResourceFinding(this, this.evidenceBucket.arnForObjects('incidents/*'))],
    });
    suppress((this.trustLockFunction.role as ManagedPolicyRole).policy!, { rule: 'AwsSolutions-IAM5', reason: `IAM: only iam:GetRole and iam:UpdateAssumeRolePolicy; ${agentPattern}; the boundary caps it to those roles as well. Resource "*" is X-Ray trace submission only, which has no resource-level permissions.`, appliesTo: ['Resource::*', ...agentRoleFindings] });
    suppress((this.timingFunction.role as ManagedPolicyRole).policy!, { rule: 'AwsSolutions-IAM5', reason: onlyStar, appliesTo: ['Resource::*'] });
    suppress(boundary.policy, {
      rule: 'AwsSolutions-IAM5',
      reason: 'This is a permissions boundary: its Allow statements are a ceiling that grants nothing by itself (effective permissions are the intersection with identity policies), listing only the services incident response calls and the containment IAM actions on agent roles; its Deny statements are the control.',
      appliesTo: ['Resource::*', ...['dynamodb:*', 'kms:*', 'logs:*', 's3:*', 'states:*', 'xray:*'].map(wildcardActionFinding), ...agentRoleFindings],
    });
  }

  private taskFunction(id: string, handler: string, timeout: Duration, what: string, environment: Record<string, string>, permissionsBoundary: iam.IManagedPolicy): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { encryptionKey: this.encryptionKey, retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const role = new ManagedPolicyRole(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `mcp-warden ${this.project}-${this.environment}: incident response task ${id}`,
      maxSessionDuration: Duration.hours(1),
      permissionsBoundary,
    });
    Tags.of(role).add('warden:role', 'incident-response-task');
    const fn = new nodejs.NodejsFunction(this, id, {
      entry: join(__dirname, 'runtime', 'handlers.ts'),
      handler,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout,
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      description: `mcp-warden ${this.project}-${this.environment}: ${what}`,
      environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: { minify: true, sourceMap: true, sourcesContent: false, target: 'node24', externalModules: ['@aws-sdk/*', '@smithy/*'] },
    });
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'Traces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }));
    const invokedBy = 'Invoked only by the incident-response state machine, synchronously: a failure is retried by its Retry policy and then caught, notified and counted by the state machine; there is no asynchronous event to park in a dead-letter queue.';
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'Serverless']) suppress(fn, { rule: `${pack}-LambdaDLQ`, reason: invokedBy });
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      suppress(fn, { rule: `${pack}-LambdaConcurrency`, reason: 'Runs once or a few times per incident, started only by the incident-response state machine; reserving concurrency would fail deployment in accounts with the minimum concurrency quota.' });
    }
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      suppress(fn, {
        rule: `${pack}-LambdaInsideVPC`,
        reason: 'Calls only AWS control-plane APIs (IAM, which is global and has no interface endpoint in most regions, CloudTrail, CloudWatch Logs and S3) with its own least-privilege role over TLS; it reads no dataset and is reachable by no agent.',
      });
    }
    return fn;
  }

  /** A role a service assumes to start the state machine (its statements in a managed policy). */
  private serviceRole(id: string, service: string, what: string): ManagedPolicyRole {
    const stack = Stack.of(this);
    return new ManagedPolicyRole(this, id, {
      assumedBy: new iam.ServicePrincipal(service, { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `mcp-warden ${this.project}-${this.environment}: ${what}`,
      maxSessionDuration: Duration.hours(1),
    });
  }

  /** Roles named like an agent's, with no permissions at all, for drills. */
  private drillAgent(): { caller: iam.Role; data: iam.Role } {
    const names = agentRoleNames(this.project, this.environment, DRILL_AGENT);
    const role = (id: string, roleName: string) => {
      const r = new iam.Role(this, id, {
        roleName,
        description: `mcp-warden ${this.project}-${this.environment}: incident-response drill agent; no permissions, contained and released by every drill`,
        // nobody needs its sessions: the account root is a placeholder principal that grants nothing without an identity policy
        assumedBy: new iam.AccountRootPrincipal(),
        maxSessionDuration: Duration.hours(1),
      });
      Tags.of(r).add('warden:role', 'drill');
      Tags.of(r).add('warden:agent', DRILL_AGENT);
      return r;
    };
    return { caller: role('DrillCaller', names.caller), data: role('DrillData', names.data) };
  }

  /** Lets `grantee` start incidents and drills (`warden incident start`, `warden drill`). */
  public grantStart(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** Lets `grantee` read incidents and send decisions (`warden incident list|show|release|keep`): give it to an MFA-gated role only. */
  public grantDecide(grantee: iam.IGrantable): iam.Grant {
    return this.incidentsTable
      .grantReadData(grantee)
      .combine(this.stateMachine.grantTaskResponse(grantee))
      .combine(this.stateMachine.grantRead(grantee));
  }

  /** Executions that failed (CloudWatch `ExecutionsFailed`). */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /** Seconds from alarm to verified containment (`TimeToContain`, maximum per minute). */
  public metricTimeToContain(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: INCIDENT_METRIC_NAMESPACE, metricName: INCIDENT_METRICS.timeToContain, dimensionsMap: { Deployment: `${this.project}-${this.environment}`, Mode: 'incident' }, statistic: 'Maximum', ...props });
  }
}

function parseDuration(iso: string, field: string): Duration {
  try {
    return Duration.parse(iso);
  } catch {
    throw new Error(`IncidentResponse: ${field} "${iso}" is not a duration Step Functions and EventBridge Scheduler can use; write it in days, hours, minutes or seconds (e.g. P182D, PT4H).`);
  }
}
