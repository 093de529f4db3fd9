/**
 * Retry policy of every AWS task of the incident-response state machine. Throttling is retried
 * patiently (containment must not give up because IAM or DynamoDB said "slow down"); any other
 * task error is retried briefly, since most are transient (a 5xx, a network blip) and the few
 * permanent ones (access denied, no such role) then reach the Catch that notifies within seconds.
 * Timeouts are never retried: the decision wait's timeout is a decision.
 *
 * Step Functions names an AWS SDK integration's errors `<Service>.<Error>Exception`, the service
 * in PascalCase ("Handling errors in SDK integrations"); Lambda's are `Lambda.<Error>`.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** PascalCase service names as Step Functions prefixes their errors. */
export type TaskService = 'Iam' | 'DynamoDb' | 'Sns' | 'CloudWatch' | 'Lambda';

export function throttlingErrors(service: TaskService): string[] {
  if (service === 'Lambda') return ['Lambda.TooManyRequestsException', 'Lambda.ThrottlingException'];
  const names = ['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceededException'];
  if (service === 'DynamoDb') names.push('ProvisionedThroughputExceededException');
  if (service === 'Sns') names.push('ThrottledException');
  return names.map((n) => `${service}.${n}`);
}

/** Throttled calls: 1 s, 2 s, 4 s, 8 s, 8 s, 8 s with full jitter (about 30 s at most). */
export const THROTTLING_RETRY: Omit<sfn.RetryProps, 'errors'> = {
  interval: Duration.seconds(1),
  backoffRate: 2,
  maxAttempts: 6,
  maxDelay: Duration.seconds(8),
  jitterStrategy: sfn.JitterType.FULL,
};

/** Other task errors: two more tries, 1 s and 2 s later. */
export const TRANSIENT_RETRY: Omit<sfn.RetryProps, 'errors'> = { interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 2 };

export function addTaskRetries(task: sfn.TaskStateBase, service: TaskService): void {
  task.addRetry({ errors: throttlingErrors(service), ...THROTTLING_RETRY });
  // States.TaskFailed matches every task error but a timeout
  task.addRetry({ errors: [sfn.Errors.TASKS_FAILED], ...TRANSIENT_RETRY });
}
