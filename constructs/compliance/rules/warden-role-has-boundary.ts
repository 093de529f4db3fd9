import { CfnResource } from 'aws-cdk-lib';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance, NagRules } from 'cdk-nag';
import { isWardenRole } from './resource-tags';

/**
 * Compliant: every warden role (an IAM role tagged `warden:role`) has a permissions boundary, so
 * a policy attached later by mistake still cannot grant iam:*, KMS administration or trail tampering.
 */
export function WardenRoleHasBoundary(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnRole) || !isWardenRole(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const boundary: unknown = NagRules.resolveResourceFromIntrinsic(node, node.permissionsBoundary);
  return typeof boundary === 'string' && boundary.length > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
