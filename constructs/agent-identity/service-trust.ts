/**
 * Service principals in trust policies, bound to this account (the cross-service confused deputy:
 * a service acting for another customer must not be able to assume a warden role).
 *
 * Where a service documents the keys for the role it assumes, the trust requires them outright:
 * `aws:SourceAccount` = this account and `aws:SourceArn` = one of this account's resources of that
 * service (ECS tasks, Bedrock agents, VPC flow logs). Other services (Lambda's execution role,
 * AWS Backup's selection role, a service a manifest names) receive the role with iam:PassRole,
 * which is the control there; their trust still requires `aws:SourceAccount` wherever the
 * service sets it (`StringEqualsIfExists`), so the condition can only narrow, never lock out.
 * See "The confused deputy problem" (IAM User Guide) and each service's own page.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/** Services whose role assumption carries aws:SourceAccount and aws:SourceArn, with the ARN of this account's resources. */
const SOURCE_ARNS: Readonly<Record<string, (partition: string, region: string, account: string) => string>> = {
  'ecs-tasks.amazonaws.com': (p, r, a) => `arn:${p}:ecs:${r}:${a}:*`,
  'bedrock.amazonaws.com': (p, r, a) => `arn:${p}:bedrock:${r}:${a}:*`,
  'vpc-flow-logs.amazonaws.com': (p, r, a) => `arn:${p}:ec2:${r}:${a}:vpc-flow-log/*`,
};

/** True when `service` documents aws:SourceArn/aws:SourceAccount for the roles it assumes (the trust requires both). */
export function setsSourceKeys(service: string): boolean {
  return service in SOURCE_ARNS;
}

/** `service` as a trusted principal, only on behalf of `scope`'s account (see the file comment). */
export function accountBoundServicePrincipal(scope: IConstruct, service: string): iam.IPrincipal {
  const stack = Stack.of(scope);
  const sourceArn = SOURCE_ARNS[service];
  if (sourceArn) {
    return new iam.ServicePrincipal(service).withConditions({
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': sourceArn(stack.partition, stack.region, stack.account) },
    });
  }
  return new iam.ServicePrincipal(service).withConditions({ StringEqualsIfExists: { 'aws:SourceAccount': stack.account } });
}
