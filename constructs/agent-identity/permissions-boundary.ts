/**
 * `WardenPermissionsBoundary`: the permissions boundary every warden role carries (agent, server
 * and service roles: lib/stacks puts it on every role of a warden stack), one managed policy per
 * stack. A boundary grants nothing by itself (effective permissions are the
 * intersection with the identity policies), so it allows `*` and does its work with Deny
 * statements that no attached policy can override: no IAM, no KMS key administration, no
 * organization or account changes, no tampering with CloudTrail/Config/GuardDuty, and no
 * assuming roles outside this warden project and environment.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { suppress } from '../compliance';
import { wardenRoleNamePattern } from './role-names';

export interface WardenPermissionsBoundaryProps {
  /** Project name from the manifest. */
  readonly project: string;
  /** Environment name from the manifest. */
  readonly environment: string;
}

/**
 * KMS actions that change a key, its policy, grants or lifecycle. `kms:CreateGrant` is denied by
 * its own statement (NoGrantsButForAwsResources), which leaves the grants AWS services create for
 * their resources on a role's behalf (AWS Backup's service role relies on those).
 */
export const KMS_ADMINISTRATION_ACTIONS: readonly string[] = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateCustomKeyStore',
  'kms:CreateKey',
  'kms:Delete*',
  'kms:Disable*',
  'kms:Enable*',
  'kms:ImportKeyMaterial',
  'kms:Put*',
  'kms:ReplicateKey',
  'kms:Retire*',
  'kms:Revoke*',
  'kms:RotateKeyOnDemand',
  'kms:Schedule*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:Update*',
];

/** Actions that blind the audit trail or threat detection. */
export const AUDIT_TAMPERING_ACTIONS: readonly string[] = [
  'cloudtrail:DeleteEventDataStore',
  'cloudtrail:DeleteTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:PutInsightSelectors',
  'cloudtrail:StopEventDataStoreIngestion',
  'cloudtrail:StopLogging',
  'cloudtrail:UpdateEventDataStore',
  'cloudtrail:UpdateTrail',
  'config:DeleteConfigurationRecorder',
  'config:DeleteDeliveryChannel',
  'config:StopConfigurationRecorder',
  'guardduty:DeleteDetector',
  'guardduty:DisassociateFromAdministratorAccount',
  'guardduty:UpdateDetector',
];

const BOUNDARY_ID = 'WardenPermissionsBoundary';

export class WardenPermissionsBoundary extends Construct {
  /**
   * The boundary of `scope`'s stack, created on first use. All warden roles of a stack share it.
   * Throws when the stack already has one for another project or environment.
   */
  public static of(scope: IConstruct, props: WardenPermissionsBoundaryProps): WardenPermissionsBoundary {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(BOUNDARY_ID);
    if (existing instanceof WardenPermissionsBoundary) {
      if (existing.project !== props.project || existing.environment !== props.environment) {
        throw new Error(
          `WardenPermissionsBoundary: stack ${stack.stackName} already has the boundary of ${existing.project}-${existing.environment}; ` +
            `put the roles of ${props.project}-${props.environment} in a stack of their own.`,
        );
      }
      return existing;
    }
    return new WardenPermissionsBoundary(stack, BOUNDARY_ID, props);
  }

  public readonly policy: iam.ManagedPolicy;
  public readonly project: string;
  public readonly environment: string;

  constructor(scope: Construct, id: string, props: WardenPermissionsBoundaryProps) {
    super(scope, id);
    this.project = props.project;
    this.environment = props.environment;
    const stack = Stack.of(this);
    const wardenRoles = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: wardenRoleNamePattern(props.project, props.environment) });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `mcp-warden permissions boundary of ${props.project}-${props.environment}: caps every agent role whatever policies it gets`,
      statements: [
        new iam.PolicyStatement({ sid: 'IdentityPoliciesDecideTheRest', actions: ['*'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'NoIdentityOrAccountAdministration', effect: iam.Effect.DENY, actions: ['account:*', 'iam:*', 'organizations:*'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'NoKeyAdministration', effect: iam.Effect.DENY, actions: [...KMS_ADMINISTRATION_ACTIONS], resources: ['*'] }),
        // a grant a role asks for itself is key administration; one an AWS service (DynamoDB,
        // AWS Backup) creates for its resource while acting for the role is not (absent key: denied)
        new iam.PolicyStatement({
          sid: 'NoGrantsButForAwsResources',
          effect: iam.Effect.DENY,
          actions: ['kms:CreateGrant'],
          resources: ['*'],
          conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } },
        }),
        new iam.PolicyStatement({ sid: 'NoAuditTampering', effect: iam.Effect.DENY, actions: [...AUDIT_TAMPERING_ACTIONS], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'AssumeOnlyWardenRolesByName', effect: iam.Effect.DENY, actions: ['sts:AssumeRole'], notResources: [wardenRoles] }),
        new iam.PolicyStatement({
          sid: 'AssumeOnlyWardenRolesByTag',
          effect: iam.Effect.DENY,
          actions: ['sts:AssumeRole'],
          resources: ['*'],
          conditions: { StringNotEquals: { 'aws:ResourceTag/warden:project': props.project } },
        }),
      ],
    });
    const why =
      'This is a permissions boundary: its Allow of everything grants nothing by itself, because effective permissions are the intersection with identity policies; its Deny statements are the control.';
    suppress(this.policy, { rule: 'AwsSolutions-IAM5', reason: why, appliesTo: ['Action::*', 'Resource::*'] });
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      suppress(this.policy, { rule: `${pack}-IAMPolicyNoStatementsWithAdminAccess`, reason: why });
      suppress(this.policy, { rule: `${pack}-IAMPolicyNoStatementsWithFullAccess`, reason: why });
    }
  }

  /** The managed policy, to pass as `permissionsBoundary`. */
  public get managedPolicy(): iam.IManagedPolicy {
    return this.policy;
  }
}
