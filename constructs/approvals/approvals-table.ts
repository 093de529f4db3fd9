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
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { approvalsTableName, wardenAdminRoleName } from '../../lib/config/deployment-names';
import { wardenRoleNamePattern } from '../agent-identity';
import { suppress } from '../compliance';
import { defaultRemovalPolicy, isEphemeralEnvironment } from '../data-plane/retention';
import { APPROVALS_TABLE } from './runtime/approvals-table-schema';

export interface ApprovalsTableProps {
  readonly project: string;
  readonly environment: string;
  /** The role that writes decisions. @default - the MFA-gated warden admin role (`<project>-<environment>-warden-admin`) */
  readonly deciderRoleArn?: string;
  /** @default - RETAIN, or DESTROY for dev/test/sandbox environments */
  readonly removalPolicy?: RemovalPolicy;
}

/** Item writes (the resource policy's subject). */
export const APPROVAL_ITEM_WRITES: readonly string[] = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'];
/** Changes to an existing item: never allowed (create-only). */
const ITEM_CHANGES = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'];

export class ApprovalsTable extends Construct {
  public readonly table: dynamodb.Table;
  public readonly encryptionKey: kms.Key;
  public readonly tableName: string;
  /** The role that may write decisions. */
  public readonly deciderRoleArn: string;

  constructor(scope: Construct, id: string, props: ApprovalsTableProps) {
    super(scope, id);
    const { project, environment } = props;
    const ephemeral = isEphemeralEnvironment(environment);
    const removalPolicy = props.removalPolicy ?? defaultRemovalPolicy(environment);
    const stack = Stack.of(this);
    const roleArn = (name: string) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name });
    this.tableName = approvalsTableName(project, environment);
    this.deciderRoleArn = props.deciderRoleArn ?? roleArn(wardenAdminRoleName(project, environment));
    const serverRoles = roleArn(`${wardenRoleNamePattern(project, environment)}-server`);
    const agentRoles = ['caller', 'data'].map((kind) => roleArn(`${wardenRoleNamePattern(project, environment)}-${kind}`));
    const decisions = `${APPROVALS_TABLE.decisionPrefix}*`;

    this.encryptionKey = new kms.Key(this, 'Key', { description: `mcp-warden ${project}-${environment}: the approvals table`, enableKeyRotation: true, removalPolicy });
    const deny = (sid: string, actions: readonly string[], conditions: Record<string, unknown>) =>
      new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: [...actions], resources: ['*'], conditions });
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: this.tableName,
      partitionKey: { name: APPROVALS_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: APPROVALS_TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !ephemeral,
      removalPolicy,
      resourcePolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'ItemsAreCreateOnly', effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ITEM_CHANGES, resources: ['*'] }),
          deny('OnlyServersAndTheDeciderWrite', APPROVAL_ITEM_WRITES, { ArnNotLike: { 'aws:PrincipalArn': [serverRoles, this.deciderRoleArn] } }),
          deny('ServersNeverWriteDecisions', APPROVAL_ITEM_WRITES, { ArnLike: { 'aws:PrincipalArn': [serverRoles] }, 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [decisions] } }),
          deny('TheDeciderWritesOnlyDecisions', APPROVAL_ITEM_WRITES, { ArnLike: { 'aws:PrincipalArn': [this.deciderRoleArn] }, 'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': [decisions] } }),
          deny('NoAgentAccess', ['dynamodb:*'], { ArnLike: { 'aws:PrincipalArn': agentRoles } }),
        ],
      }),
    });
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      suppress(this.table, {
        rule: `${pack}-DynamoDBInBackupPlan`,
        reason: 'Point-in-time recovery keeps 35 days of the approvals, which live at most 7 days plus 30 days of retention; every request, decision and execution is also in the audit log, linked by the approval id.',
      });
    }
  }

  /** What an MCP server does: read approvals, create requests and executions (never decisions). */
  public grantServer(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem').combine(this.encryptionKey.grantEncryptDecrypt(grantee));
  }

  /** grantServer's permissions as statements, for a managed policy (the MCP function policy). */
  public serverStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ sid: 'HeldCallApprovals', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [this.table.tableArn] }),
      new iam.PolicyStatement({ sid: 'HeldCallApprovalsKey', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [this.encryptionKey.keyArn] }),
    ];
  }

  /** What a decider does (in this stack): read and list approvals, create decisions. */
  public grantDecide(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan').combine(this.encryptionKey.grantEncryptDecrypt(grantee));
  }
}

/**
 * The deciding role's permissions from another stack (the admin role lives in the backups
 * stack): the table by name, its key only through DynamoDB for that table.
 */
export function approvalDeciderStatements(stack: Stack, project: string, environment: string): iam.PolicyStatement[] {
  const tableName = approvalsTableName(project, environment);
  return [
    new iam.PolicyStatement({ sid: 'DecideApprovals', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'], resources: [stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName })] }),
    new iam.PolicyStatement({
      sid: 'ApprovalsKeyThroughDynamoDb',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:dynamodb:tableName': tableName } },
    }),
  ];
}
