import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance } from 'cdk-nag';
import { isWardenRole, isWardenStack } from './resource-tags';

/**
 * Compliant: every IAM role of a warden stack (tagged `warden:managed-by`), and every role tagged
 * `warden:role` anywhere, has a permissions boundary, so a policy attached later by mistake still
 * cannot grant iam:*, KMS administration or trail tampering. That includes roles CDK constructs
 * create themselves (backup selection, flow logs, custom-resource providers), which may be plain
 * CfnResources with the boundary set by a property override: the rule reads the resource as the
 * template will carry it.
 */
export function WardenRoleHasBoundary(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== CfnRole.CFN_RESOURCE_TYPE_NAME || !(isWardenRole(node) || isWardenStack(node))) return NagRuleCompliance.NOT_APPLICABLE;
  const boundary = templateProperties(node).PermissionsBoundary;
  return boundary !== undefined && boundary !== null && boundary !== '' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

/** The resource's Properties as synthesized (construct properties plus overrides). */
function templateProperties(node: CfnResource): Record<string, unknown> {
  const stack = Stack.of(node);
  // _toCloudFormation is how the stack renders every resource; it applies the raw overrides
  const rendered = stack.resolve((node as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as { Resources?: Record<string, { Properties?: Record<string, unknown> }> };
  return rendered.Resources?.[stack.resolve(node.logicalId) as string]?.Properties ?? {};
}
