/**
 * The stack's one `AwsCustomResource` function (CDK makes a singleton per stack), which runs the
 * network's deploy-time EC2 calls: the DynamoDB prefix-list lookup (`DynamoDbPrefixList`) and the
 * default security group's lockdown (`DefaultSecurityGroupLockdown`). It takes the role and log
 * group of its first user; later users attach their managed policies to that role.
 */
import type { IConstruct } from 'constructs';
import { suppress } from '../compliance';

/** Construct id CDK gives the singleton Lambda of every AwsCustomResource in a stack. */
export const AWS_CUSTOM_RESOURCE_FUNCTION_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** The findings of the singleton function, whose work is a few EC2 calls per deployment. */
export function suppressDeployTimeFunction(fn: IConstruct): void {
  const once =
    'It runs only during CloudFormation deployments, a few EC2 calls per create or update of the network (the DynamoDB prefix-list lookup, removing the default security group rules);';
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
    suppress(fn, {
      rule: `${pack}-LambdaInsideVPC`,
      reason: `${once} the network's isolated subnets have no EC2 API endpoint (and need none at run time), so it runs outside the VPC, where it reaches nothing but that API with a role allowed only those calls and its own log writes.`,
    });
  }
  suppress(fn, {
    rule: 'Serverless-LambdaTracing',
    reason: `${once} each call and its outcome are in its log group and in CloudTrail, so a trace would add nothing (and X-Ray permissions to its role).`,
  });
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'Serverless']) {
    suppress(fn, {
      rule: `${pack}-LambdaDLQ`,
      reason: `${once} a failure fails the CloudFormation deployment, which reports it and rolls back; there is no asynchronous event to park in a dead-letter queue.`,
    });
  }
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
    suppress(fn, {
      rule: `${pack}-LambdaConcurrency`,
      reason: `${once} CloudFormation invokes it once per resource event, so reserved concurrency would only take capacity from the account.`,
    });
  }
}
