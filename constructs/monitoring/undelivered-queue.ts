/**
 * `undeliveredQueue`: the dead-letter queue warden puts behind an alert path (SNS subscriptions,
 * EventBridge targets): encrypted with the caller's customer-managed key, TLS only, messages kept
 * 14 days so a missed alert or containment can still be found and replayed by hand. The key's
 * policy lets the delivering services of this account use it (a service writing to an SSE-KMS
 * queue needs kms:GenerateDataKey and Decrypt on its key). Being the last queue, it has no
 * dead-letter queue of its own; the suppression says so. Used by WardenAlerts and IncidentResponse.
 */
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { suppress } from '../compliance';

export interface UndeliveredQueueProps {
  readonly encryptionKey: kms.Key;
  readonly removalPolicy: RemovalPolicy;
  /** What the queue is the dead-letter queue of, for the suppression's reason, e.g. "the alarm rule target (EventBridge DeadLetterConfig)". */
  readonly deadLetterQueueOf: string;
  /** Services that park messages in it (each gets a key policy statement). */
  readonly deliveredBy: readonly { readonly service: string; readonly sid: string }[];
}

export function undeliveredQueue(scope: Construct, id: string, props: UndeliveredQueueProps): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: props.encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: props.removalPolicy,
  });
  const isDeadLetterQueue = `This queue is itself the dead-letter queue of ${props.deadLetterQueueOf}; a queue behind it would only hold what nobody reads.`;
  suppress(queue, { rule: 'AwsSolutions-SQS3', reason: isDeadLetterQueue });
  suppress(queue, { rule: 'Serverless-SQSRedrivePolicy', reason: isDeadLetterQueue });
  for (const { service, sid } of props.deliveredBy) {
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal(service)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
      }),
    );
  }
  return queue;
}
