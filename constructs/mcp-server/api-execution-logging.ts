/**
 * API Gateway execution logging: the account-level CloudWatch role, and each stage's execution
 * log group created ahead of API Gateway so that it is KMS-encrypted and kept.
 *
 * Execution logs (errors by default) say why API Gateway refused or failed a request before or
 * after the function: a SigV4 mismatch, a resource-policy denial, an integration timeout. They
 * need the role in the account's API Gateway settings (`AWS::ApiGateway::Account`), one setting
 * per account and region shared by every REST API there, so `ApiGatewayCloudWatchRole` is created
 * once per stack (the first servers shard) and other shards rely on it (`executionLogging:
 * 'existing'`). Its policy reaches only API Gateway's own log groups (`API-Gateway-Execution-Logs_*`
 * and `/aws/apigateway/welcome`), not every log group as the AWS managed policy does.
 *
 * Request and response bodies are never logged (`dataTraceEnabled` stays false): they hold the
 * agents' arguments and the unredacted tool results.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { accountBoundServicePrincipal } from '../agent-identity/service-trust';
import { suppress } from '../compliance';

/** Where execution logging comes from: created by this stack, already set in the account, or off. */
export type ExecutionLogging = 'create' | 'existing' | 'off';

/** The log group API Gateway writes a stage's execution logs to (its own naming; it cannot be changed). */
export function executionLogGroupName(restApiId: string, stageName: string): string {
  return `API-Gateway-Execution-Logs_${restApiId}/${stageName}`;
}

const ID = 'ApiGatewayCloudWatchRole';

/** The account's API Gateway CloudWatch role and the setting that names it, once per stack. */
export class ApiGatewayCloudWatchRole extends Construct {
  /** The one in `scope`'s stack, created on first use. */
  public static of(scope: Construct): ApiGatewayCloudWatchRole {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(ID);
    return existing instanceof ApiGatewayCloudWatchRole ? existing : new ApiGatewayCloudWatchRole(stack, ID);
  }

  public readonly role: iam.Role;
  public readonly policy: iam.ManagedPolicy;
  /** The account setting; stages that log must deploy after it. */
  public readonly account: apigw.CfnAccount;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = (name: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: accountBoundServicePrincipal(this, 'apigateway.amazonaws.com'),
      description: 'API Gateway execution logs of this account and region (AWS::ApiGateway::Account); writes only API Gateway log groups',
      maxSessionDuration: Duration.hours(1),
    });
    // a managed policy of our own instead of AmazonAPIGatewayPushToCloudWatchLogs (every log group, "*")
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'API Gateway writes its execution logs, nothing else',
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteApiGatewayLogs',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [logGroup('API-Gateway-Execution-Logs_*'), logGroup('/aws/apigateway/welcome'), logGroup('/aws/apigateway/welcome:log-stream:*')],
        }),
        new iam.PolicyStatement({ sid: 'ListLogGroups', actions: ['logs:DescribeLogGroups'], resources: [logGroup('*')] }),
      ],
    });
    suppress(this.policy, {
      rule: 'AwsSolutions-IAM5',
      reason:
        'The account setting serves every REST API of the account and region, whose execution log groups API Gateway names API-Gateway-Execution-Logs_<api id>/<stage>, so the role writes that name pattern only (and its welcome group); logs:DescribeLogGroups is a list call on log-group:*.',
      appliesTo: [
        'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:API-Gateway-Execution-Logs_*',
        'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/apigateway/welcome:log-stream:*',
        'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*',
      ],
    });
    this.account = new apigw.CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
    this.account.node.addDependency(this.policy);
  }
}

export interface StageExecutionLogsProps {
  readonly api: apigw.RestApi;
  /** The deployment stage's name, as a literal (the stage's own attribute would make a cycle). */
  readonly stageName: string;
  readonly logging: Exclude<ExecutionLogging, 'off'>;
  readonly encryptionKey: kms.IKey;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** A stage's execution log group, created before the stage logs into it; with 'create', also the account role. */
export class StageExecutionLogs extends Construct {
  public readonly logGroup: logs.LogGroup;
  /** The account role, when this stack creates it. */
  public readonly accountRole?: ApiGatewayCloudWatchRole;

  constructor(scope: Construct, id: string, props: StageExecutionLogsProps) {
    super(scope, id);
    const stage = props.api.deploymentStage;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: executionLogGroupName(props.api.restApiId, props.stageName),
      encryptionKey: props.encryptionKey,
      retention: props.retention,
      removalPolicy: props.removalPolicy,
    });
    stage.node.addDependency(this.logGroup);
    if (props.logging === 'create') {
      this.accountRole = ApiGatewayCloudWatchRole.of(this);
      stage.node.addDependency(this.accountRole.account);
    }
  }
}
