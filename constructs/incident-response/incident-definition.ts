/**
 * The incident-response state machine's states, containment first:
 *
 *   classify → record → [triage decision unless the severity is auto-contained]
 *   → contain (parallel: status flag | trust lock, then deny older sessions)
 *   → verify (simulate a granted action on both roles: explicit deny; read the flag back)
 *   → time to contain → evidence (Lambda; a failure is counted and noted, never un-contains)
 *   → drills release at once; incidents notify and wait for `warden incident release|keep`
 *   → release (trust unlock, deny removed, flag active) or keep → record.
 *
 * Every AWS task retries on throttling and transient errors (task-retries.ts) and catches the
 * rest into one failure path: notify, count (the failures alarm), record, fail. State names are
 * part of the interface: the tests, the runbook and the execution history refer to them.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { CONTAINMENT_POLICY_NAME } from '../../lib/config/deployment-names';
import { agentRoleNames } from '../agent-identity';
import { INCIDENT_METRIC_NAMESPACE } from './runtime/containment-timing';
import { addTaskRetries, type TaskService } from './task-retries';

export interface IncidentDefinitionProps {
  readonly project: string;
  readonly environment: string;
  /** Alarm severities contained without waiting for a human. */
  readonly autoContain: readonly string[];
  /** How long a human has to decide (triage, release or keep). */
  readonly approvalTimeout: Duration;
  /** How far before the alarm the evidence window starts. */
  readonly evidenceLookBack: Duration;
  readonly statusTable: dynamodb.ITable;
  readonly incidentsTable: dynamodb.ITable;
  readonly topic: sns.ITopic;
  readonly evidenceFunction: lambda.IFunction;
  readonly trustLockFunction: lambda.IFunction;
  readonly timingFunction: lambda.IFunction;
}

/** Metric names the state machine emits (namespace INCIDENT_METRIC_NAMESPACE). */
export const INCIDENT_METRICS = {
  failures: 'IncidentResponseFailures',
  evidenceFailures: 'EvidenceFailures',
  timeToContain: 'TimeToContain',
} as const;

/** The actions verification simulates: one granted to each role, which containment must deny. */
export const VERIFY_ACTIONS = { caller: 'execute-api:Invoke', data: 'dynamodb:GetItem' } as const;

const $ = sfn.JsonPath;
const S = (path: string) => ({ S: $.stringAt(path) });
const NOW = '$$.State.EnteredTime';

export class IncidentDefinition extends Construct {
  /** The first state. */
  public readonly startState: sfn.IChainable;
  private readonly props: IncidentDefinitionProps;
  private readonly prefix: string;
  private readonly failureStart: sfn.State;

  constructor(scope: Construct, id: string, props: IncidentDefinitionProps) {
    super(scope, id);
    this.props = props;
    const { project, environment } = props;
    this.prefix = `${project}-${environment}`;
    const stack = Stack.of(this);
    // role names of the agent in $.incident.agent, as AgentIdentity names them ($.roles, set by "Name roles")
    const sample = agentRoleNames(project, environment, 'AGENT');
    const nameRoles = (id: string) =>
      new sfn.Pass(this, id, {
        parameters: {
          arnPrefix: `arn:${stack.partition}:iam::${stack.account}:role/`,
          caller: $.format(sample.caller.replace('AGENT', '{}'), $.stringAt('$.incident.agent')),
          data: $.format(sample.data.replace('AGENT', '{}'), $.stringAt('$.incident.agent')),
        },
        resultPath: '$.roles',
      });
    const caller = $.stringAt('$.roles.caller');
    const data = $.stringAt('$.roles.data');
    const roleArn = (name: string) => $.format('{}{}', $.stringAt('$.roles.arnPrefix'), name);

    this.failureStart = this.failurePath();

    // ---- classify: an alarm event (from the EventBridge target), a request (CLI, schedule) or a release after an expired wait
    const parseAlarm = new sfn.Pass(this, 'Parse alarm name', {
      parameters: {
        fields: $.stringSplit($.stringAt('$.alarmName'), '/'),
        autoContain: [...props.autoContain],
        alarmName: $.stringAt('$.alarmName'),
        alarmTime: $.stringAt('$.alarmTime'),
        reason: $.stringAt('$.reason'),
      },
    });
    const readAlarm = new sfn.Pass(this, 'Read alarm', {
      parameters: {
        incident: {
          id: $.stringAt('$$.Execution.Name'),
          mode: 'incident',
          trigger: 'alarm',
          agent: $.arrayGetItem($.listAt('$.fields'), 4),
          severity: $.arrayGetItem($.listAt('$.fields'), 2),
          subjectKind: $.arrayGetItem($.listAt('$.fields'), 3),
          alarmName: $.stringAt('$.alarmName'),
          triggeredAt: $.stringAt('$.alarmTime'),
          startedAt: $.stringAt('$$.Execution.StartTime'),
          reason: $.stringAt('$.reason'),
          requestedBy: 'alarm',
        },
        autoContainSeverities: $.listAt('$.autoContain'),
      },
    });
    const severityRule = new sfn.Pass(this, 'Apply autoContain', {
      parameters: { incident: $.objectAt('$.incident'), autoContain: $.arrayContains($.listAt('$.autoContainSeverities'), $.stringAt('$.incident.severity')) },
    });
    const readRequest = new sfn.Pass(this, 'Read request', {
      parameters: {
        incident: {
          id: $.stringAt('$$.Execution.Name'),
          mode: $.stringAt('$.mode'),
          trigger: 'request',
          agent: $.stringAt('$.agent'),
          severity: 'requested',
          subjectKind: 'agent',
          alarmName: 'none',
          triggeredAt: $.stringAt('$$.Execution.StartTime'),
          startedAt: $.stringAt('$$.Execution.StartTime'),
          reason: $.stringAt('$.reason'),
          requestedBy: $.stringAt('$.requestedBy'),
        },
        autoContain: true,
      },
    });
    const readRelease = new sfn.Pass(this, 'Read release request', {
      parameters: {
        incident: { id: $.stringAt('$.incidentId'), mode: 'incident', agent: $.stringAt('$.agent') },
        decision: { decision: 'release', decidedBy: $.stringAt('$.requestedBy'), reason: $.stringAt('$.reason') },
      },
    });
    const notAgent = this.notify('Notify deployment alarm', 'warden {}: alarm {} is not about an agent; nothing to contain', ['$.incident.id', '$.incident.alarmName'], 'Nothing to contain');
    notAgent.next(new sfn.Succeed(this, 'Not an agent alarm'));

    const recordIncident = this.aws('Record incident', 'DynamoDb', 'dynamodb', 'putItem', {
      TableName: props.incidentsTable.tableName,
      Item: {
        id: S('$.incident.id'),
        agent: S('$.incident.agent'),
        mode: S('$.incident.mode'),
        trigger: S('$.incident.trigger'),
        severity: S('$.incident.severity'),
        alarmName: S('$.incident.alarmName'),
        reason: S('$.incident.reason'),
        requestedBy: S('$.incident.requestedBy'),
        triggeredAt: S('$.incident.triggeredAt'),
        startedAt: S('$.incident.startedAt'),
        status: { S: 'open' },
      },
    }, [props.incidentsTable.tableArn]);

    // ---- triage: severities not contained automatically wait for a human
    const notifyTriage = this.notify(
      'Notify triage',
      'warden incident {}: alarm {} (severity {}) on agent {}. Not contained automatically. Contain: npx warden incident contain {} --reason "..."   Dismiss: npx warden incident dismiss {} --reason "..."',
      ['$.incident.id', '$.incident.alarmName', '$.incident.severity', '$.incident.agent', '$.incident.id', '$.incident.id'],
      'Decide: contain or dismiss',
    );
    const askTriage = this.awaitDecision('Await triage decision', 'contain-or-dismiss', '$.triage');
    const triageExpired = this.notify('Notify triage expired', 'warden incident {}: nobody decided within the approval timeout; agent {} was NOT contained. Contain it with npx warden incident start {} --reason "..."', ['$.incident.id', '$.incident.agent', '$.incident.agent'], 'Triage expired (not contained)');
    const recordTriageExpired = this.recordStatus('Record triage expired', 'triage-expired');
    triageExpired.next(recordTriageExpired).next(new sfn.Succeed(this, 'Triage expired'));
    askTriage.addCatch(triageExpired, { errors: [sfn.Errors.TIMEOUT], resultPath: '$.timeout' });
    askTriage.addCatch(this.failureStart, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    const recordDismissed = this.recordStatus('Record dismissed', 'dismissed', '$.triage');
    recordDismissed.next(new sfn.Succeed(this, 'Dismissed'));

    // ---- contain
    const flag = this.aws('Flag contained', 'DynamoDb', 'dynamodb', 'putItem', {
      TableName: props.statusTable.tableName,
      Item: { agent: S('$.incident.agent'), status: { S: 'contained' }, incidentId: S('$.incident.id'), since: S(NOW) },
    }, [props.statusTable.tableArn], { catchTo: 'branch' });
    const flagOk = new sfn.Pass(this, 'Flag set', { parameters: { step: 'flag', ok: true } });
    const flagFailed = new sfn.Pass(this, 'Flag failed', { parameters: { step: 'flag', ok: false, error: $.objectAt('$.error') } });
    flag.addCatch(flagFailed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    const lockTrust = this.lambda('Lock trust', props.trustLockFunction, { action: 'lock', roleNames: $.array(caller, data) }, sfn.JsonPath.DISCARD, undefined, { catchToFailure: false });
    const containmentPolicy = new sfn.Pass(this, 'Containment policy', {
      parameters: {
        incident: $.objectAt('$.incident'),
        roles: $.objectAt('$.roles'),
        trustLocked: $.stringAt('$.trustLock.locked'),
        containedAt: $.stringAt(NOW),
        // every session issued before this state (so before the trust lock took effect) is denied everything
        policy: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'WardenContainedRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': $.stringAt(NOW) } } }],
        },
      },
    });
    const lockFailed = new sfn.Pass(this, 'Trust lock failed', { parameters: { locked: 'no' }, resultPath: '$.trustLock' });
    lockFailed.next(containmentPolicy);
    lockTrust.addCatch(lockFailed, { errors: [sfn.Errors.ALL], resultPath: '$.trustLockError' });
    const lockOk = new sfn.Pass(this, 'Trust locked', { parameters: { locked: 'yes' }, resultPath: '$.trustLock' });
    const agentRoleArns = ['caller', 'data'].map((kind) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${this.prefix}-*-${kind}` }));
    const denyCaller = this.aws('Deny caller sessions', 'Iam', 'iam', 'putRolePolicy', { RoleName: caller, PolicyName: CONTAINMENT_POLICY_NAME, PolicyDocument: $.jsonToString($.objectAt('$.policy')) }, agentRoleArns, { catchTo: 'branch' });
    const denyData = this.aws('Deny data sessions', 'Iam', 'iam', 'putRolePolicy', { RoleName: data, PolicyName: CONTAINMENT_POLICY_NAME, PolicyDocument: $.jsonToString($.objectAt('$.policy')) }, agentRoleArns, { catchTo: 'branch' });
    const iamOk = new sfn.Pass(this, 'Sessions denied', { parameters: { step: 'iam', ok: true, trustLocked: $.stringAt('$.trustLocked'), containedAt: $.stringAt('$.containedAt') } });
    const iamFailed = new sfn.Pass(this, 'Deny failed', { parameters: { step: 'iam', ok: false, error: $.objectAt('$.error') } });
    denyCaller.addCatch(iamFailed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    denyData.addCatch(iamFailed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    const contain = new sfn.Parallel(this, 'Contain', { resultPath: '$.containment', comment: 'status flag and IAM in parallel; each branch reports instead of failing, so one failing never stops the other' });
    contain.branch(flag.next(flagOk));
    contain.branch(lockTrust.next(lockOk).next(containmentPolicy).next(denyCaller).next(denyData).next(iamOk));
    contain.addCatch(this.failureStart, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    const containmentFailed = new sfn.Pass(this, 'Containment failed', {
      parameters: { Error: 'ContainmentFailed', Cause: $.jsonToString($.objectAt('$.containment')) },
      resultPath: '$.error',
    });
    containmentFailed.next(this.failureStart);

    // ---- verify
    const simulate = (name: string, role: string, action: string, resultPath: string) =>
      this.aws(name, 'Iam', 'iam', 'simulatePrincipalPolicy', {
        PolicySourceArn: roleArn(role),
        ActionNames: [action],
        // a session issued when the incident was triggered (the alarm's time, or the start of a
        // manual incident), which is always before the deny's timestamp: the deny must apply to it
        ContextEntries: [{ ContextKeyName: 'aws:TokenIssueTime', ContextKeyType: 'date', ContextKeyValues: $.array($.stringAt('$.incident.triggeredAt')) }],
      }, agentRoleArns, { resultSelector: { decision: $.stringAt('$.EvaluationResults[0].EvalDecision') }, resultPath });
    const simulateCaller = simulate('Simulate caller', caller, VERIFY_ACTIONS.caller, '$.verify.caller');
    const simulateData = simulate('Simulate data', data, VERIFY_ACTIONS.data, '$.verify.data');
    const readFlag = this.aws('Read flag', 'DynamoDb', 'dynamodb', 'getItem', { TableName: props.statusTable.tableName, Key: { agent: S('$.incident.agent') }, ConsistentRead: true }, [props.statusTable.tableArn], {
      resultSelector: { status: $.stringAt('$.Item.status.S') },
      resultPath: '$.verify.flag',
    });
    const notVerified = new sfn.Pass(this, 'Containment not verified', {
      parameters: { Error: 'ContainmentNotVerified', Cause: $.format('caller {}, data {}, flag {} (expected explicitDeny, explicitDeny, contained)', $.stringAt('$.verify.caller.decision'), $.stringAt('$.verify.data.decision'), $.stringAt('$.verify.flag.status')) },
      resultPath: '$.error',
    });
    notVerified.next(this.failureStart);
    const timing = this.lambda('Measure time to contain', props.timingFunction, {
      incidentId: $.stringAt('$.incident.id'),
      mode: $.stringAt('$.incident.mode'),
      triggeredAt: $.stringAt('$.incident.triggeredAt'),
      containedAt: $.stringAt('$.containment[1].containedAt'),
      verifiedAt: $.stringAt(NOW),
    }, '$.timing', { timeToContainSeconds: $.numberAt('$.Payload.timeToContainSeconds'), timeToVerifySeconds: $.numberAt('$.Payload.timeToVerifySeconds') });
    const recordContained = this.aws('Record containment', 'DynamoDb', 'dynamodb', 'updateItem', {
      TableName: props.incidentsTable.tableName,
      Key: { id: S('$.incident.id') },
      UpdateExpression: 'SET #status = :status, containedAt = :containedAt, verifiedAt = :verifiedAt, timeToContainSeconds = :ttc, trustLocked = :trust',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': { S: 'contained' },
        ':containedAt': S('$.containment[1].containedAt'),
        ':verifiedAt': S(NOW),
        ':ttc': { N: $.format('{}', $.stringAt('$.timing.timeToVerifySeconds')) },
        ':trust': S('$.containment[1].trustLocked'),
      },
    }, [props.incidentsTable.tableArn]);

    // ---- evidence: failing here leaves the agent contained; it is counted and said in the notification
    const evidence = this.lambda('Collect evidence', props.evidenceFunction, {
      incidentId: $.stringAt('$.incident.id'),
      agent: $.stringAt('$.incident.agent'),
      roleArns: $.array(roleArn(caller), roleArn(data)),
      triggeredAt: $.stringAt('$.incident.triggeredAt'),
      lookBackSeconds: props.evidenceLookBack.toSeconds(),
      endTime: $.stringAt(NOW),
    }, '$.evidence', { location: $.stringAt('$.Payload.location'), manifestSha256: $.stringAt('$.Payload.manifestSha256'), cloudTrailEvents: $.numberAt('$.Payload.cloudTrailEvents'), auditEvents: $.numberAt('$.Payload.auditEvents') }, { catchToFailure: false });
    const evidenceFailed = new sfn.Pass(this, 'Evidence failed', {
      parameters: { location: 'NOT COLLECTED (see the evidence-failure alarm)', manifestSha256: 'none', cloudTrailEvents: 0, auditEvents: 0, error: $.stringAt('$.evidenceError.Error') },
      resultPath: '$.evidence',
    });
    const countEvidenceFailure = this.putMetric('Count evidence failure', INCIDENT_METRICS.evidenceFailures);
    evidence.addCatch(evidenceFailed, { errors: [sfn.Errors.ALL], resultPath: '$.evidenceError' });
    const recordEvidence = this.aws('Record evidence', 'DynamoDb', 'dynamodb', 'updateItem', {
      TableName: props.incidentsTable.tableName,
      Key: { id: S('$.incident.id') },
      UpdateExpression: 'SET evidenceLocation = :location, evidenceManifestSha256 = :sha, evidenceAt = :at',
      ExpressionAttributeValues: { ':location': S('$.evidence.location'), ':sha': S('$.evidence.manifestSha256'), ':at': S(NOW) },
    }, [props.incidentsTable.tableArn]);
    evidenceFailed.next(countEvidenceFailure).next(recordEvidence);
    // the count is best effort: the notification below says the evidence is missing either way
    countEvidenceFailure.addCatch(recordEvidence, { errors: [sfn.Errors.ALL], resultPath: '$.countError' });

    // ---- decide
    const isDrill = new sfn.Choice(this, 'Drill?');
    const notifyContained = this.notify(
      'Notify contained',
      'warden incident {}: agent {} CONTAINED (alarm {}, severity {}, reason: {}). Status flag set, sessions issued before {} denied, new sessions refused (trust locked: {}). Time to contain: {} s. Evidence: {} (sha256 {}). Release: npx warden incident release {} --reason "..."   Keep contained: npx warden incident keep {} --reason "..."',
      ['$.incident.id', '$.incident.agent', '$.incident.alarmName', '$.incident.severity', '$.incident.reason', '$.containment[1].containedAt', '$.containment[1].trustLocked', '$.timing.timeToVerifySeconds', '$.evidence.location', '$.evidence.manifestSha256', '$.incident.id', '$.incident.id'],
      'Contained: decide release or keep',
    );
    const awaitDecision = this.awaitDecision('Await decision', 'release-or-keep', '$.decision');
    const decisionOverdue = this.notify('Notify decision overdue', 'warden incident {}: no decision within the approval timeout; agent {} STAYS CONTAINED. Release: npx warden incident release {} --reason "..."   Keep: npx warden incident keep {} --reason "..."', ['$.incident.id', '$.incident.agent', '$.incident.id', '$.incident.id'], 'Decision overdue: still contained');
    const recordOverdue = this.recordStatus('Record decision overdue', 'contained-decision-overdue');
    decisionOverdue.next(recordOverdue).next(new sfn.Succeed(this, 'Contained, decision overdue'));
    awaitDecision.addCatch(decisionOverdue, { errors: [sfn.Errors.TIMEOUT], resultPath: '$.timeout' });
    awaitDecision.addCatch(this.failureStart, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    const recordKept = this.recordStatus('Record kept', 'kept', '$.decision');
    const notifyKept = this.notify('Notify kept', 'warden incident {}: agent {} is kept contained by {} ({}). Release later with npx warden incident release {} --reason "..."', ['$.incident.id', '$.incident.agent', '$.decision.decidedBy', '$.decision.reason', '$.incident.id'], 'Kept contained');
    recordKept.next(notifyKept).next(new sfn.Succeed(this, 'Kept contained'));

    // ---- release
    const unlockTrust = this.lambda('Unlock trust', props.trustLockFunction, { action: 'unlock', roleNames: $.array(caller, data) }, sfn.JsonPath.DISCARD);
    const allowCaller = this.aws('Allow caller sessions', 'Iam', 'iam', 'deleteRolePolicy', { RoleName: caller, PolicyName: CONTAINMENT_POLICY_NAME }, agentRoleArns);
    const allowData = this.aws('Allow data sessions', 'Iam', 'iam', 'deleteRolePolicy', { RoleName: data, PolicyName: CONTAINMENT_POLICY_NAME }, agentRoleArns);
    const flagActive = this.aws('Flag active', 'DynamoDb', 'dynamodb', 'putItem', {
      TableName: props.statusTable.tableName,
      Item: { agent: S('$.incident.agent'), status: { S: 'active' }, incidentId: S('$.incident.id'), since: S(NOW) },
    }, [props.statusTable.tableArn]);
    // a policy already gone (a second release, a hand-made fix) is what release wants anyway
    allowCaller.addCatch(allowData, { errors: ['Iam.NoSuchEntityException'], resultPath: sfn.JsonPath.DISCARD });
    allowData.addCatch(flagActive, { errors: ['Iam.NoSuchEntityException'], resultPath: sfn.JsonPath.DISCARD });
    const releaseMode = new sfn.Pass(this, 'Drill release', { parameters: { decision: 'release', decidedBy: 'drill', reason: 'drills release automatically' }, resultPath: '$.decision' });
    const recordRelease = this.aws('Record release', 'DynamoDb', 'dynamodb', 'updateItem', {
      TableName: props.incidentsTable.tableName,
      Key: { id: S('$.incident.id') },
      UpdateExpression: 'SET #status = :status, releasedAt = :at, decidedBy = :by, decisionReason = :why, taskToken = :none, awaiting = :none',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': { S: 'released' }, ':at': S(NOW), ':by': S('$.decision.decidedBy'), ':why': S('$.decision.reason'), ':none': { S: 'none' } },
    }, [props.incidentsTable.tableArn]);
    const notifyReleased = this.notify('Notify released', 'warden incident {} ({}): agent {} released by {} ({}). Deny policy and trust lock removed, status active.', ['$.incident.id', '$.incident.mode', '$.incident.agent', '$.decision.decidedBy', '$.decision.reason'], 'Released');
    const release = unlockTrust;
    unlockTrust.next(allowCaller).next(allowData).next(flagActive).next(recordRelease).next(notifyReleased).next(new sfn.Succeed(this, 'Released'));
    releaseMode.next(release);

    // ---- wiring
    const containChain = sfn.Chain.start(contain).next(
      new sfn.Choice(this, 'Contained both ways?')
        .when(sfn.Condition.and(sfn.Condition.booleanEquals('$.containment[0].ok', true), sfn.Condition.booleanEquals('$.containment[1].ok', true), sfn.Condition.stringEquals('$.containment[1].trustLocked', 'yes')), simulateCaller)
        .otherwise(containmentFailed),
    );
    simulateCaller.next(simulateData).next(readFlag).next(
      new sfn.Choice(this, 'Containment verified?')
        .when(
          sfn.Condition.and(
            sfn.Condition.stringEquals('$.verify.caller.decision', 'explicitDeny'),
            sfn.Condition.stringEquals('$.verify.data.decision', 'explicitDeny'),
            sfn.Condition.stringEquals('$.verify.flag.status', 'contained'),
          ),
          timing,
        )
        .otherwise(notVerified),
    );
    timing.next(recordContained).next(evidence).next(recordEvidence).next(isDrill);
    isDrill.when(sfn.Condition.stringEquals('$.incident.mode', 'drill'), releaseMode).otherwise(notifyContained);
    notifyContained.next(awaitDecision).next(
      new sfn.Choice(this, 'Decision')
        .when(sfn.Condition.stringEquals('$.decision.decision', 'release'), release)
        .when(sfn.Condition.stringEquals('$.decision.decision', 'keep'), recordKept)
        .otherwise(recordKept),
    );
    notifyTriage.next(askTriage).next(
      new sfn.Choice(this, 'Triage decision').when(sfn.Condition.stringEquals('$.triage.decision', 'contain'), containChain).otherwise(recordDismissed),
    );
    const namedRoles = nameRoles('Name roles');
    namedRoles.next(recordIncident);
    recordIncident.next(new sfn.Choice(this, 'Contain at once?').when(sfn.Condition.booleanEquals('$.autoContain', true), containChain).otherwise(notifyTriage));
    parseAlarm.next(readAlarm).next(severityRule).next(
      new sfn.Choice(this, 'Agent alarm?').when(sfn.Condition.stringEquals('$.incident.subjectKind', 'agent'), namedRoles).otherwise(notAgent),
    );
    readRequest.next(namedRoles);
    readRelease.next(nameRoles('Name roles to release')).next(release);
    this.startState = new sfn.Choice(this, 'Classify')
      .when(sfn.Condition.isPresent('$.alarmName'), parseAlarm)
      .when(sfn.Condition.stringEquals('$.mode', 'release'), readRelease)
      .when(sfn.Condition.or(sfn.Condition.stringEquals('$.mode', 'incident'), sfn.Condition.stringEquals('$.mode', 'drill')), readRequest)
      .otherwise(new sfn.Fail(this, 'Unknown input', { error: 'UnknownInput', cause: 'expected an alarm event ({alarmName, alarmTime, reason}) or a request ({mode: incident|drill|release, agent, reason, requestedBy})' }));
  }

  /** An AWS SDK task with the retry policy and, unless it reports to its branch, the Catch to the failure path. */
  private aws(
    name: string,
    service: TaskService,
    sdkService: string,
    action: string,
    parameters: Record<string, unknown>,
    iamResources: string[],
    options: { resultSelector?: Record<string, unknown>; resultPath?: string; catchTo?: 'failure' | 'branch' | 'none'; integrationPattern?: sfn.IntegrationPattern; timeout?: Duration; iamAction?: string } = {},
  ): tasks.CallAwsService {
    const task = new tasks.CallAwsService(this, name, {
      service: sdkService,
      action,
      parameters,
      iamResources,
      iamAction: options.iamAction,
      resultSelector: options.resultSelector,
      resultPath: options.resultPath ?? sfn.JsonPath.DISCARD,
      integrationPattern: options.integrationPattern,
      taskTimeout: options.timeout ? sfn.Timeout.duration(options.timeout) : undefined,
    });
    addTaskRetries(task, service);
    if ((options.catchTo ?? 'failure') === 'failure') task.addCatch(this.failureStart, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    return task;
  }

  /** A Lambda task (result: `resultSelector` over the invoke's output) with the retry policy and, by default, the failure Catch. */
  private lambda(name: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string, resultSelector?: Record<string, unknown>, options: { catchToFailure?: boolean } = {}): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, name, {
      lambdaFunction: fn,
      payload: sfn.TaskInput.fromObject(payload),
      resultSelector,
      resultPath,
      // the retries below cover Lambda's service errors (and throttling) with this machine's policy
      retryOnServiceExceptions: false,
    });
    addTaskRetries(task, 'Lambda');
    if (options.catchToFailure ?? true) task.addCatch(this.failureStart, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    return task;
  }

  private notify(name: string, template: string, paths: readonly string[], subject: string): tasks.CallAwsService {
    return this.aws(name, 'Sns', 'sns', 'publish', {
      TopicArn: this.props.topic.topicArn,
      Subject: `warden ${this.prefix}: ${subject}`,
      Message: $.format(template, ...paths.map((p) => $.stringAt(p))),
    }, [this.props.topic.topicArn]);
  }

  /** Counts one event; the caller adds the Catch (a count is best effort). */
  private putMetric(name: string, metric: string): tasks.CallAwsService {
    return this.aws(name, 'CloudWatch', 'cloudwatch', 'putMetricData', {
      Namespace: INCIDENT_METRIC_NAMESPACE,
      MetricData: [{ MetricName: metric, Unit: 'Count', Value: 1, Dimensions: [{ Name: 'Deployment', Value: this.prefix }] }],
    }, ['*'], { catchTo: 'none', iamAction: 'cloudwatch:PutMetricData' });
  }

  /** Stores the task token in the incident record and waits for `warden incident ...` to send the decision. */
  private awaitDecision(name: string, awaiting: string, resultPath: string): tasks.CallAwsService {
    const task = this.aws(name, 'DynamoDb', 'dynamodb', 'updateItem', {
      TableName: this.props.incidentsTable.tableName,
      Key: { id: S('$.incident.id') },
      UpdateExpression: 'SET taskToken = :token, awaiting = :awaiting, #status = :status, awaitingSince = :since',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':token': S('$$.Task.Token'), ':awaiting': { S: awaiting }, ':status': { S: `awaiting-${awaiting}` }, ':since': S(NOW) },
    }, [this.props.incidentsTable.tableArn], { integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN, timeout: this.props.approvalTimeout, resultPath, catchTo: 'none' });
    return task;
  }

  private recordStatus(name: string, status: string, decisionPath?: string): tasks.CallAwsService {
    return this.aws(name, 'DynamoDb', 'dynamodb', 'updateItem', {
      TableName: this.props.incidentsTable.tableName,
      Key: { id: S('$.incident.id') },
      UpdateExpression: decisionPath ? 'SET #status = :status, closedAt = :at, decidedBy = :by, decisionReason = :why, taskToken = :none' : 'SET #status = :status, closedAt = :at, taskToken = :none',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': { S: status },
        ':at': S(NOW),
        ':none': { S: 'none' },
        ...(decisionPath ? { ':by': S(`${decisionPath}.decidedBy`), ':why': S(`${decisionPath}.reason`) } : {}),
      },
    }, [this.props.incidentsTable.tableArn]);
  }

  /** Notify (best effort), count (the failures alarm), record (best effort), fail. */
  private failurePath(): sfn.State {
    const fail = new sfn.Fail(this, 'Incident response failed', { errorPath: '$.error.Error', causePath: '$.error.Cause' });
    const record = new tasks.CallAwsService(this, 'Record failure', {
      service: 'dynamodb',
      action: 'updateItem',
      parameters: {
        TableName: this.props.incidentsTable.tableName,
        Key: { id: S('$.incident.id') },
        UpdateExpression: 'SET #status = :status, failedAt = :at, failure = :error',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': { S: 'failed' }, ':at': S(NOW), ':error': S('$.error.Error') },
      },
      iamResources: [this.props.incidentsTable.tableArn],
      resultPath: sfn.JsonPath.DISCARD,
    });
    addTaskRetries(record, 'DynamoDb');
    record.addCatch(fail, { errors: [sfn.Errors.ALL], resultPath: '$.recordError' });
    const count = new tasks.CallAwsService(this, 'Count failure', {
      service: 'cloudwatch',
      action: 'putMetricData',
      parameters: { Namespace: INCIDENT_METRIC_NAMESPACE, MetricData: [{ MetricName: INCIDENT_METRICS.failures, Unit: 'Count', Value: 1, Dimensions: [{ Name: 'Deployment', Value: this.prefix }] }] },
      iamResources: ['*'],
      iamAction: 'cloudwatch:PutMetricData',
      resultPath: sfn.JsonPath.DISCARD,
    });
    addTaskRetries(count, 'CloudWatch');
    count.addCatch(record, { errors: [sfn.Errors.ALL], resultPath: '$.countError' });
    const notify = new tasks.CallAwsService(this, 'Notify failure', {
      service: 'sns',
      action: 'publish',
      parameters: {
        TopicArn: this.props.topic.topicArn,
        Subject: `warden ${this.prefix}: HIGH - incident response FAILED`,
        Message: $.format(
          'warden incident {}: incident response FAILED for agent {} ({}: {}). Treat the agent as NOT reliably contained: check npx warden incident show {} and contain by hand if needed (runbook: docs/runbooks/incident-response.md).',
          $.stringAt('$.incident.id'),
          $.stringAt('$.incident.agent'),
          $.stringAt('$.error.Error'),
          $.stringAt('$.error.Cause'),
          $.stringAt('$.incident.id'),
        ),
      },
      iamResources: [this.props.topic.topicArn],
      resultPath: sfn.JsonPath.DISCARD,
    });
    addTaskRetries(notify, 'Sns');
    notify.addCatch(count, { errors: [sfn.Errors.ALL], resultPath: '$.notifyError' });
    notify.next(count).next(record).next(fail);
    return notify;
  }
}

