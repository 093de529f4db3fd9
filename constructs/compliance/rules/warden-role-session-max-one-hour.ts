import { CfnResource } from 'aws-cdk-lib';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance, NagRules } from 'cdk-nag';
import { isWardenRole } from './resource-tags';

/** One hour, the IAM default (IAM API reference, CreateRole MaxSessionDuration). */
export const MAX_WARDEN_SESSION_SECONDS = 3600;

/**
 * Compliant: every warden role allows sessions of at most one hour (unset means the IAM default
 * of one hour), so a leaked or contained agent's credentials expire soon.
 */
export function WardenRoleSessionMaxOneHour(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnRole) || !isWardenRole(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const seconds: unknown = NagRules.resolveIfPrimitive(node, node.maxSessionDuration);
  if (seconds === undefined) return NagRuleCompliance.COMPLIANT;
  return typeof seconds === 'number' && seconds <= MAX_WARDEN_SESSION_SECONDS ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
