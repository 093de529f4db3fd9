/**
 * The read-only calls a collection makes (runtime/collect*.ts), scoped to the deployment's
 * resources where the API allows it: the backup function's whole read access, and what the
 * admin role needs to diff a snapshot against live.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { agentStatusTableName } from '../../lib/config/deployment-names';

export interface DeploymentScope {
  readonly project: string;
  readonly environment: string;
}

/** `arn:...:iam::ACCOUNT:role/<project>-<environment>-*` and the same for policies. */
export function wardenIamArns(stack: Stack, scope: DeploymentScope): { readonly roles: string; readonly policies: string } {
  const name = `${scope.project}-${scope.environment}-*`;
  return {
    roles: stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name }),
    policies: stack.formatArn({ service: 'iam', region: '', resource: 'policy', resourceName: name }),
  };
}

export const wardenKeyTagConditions = (scope: DeploymentScope) => ({ StringEquals: { 'aws:ResourceTag/warden:project': scope.project, 'aws:ResourceTag/warden:environment': scope.environment } });

export function statusTableArn(stack: Stack, scope: DeploymentScope): string {
  return stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: agentStatusTableName(scope.project, scope.environment) });
}

/** kms:Decrypt of the kill-switch table's key, only as DynamoDB reading that table. */
export function statusKeyThroughDynamoDb(stack: Stack, scope: DeploymentScope, actions: string[], sid = 'KillSwitchKeyThroughDynamoDb'): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions,
    resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
    conditions: {
      StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:dynamodb:tableName': agentStatusTableName(scope.project, scope.environment) },
    },
  });
}

export function readConfigurationStatements(stack: Stack, scope: DeploymentScope): iam.PolicyStatement[] {
  const { roles, policies } = wardenIamArns(stack, scope);
  const keys = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
  return [
    // ListRoles, ListKeys and ListAliases take no resource (Service Authorization Reference)
    new iam.PolicyStatement({ sid: 'ListRolesAndKeys', actions: ['iam:ListRoles', 'kms:ListKeys', 'kms:ListAliases'], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'ReadWardenRoles',
      actions: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'],
      resources: [roles],
    }),
    new iam.PolicyStatement({ sid: 'ReadWardenPolicies', actions: ['iam:GetPolicy', 'iam:GetPolicyVersion'], resources: [policies] }),
    // which keys are the deployment's is known only from their tags
    new iam.PolicyStatement({ sid: 'ReadKeyTags', actions: ['kms:ListResourceTags'], resources: [keys] }),
    new iam.PolicyStatement({
      sid: 'ReadWardenKeys',
      actions: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus'],
      resources: [keys],
      conditions: wardenKeyTagConditions(scope),
    }),
    new iam.PolicyStatement({
      sid: 'ReadApiPolicies',
      actions: ['apigateway:GET'],
      resources: [stack.formatArn({ service: 'apigateway', account: '', resource: '/restapis', arnFormat: ArnFormat.NO_RESOURCE_NAME })],
    }),
    // DescribeAlarms is listed by name prefix; it takes no resource narrower than the account
    new iam.PolicyStatement({ sid: 'ReadAlarmDefinitions', actions: ['cloudwatch:DescribeAlarms'], resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'ReadKillSwitch', actions: ['dynamodb:Scan'], resources: [statusTableArn(stack, scope)] }),
    statusKeyThroughDynamoDb(stack, scope, ['kms:Decrypt']),
  ];
}

/** The wildcard resources of `readConfigurationStatements`, as cdk-nag names them (for suppressions). */
export function readConfigurationFindings(project: string, environment: string): string[] {
  return [
    `Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${project}-${environment}-*`,
    `Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/${project}-${environment}-*`,
    'Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*',
  ];
}
