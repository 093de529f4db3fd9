/**
 * Finding strings of granular cdk-nag rules (AwsSolutions-IAM5), for `suppress({ appliesTo })`.
 * We reuse cdk-nag's own flattening so the strings match what the rule reports exactly.
 */
import { Stack } from 'aws-cdk-lib';
// Not re-exported from the package index; the file is part of the published package (cdk-nag 3.0.x).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/**
 * The AwsSolutions-IAM5 finding for a wildcard resource ARN used in a policy of `scope`'s stack.
 * The ARN must resolve inside that stack (literals, pseudo parameters, local references).
 */
export function wildcardResourceFinding(scope: IConstruct, arn: string): string {
  return `Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}`;
}

/** The AwsSolutions-IAM5 finding for a wildcard action such as `kms:GenerateDataKey*`. */
export function wildcardActionFinding(action: string): string {
  return `Action::${action}`;
}
