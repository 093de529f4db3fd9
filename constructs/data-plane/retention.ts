/**
 * What survives `cdk destroy`. Data and keys are retained (and tables deletion-protected) except
 * in throw-away environments, where leftovers would only cost money and block re-deploys.
 */
import { RemovalPolicy } from 'aws-cdk-lib';

/** Environment names treated as throw-away. */
export const EPHEMERAL_ENVIRONMENTS: readonly string[] = ['dev', 'test', 'sandbox'];

export function isEphemeralEnvironment(environment: string): boolean {
  return EPHEMERAL_ENVIRONMENTS.includes(environment);
}

/** RETAIN, or DESTROY for dev/test/sandbox. */
export function defaultRemovalPolicy(environment: string): RemovalPolicy {
  return isEphemeralEnvironment(environment) ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
