/**
 * Allow-list permissions boundaries for the roles whose work is fixed: an agent's *data role*
 * (DynamoDB items of its tables, their class keys through DynamoDB) and an MCP server's *function
 * role* (assume its agents' data roles, the kill switch and rate-limit counters, its log key, its
 * logs, traces and the network interfaces Lambda manages in the VPC). Anything else — IAM, KMS
 * administration, Lambda, a table's control plane, another service — is outside the boundary, so
 * no policy attached later (AdministratorAccess included) can grant it: effective permissions are
 * the intersection of the identity policies and the boundary.
 *
 * One managed policy of each kind per stack, created on first use (`DataRoleBoundary.of`).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { dataRoleNamePattern } from '../../lib/config/role-names';
import { alertsName, approvalsTableName } from '../../lib/config/deployment-names';
import { suppress, wildcardResourceFinding } from '../compliance';

export interface RoleBoundaryProps {
  readonly project: string;
  readonly environment: string;
  /**
   * Server boundary only: the SNS topics server roles may publish to (the approvers' notices of
   * held calls). Give it on the first `ServerRoleBoundary.of` of a stack, before any McpServer.
   * @default - the deployment's alert topic, `<project>-<environment>-warden-alerts` in this account and region
   */
  readonly notifyTopicArns?: readonly string[];
}

/** What a data role does: read and write items of its tables. */
export const DATA_ROLE_DYNAMODB_ACTIONS: readonly string[] = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];

/** Set by Lambda on every AWS call made from a function's execution environment, absent from its own ENI calls. */
export const SOURCE_FUNCTION_ARN_KEY = 'lambda:SourceFunctionArn';

/** What Lambda does with the function role to run it in a VPC (Lambda Developer Guide, "execution role and VPC"). */
export const VPC_NETWORK_INTERFACE_ACTIONS: readonly string[] = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
];

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

abstract class AllowListBoundary extends Construct {
  public readonly policy: iam.ManagedPolicy;
  public readonly project: string;
  public readonly environment: string;
  /** The SNS topics the boundary admits Publish to (none for data roles). */
  public readonly notifyTopicArns: readonly string[];

  protected constructor(scope: Construct, id: string, props: RoleBoundaryProps, kind: string, statements: iam.PolicyStatement[], wildcards: { resources: string[]; reason: string }) {
    super(scope, id);
    this.project = props.project;
    this.environment = props.environment;
    this.notifyTopicArns = props.notifyTopicArns ?? [];
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `mcp-warden permissions boundary of ${props.project}-${props.environment} ${kind} roles: exactly the actions they use`,
      statements,
    });
    suppress(this.policy, { rule: 'AwsSolutions-IAM5', reason: wildcards.reason, appliesTo: wildcards.resources.map((r) => (r === '*' ? 'Resource::*' : wildcardResourceFinding(this, r))) });
  }

  /** The managed policy, to pass as `permissionsBoundary`. */
  public get managedPolicy(): iam.IManagedPolicy {
    return this.policy;
  }
}

/** The boundary of `scope`'s stack under `id`, created on first use; throws for another project/environment. */
function boundaryOf<T extends AllowListBoundary>(scope: IConstruct, id: string, props: RoleBoundaryProps, create: (stack: Stack) => T, is: (c: unknown) => c is T): T {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(id);
  if (is(existing)) {
    if (existing.project !== props.project || existing.environment !== props.environment) {
      throw new Error(`${id}: stack ${stack.stackName} already has the boundary of ${existing.project}-${existing.environment}; put the roles of ${props.project}-${props.environment} in a stack of their own.`);
    }
    if (props.notifyTopicArns !== undefined && !sameList(props.notifyTopicArns, existing.notifyTopicArns)) {
      throw new Error(`${id}: stack ${stack.stackName} already has a boundary for topics ${existing.notifyTopicArns.join(', ')}; pass notifyTopicArns on the first ServerRoleBoundary.of of the stack, before any McpServer is created.`);
    }
    return existing;
  }
  return create(stack);
}

const DATA_ID = 'WardenDataRoleBoundary';
const SERVER_ID = 'WardenServerRoleBoundary';

/** The allow-list boundary of agent data roles. */
export class DataRoleBoundary extends AllowListBoundary {
  public static of(scope: IConstruct, props: RoleBoundaryProps): DataRoleBoundary {
    return boundaryOf(scope, DATA_ID, props, (stack) => new DataRoleBoundary(stack, DATA_ID, props), (c): c is DataRoleBoundary => c instanceof DataRoleBoundary);
  }

  private constructor(scope: Construct, id: string, props: RoleBoundaryProps) {
    const stack = Stack.of(scope);
    // brought tables (tableArn) may be in any region or account: the identity policy names them
    const tables = `arn:${stack.partition}:dynamodb:*:*:table/*`;
    const keys = `arn:${stack.partition}:kms:*:*:key/*`;
    super(
      scope,
      id,
      props,
      'data',
      [
        new iam.PolicyStatement({ sid: 'ItemsOfTables', actions: [...DATA_ROLE_DYNAMODB_ACTIONS], resources: [tables] }),
        new iam.PolicyStatement({ sid: 'ClassKeysThroughDynamoDb', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [keys], conditions: { StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' } } }),
      ],
      {
        resources: [tables, keys],
        reason:
          'A permissions boundary grants nothing by itself: it caps data roles to item reads and writes and class-key use through DynamoDB; which tables and keys each data role reaches is named one by one in its identity policy and enforced again by the table and key policies.',
      },
    );
  }
}

/** The allow-list boundary of MCP server function roles. */
export class ServerRoleBoundary extends AllowListBoundary {
  public static of(scope: IConstruct, props: RoleBoundaryProps): ServerRoleBoundary {
    return boundaryOf(scope, SERVER_ID, props, (stack) => new ServerRoleBoundary(stack, SERVER_ID, props), (c): c is ServerRoleBoundary => c instanceof ServerRoleBoundary);
  }

  private constructor(scope: Construct, id: string, props: RoleBoundaryProps) {
    const stack = Stack.of(scope);
    const arn = (service: string, resource: string) => `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
    const dataRoles = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: dataRoleNamePattern(props.project, props.environment) });
    const resources = {
      tables: arn('dynamodb', 'table/*'),
      keys: arn('kms', 'key/*'),
      logs: arn('logs', 'log-group:*'),
      interfaces: arn('ec2', '*/*'),
      guardrails: arn('bedrock', 'guardrail/*'),
    };
    // the approvers' topic(s) only: the function policy names the same one, the boundary keeps it so
    const topics = props.notifyTopicArns ?? [arn('sns', alertsName(props.project, props.environment))];
    super(
      scope,
      id,
      { ...props, notifyTopicArns: topics },
      'server',
      [
        new iam.PolicyStatement({ sid: 'ActAsDataRoles', actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [dataRoles] }),
        new iam.PolicyStatement({ sid: 'KillSwitchAndCounters', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [resources.tables] }),
        new iam.PolicyStatement({ sid: 'OwnKeys', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateMac'], resources: [resources.keys] }),
        // human approval of held calls (lib/approvals): create requests and executions, notify approvers
        new iam.PolicyStatement({ sid: 'HeldCallApprovals', actions: ['dynamodb:PutItem'], resources: [arn('dynamodb', `table/${approvalsTableName(props.project, props.environment)}`)] }),
        new iam.PolicyStatement({ sid: 'NotifyApprovers', actions: ['sns:Publish'], resources: [...topics] }),
        new iam.PolicyStatement({ sid: 'OwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [resources.logs] }),
        new iam.PolicyStatement({ sid: 'Traces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
        // argument screening with Bedrock Guardrails (guard.injection.engine); the function policy names the guardrail
        new iam.PolicyStatement({ sid: 'ScreenWithGuardrails', actions: ['bedrock:ApplyGuardrail'], resources: [resources.guardrails] }),
        new iam.PolicyStatement({ sid: 'DescribeNetwork', actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
        // Lambda manages the function's ENIs with this role from outside the execution environment,
        // so those calls carry no lambda:SourceFunctionArn; every call made from inside it (tool code
        // with the role's credentials) does (Lambda Developer Guide, "Using source function ARN").
        // Requiring the key to be absent leaves Lambda's ENI management working and denies the
        // function's own code any ENI change, in this account or another VPC of it.
        new iam.PolicyStatement({
          sid: 'NetworkInterfacesInThisAccount',
          actions: VPC_NETWORK_INTERFACE_ACTIONS.filter((a) => !a.startsWith('ec2:Describe')),
          resources: [resources.interfaces],
          conditions: { Null: { [SOURCE_FUNCTION_ARN_KEY]: 'true' } },
        }),
      ],
      {
        resources: [dataRoles, ...Object.values(resources), '*'],
        reason:
          "A permissions boundary grants nothing by itself: it caps server roles to assuming this deployment's data roles, the kill-switch and counter items, publishing to the approvers' topic, their own keys (incl. deriving secrets from their HMAC key) and logs, applying this account's Bedrock guardrails, traces and Lambda's VPC network interfaces, which only Lambda's own calls may change (no lambda:SourceFunctionArn: the function's code is refused them); X-Ray and the EC2 Describe calls accept only Resource *; each function policy names its own resources.",
      },
    );
  }
}
