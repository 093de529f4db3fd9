/**
 * Tags of a CloudFormation resource as the template will carry them (after the Tags aspect ran).
 * Rules identify warden resources by tag (`warden:role`, `warden:class`), not by name, so a
 * renamed or imported-then-managed resource is still checked.
 */
import { CfnResource, Stack, TagManager } from 'aws-cdk-lib';

export const ROLE_TAG = 'warden:role';
export const CLASS_TAG = 'warden:class';

export function tagsOf(node: CfnResource): Record<string, string> {
  return TagManager.isTaggable(node) ? node.tags.tagValues() : {};
}

/** True for IAM roles that mcp-warden manages for agents (tagged `warden:role`). */
export function isWardenRole(node: CfnResource): boolean {
  return node.cfnResourceType === 'AWS::IAM::Role' && tagsOf(node)[ROLE_TAG] !== undefined;
}

/** The tag every mcp-warden stack carries (WardenStack), on the stack and its taggable resources. */
export const MANAGED_BY_TAG = 'warden:managed-by';

/** True for resources of a stack mcp-warden builds (tagged `warden:managed-by`). */
export function isWardenStack(node: CfnResource): boolean {
  return Stack.of(node).tags.tagValues()[MANAGED_BY_TAG] !== undefined || tagsOf(node)[MANAGED_BY_TAG] !== undefined;
}
