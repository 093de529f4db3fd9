/**
 * Wires an McpServer whose tools need human approval to the approvals table and the approvers'
 * topic (the manifest's `approvals.topicArn`, or the alert topic by name): table access, the
 * table in the DynamoDB endpoint policy, the SNS endpoint, Publish, and the runtime's variables.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ApprovalsTable } from '../../constructs/approvals';
import { serverFunctionRoleName } from '../../constructs/agent-identity';
import type { McpServer } from '../../constructs/mcp-server';
import { RUNTIME_ENV } from '../../constructs/mcp-server/runtime/runtime-env';
import { alertsName, approvalsTableName } from '../config/deployment-names';
import type { Manifest } from '../config/schema';
import { suppress } from '../../constructs/compliance';

/** The topic approvers are notified on. */
export function approvalsTopicArn(stack: Stack, manifest: Manifest): string {
  return manifest.approvals?.topicArn ?? stack.formatArn({ service: 'sns', resource: alertsName(manifest.project, manifest.environment) });
}

export function grantApprovals(mcp: McpServer, approvals: ApprovalsTable, manifest: Manifest): void {
  const stack = Stack.of(mcp);
  const tableName = approvalsTableName(manifest.project, manifest.environment);
  const topicArn = approvalsTopicArn(stack, manifest);
  // on the function's managed policy, like its other grants (no inline policies)
  mcp.functionPolicy.addStatements(...approvals.serverStatements());
  // by name: a later shard must not import the first shard's table ARN into its endpoint policy
  mcp.network.allowTables([stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName })]);
  // the endpoint admits Publish to this topic by this server's role only
  const publisherRoleArn = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: serverFunctionRoleName(manifest.project, manifest.environment, mcp.serverName) });
  mcp.network.snsEndpoint({ topicArn, publisherRoleArn });
  mcp.functionPolicy.addStatements(
    new iam.PolicyStatement({ sid: 'NotifyApprovers', actions: ['sns:Publish'], resources: [topicArn] }),
    // the topic's key, only through SNS (as incident response publishes to the same topic)
    new iam.PolicyStatement({
      sid: 'NotifyApproversEncrypted',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.amazonaws.com` } },
    }),
  );
  suppress(mcp.functionPolicy, {
    rule: 'AwsSolutions-IAM5',
    reason: 'The approvers\' topic is encrypted with a key of another stack (the alert topic\'s, deployed later) or of the manifest\'s topic: the key is used only through SNS (kms:ViaService), only to publish to the one topic this policy names.',
    appliesTo: ['Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*'],
  });
  mcp.function.addEnvironment(RUNTIME_ENV.approvalsTable, tableName);
  mcp.function.addEnvironment(RUNTIME_ENV.approvalsTopic, topicArn);
}
