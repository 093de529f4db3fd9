/** Key policy for CMKs that encrypt CloudWatch Logs log groups, and the key every construct's logs use. */
import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * Lets CloudWatch Logs of this region use `key` for log groups of this account and region only
 * (the encryption context names the log group; "Encrypt log data in CloudWatch Logs using AWS KMS").
 */
export function allowCloudWatchLogs(key: kms.Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
    }),
  );
}

export interface LogEncryptionKeyProps {
  /** Says whose logs (and what else) the key encrypts. */
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
}

/** A customer-managed, rotating key that CloudWatch Logs may use for this account's log groups. */
export function logEncryptionKey(scope: Construct, id: string, props: LogEncryptionKeyProps): kms.Key {
  const key = new kms.Key(scope, id, { description: props.description, enableKeyRotation: true, removalPolicy: props.removalPolicy });
  allowCloudWatchLogs(key);
  return key;
}
