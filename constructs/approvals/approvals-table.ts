/**
 * `ApprovalsTable`: where held tool calls wait for a human (lib/approvals). Named
 * `<project>-<environment>-approvals` so the servers, the CLI and the admin role find it without
 * cross-stack references. Customer-managed key (rotating), TTL (items go 30 days after their
 * approval expires), point-in-time recovery, deletion protection outside dev/test/sandbox.
 *
 * The resource policy is the control, whatever identity policy a role is given later:
 * - items are create-only: nobody updates or deletes one (TTL expiry is DynamoDB's own);
 * - only the MCP server roles and the deciding role write at all;
 * - server roles never write `decision#` items, the deciding role writes nothing else;
 * - agent caller and data roles can't touch the table.
 *
 * Decisions are audited in `decisionLog` (`<project>-<environment>-servers-approval-decisions`,
 * one stream, `decisions`): the CLI writes each decision's OCSF event there with the deciding
 * role, which may put events to that stream and do nothing else in CloudWatch Logs.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { approvalDecisionsLogGroupName, approvalsTableName, wardenAdminRoleName } from '../../lib/config/deployment-names';
import { allowCloudWatchLogs } from '../mcp-server/log-encryption-key';
import { serverFunctionRoleName, wardenRoleNamePattern } from '../agent-identity';
import { suppress } from '../compliance';
import { defaultRemovalPolicy } from '../data-plane/retention';
import { ITEM_WRITE_ACTIONS, wardenTable } from '../data-plane/warden-table';
import { APPROVALS_TABLE } from './runtime/approvals-table-schema';

export interface ApprovalsTableProps {
  readonly project: string;
  readonly environment: string;
  /** The role that writes decisions. @default - the MFA-gated warden admin role (`<project>-<environment>-warden-admin`) */
  readonly deciderRoleArn?: string;
  /**
   * The MCP servers that hold calls for approval: only their function roles
   * (`<project>-<environment>-<server>-server`) may create requests and executions.
   * @default - every server role of the deployment (`<project>-<environment>-*-server`)
   */
  readonly serverNames?: readonly string[];
  /** How long decision audit events are kept. @default logs.RetentionDays.ONE_YEAR (as the servers' audit logs) */
  readonly logRetention?: logs.RetentionDays;
  /** @default - RETAIN, or DESTROY for dev/test/sandbox environments */
  readonly removalPolicy?: RemovalPolicy;
}

/** Item writes (the resource policy's subject). */
export const APPROVAL_ITEM_WRITES: readonly string[] = ITEM_WRITE_ACTIONS;
/** Changes to an existing item: never allowed (create-only). */
const ITEM_CHANGES = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'];

export class ApprovalsTable extends Construct {
  public readonly table: dynamodb.Table;
  public readonly encryptionKey: kms.Key;
  public readonly tableName: string;
  /** The role that may write decisions. */
  public readonly deciderRoleArn: string;
  /** Audit events of the decisions (encrypted with the table's key). */
  public readonly decisionLog: logs.LogGroup;
  /** Its one stream, the only one the deciding role writes. */
  public readonly decisionLogStream: logs.LogStream;
  /** The stream's ARN by name (as the admin role's policy in another stack names it). */
  public readonly decisionStreamArn: string;

  constructor(scope: Construct, id: string, props: ApprovalsTableProps) {
    super(scope, id);
    const { project, environment } = props;
    const removalPolicy = props.removalPolicy ?? defaultRemovalPolicy(environment);
    const stack = Stack.of(this);
    const roleArn = (name: string) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name });
    this.tableName = approvalsTableName(project, environment);
    this.deciderRoleArn = props.deciderRoleArn ?? roleArn(wardenAdminRoleName(project, environment));
    if (props.serverNames !== undefined && props.serverNames.length === 0) throw new Error(`ApprovalsTable ${id}: serverNames is empty; name the servers whose tools need approval, or leave it out for every server of ${project}-${environment}.`);
    const serverRoles = props.serverNames?.map((server) => roleArn(serverFunctionRoleName(project, environment, server))) ?? [roleArn(`${wardenRoleNamePattern(project, environment)}-server`)];
    const agentRoles = ['caller', 'data'].map((kind) => roleArn(`${wardenRoleNamePattern(project, environment)}-${kind}`));
    const decisions = `${APPROVALS_TABLE.decisionPrefix}*`;

    this.encryptionKey = new kms.Key(this, 'Key', { description: `mcp-warden ${project}-${environment}: the approvals table`, enableKeyRotation: true, removalPolicy });
    const deny = (sid: string, actions: readonly string[], conditions: Record<string, unknown>) =>
      new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: [...actions], resources: ['*'], conditions });
    this.table = wardenTable(this, 'Table', {
      tableName: this.tableName,
      partitionKey: APPROVALS_TABLE.partitionKey,
      timeToLiveAttribute: APPROVALS_TABLE.ttlAttribute,
      encryptionKey: this.encryptionKey,
      environment,
      removalPolicy,
      resourcePolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'ItemsAreCreateOnly', effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ITEM_CHANGES, resources: ['*'] }),
          deny('OnlyServersAndTheDeciderWrite', APPROVAL_ITEM_WRITES, { ArnNotLike: { 'aws:PrincipalArn': [...serverRoles, this.deciderRoleArn] } }),
          deny('ServersNeverWriteDecisions', APPROVAL_ITEM_WRITES, { ArnLike: { 'aws:PrincipalArn': serverRoles }, 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [decisions] } }),
          deny('TheDeciderWritesOnlyDecisions', APPROVAL_ITEM_WRITES, { ArnLike: { 'aws:PrincipalArn': [this.deciderRoleArn] }, 'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': [decisions] } }),
          deny('NoAgentAccess', ['dynamodb:*'], { ArnLike: { 'aws:PrincipalArn': agentRoles } }),
        ],
      }),
    });
    // the table's key also encrypts the decisions' audit log (one key per approvals store)
    allowCloudWatchLogs(this.encryptionKey);
    this.decisionLog = new logs.LogGroup(this, 'DecisionLog', {
      logGroupName: approvalDecisionsLogGroupName(project, environment),
      encryptionKey: this.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    this.decisionStreamArn = decisionStreamArn(stack, approvalDecisionsLogGroupName(project, environment));
    this.decisionLogStream = new logs.LogStream(this, 'DecisionStream', { logGroup: this.decisionLog, logStreamName: APPROVALS_TABLE.decisionsLogStream, removalPolicy });
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      suppress(this.table, {
        rule: `${pack}-DynamoDBInBackupPlan`,
        reason: 'Point-in-time recovery keeps 35 days of the approvals, which live at most 7 days plus 30 days of retention; every request, decision and execution is also in the audit log, linked by the approval id.',
      });
    }
  }

  /** What an MCP server does: read approvals, create requests and executions (never decisions). */
  public grantServer(grantee: iam.IGrantable): iam.Grant {
    return this.serverStatements()
      .map((st) => iam.Grant.addToPrincipal({ grantee, actions: st.actions, resourceArns: st.resources, ...(st.conditions && Object.keys(st.conditions).length > 0 ? { conditions: st.conditions } : {}) }))
      .reduce((a, b) => a.combine(b));
  }

  /** grantServer's permissions as statements, for a managed policy (the MCP function policy). */
  public serverStatements(): iam.PolicyStatement[] {
    const table = [this.table.tableArn];
    return [
      new iam.PolicyStatement({ sid: 'ReadHeldCallApprovals', actions: ['dynamodb:GetItem'], resources: table }),
      new iam.PolicyStatement({ sid: 'HoldAndRunCalls', actions: ['dynamodb:PutItem'], resources: table, conditions: SERVER_ITEMS_ONLY }),
      new iam.PolicyStatement({ sid: 'HeldCallApprovalsKey', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [this.encryptionKey.keyArn] }),
    ];
  }

  /** What a decider does (in this stack): exactly approvalDeciderStatements, on this table, its key and its decision stream. */
  public grantDecide(grantee: iam.IGrantable): iam.Grant {
    const table = [this.table.tableArn];
    return iam.Grant.addToPrincipal({ grantee, actions: DECIDER_READS, resourceArns: table })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:PutItem'], resourceArns: table, conditions: DECISIONS_ONLY }))
      .combine(iam.Grant.addToPrincipal({ grantee, actions: DECIDER_KEY_ACTIONS, resourceArns: [this.encryptionKey.keyArn] }))
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['logs:PutLogEvents'], resourceArns: [this.decisionStreamArn] }));
  }
}

/** A server's one write, PutItem, only on `request#` and `execution#` keys. */
const SERVER_ITEMS_ONLY = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${APPROVALS_TABLE.requestPrefix}*`, `${APPROVALS_TABLE.executionPrefix}*`] } };
/** What `warden approve|deny` and `approvals list` read: GetItem (one approval's items), Scan (list). */
const DECIDER_READS = ['dynamodb:GetItem', 'dynamodb:Scan'];
/** The decider's one write, PutItem, only on `decision#` keys (the table's own policy says so too). */
const DECISIONS_ONLY = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${APPROVALS_TABLE.decisionPrefix}*`] } };
/** DynamoDB uses the caller's permission on the table's key: Decrypt to read, GenerateDataKey/Encrypt to write. */
const DECIDER_KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];

const decisionStreamArn = (stack: Stack, logGroupName: string) =>
  stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${logGroupName}:log-stream:${APPROVALS_TABLE.decisionsLogStream}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

/**
 * The deciding role's permissions from another stack (the admin role lives in the backups
 * stack), by name and nothing more: the approvals table's items (PutItem only on `decision#`
 * keys, as the table's own policy also says), its key only through DynamoDB for that table, and
 * PutLogEvents to the one decisions stream (the stream exists: it needs no CreateLogStream).
 */
export function approvalDeciderStatements(stack: Stack, project: string, environment: string): iam.PolicyStatement[] {
  const tableName = approvalsTableName(project, environment);
  const tableArn = stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName });
  return [
    new iam.PolicyStatement({ sid: 'ReadAndListApprovals', actions: DECIDER_READS, resources: [tableArn] }),
    new iam.PolicyStatement({ sid: 'WriteDecisionsOnly', actions: ['dynamodb:PutItem'], resources: [tableArn], conditions: DECISIONS_ONLY }),
    new iam.PolicyStatement({
      sid: 'ApprovalsKeyThroughDynamoDb',
      actions: DECIDER_KEY_ACTIONS,
      resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:dynamodb:tableName': tableName } },
    }),
    new iam.PolicyStatement({ sid: 'AuditDecisions', actions: ['logs:PutLogEvents'], resources: [decisionStreamArn(stack, approvalDecisionsLogGroupName(project, environment))] }),
  ];
}
