/**
 * Puts the warden permissions boundary on every IAM role of a warden stack, including the ones
 * CDK constructs create on their own (the AWS Backup selection role, the VPC flow-log role, the
 * custom-resource provider roles), so "every warden role has the boundary" holds for roles no
 * warden construct names. A role that already has a boundary keeps it.
 *
 * The boundary only denies identity, key and account administration, audit tampering and
 * assuming non-warden roles, none of which those service roles use (flow logs write to one log
 * group; the backup role backs up tables, and its KMS grants for AWS resources stay allowed; the
 * providers change security-group rules or describe prefix lists).
 */
import { CfnResource, type IAspect, Stack } from 'aws-cdk-lib';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { WardenPermissionsBoundary } from '../../constructs/agent-identity';

export class EveryRoleBounded implements IAspect {
  constructor(
    private readonly project: string,
    private readonly environment: string,
  ) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== CfnRole.CFN_RESOURCE_TYPE_NAME) return;
    if (node instanceof CfnRole && node.permissionsBoundary !== undefined) return;
    // created on first use, so a stack without roles gets no boundary policy
    const boundary = WardenPermissionsBoundary.of(node, { project: this.project, environment: this.environment }).policy;
    if (node instanceof CfnRole) {
      node.permissionsBoundary = boundary.managedPolicyArn;
    } else {
      // provider roles of CustomResourceProvider are plain CfnResources (never with a boundary)
      node.addPropertyOverride('PermissionsBoundary', Stack.of(node).resolve(boundary.managedPolicyArn));
    }
  }
}
