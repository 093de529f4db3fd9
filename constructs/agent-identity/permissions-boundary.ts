/**
 * `WardenPermissionsBoundary`: the deny-list permissions boundary of agent *caller* roles and of
 * the service roles of a warden stack (lib/stacks puts it on every role that has no boundary of
 * its own), one managed policy per stack. Data and server roles carry allow-list boundaries
 * instead (`DataRoleBoundary`, `ServerRoleBoundary`): exactly the actions they use.
 *
 * A caller role is assumed by an agent runtime that needs other AWS services, so its boundary
 * allows `*` (a boundary grants nothing by itself: effective permissions are the intersection
 * with the identity policies) and does its work with Deny statements no attached policy can
 * override: no IAM (so no iam:PassRole of warden roles either), no KMS key administration, no
 * organization or account changes; nothing on warden Lambda functions (no direct invoke, no code
 * or configuration change); no API Gateway or EC2 change to warden-tagged resources; no item of a
 * warden table unless the principal is a warden data role; no tampering with logs, backups,
 * point-in-time recovery, table policies, CloudTrail, Config, GuardDuty, Security Hub or IAM
 * Access Analyzer; and no assuming roles outside this warden project and environment.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { suppress } from '../compliance';
import { dataRoleNamePattern } from '../../lib/config/role-names';
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

/** Actions that blind the audit trail or threat detection, or hide what they found. */
export const AUDIT_TAMPERING_ACTIONS: readonly string[] = [
  'access-analyzer:ApplyArchiveRule',
  'access-analyzer:CreateArchiveRule',
  'access-analyzer:DeleteAnalyzer',
  'access-analyzer:UpdateArchiveRule',
  'access-analyzer:UpdateFindings',
  'cloudtrail:DeleteEventDataStore',
  'cloudtrail:DeleteTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:PutInsightSelectors',
  'cloudtrail:StopEventDataStoreIngestion',
  'cloudtrail:StopLogging',
  'cloudtrail:UpdateEventDataStore',
  'cloudtrail:UpdateTrail',
  'config:DeleteConfigRule',
  'config:DeleteConfigurationRecorder',
  'config:DeleteDeliveryChannel',
  'config:DeleteEvaluationResults',
  'config:PutConfigurationRecorder',
  'config:StopConfigurationRecorder',
  'guardduty:CreateFilter',
  'guardduty:DeleteDetector',
  'guardduty:DeletePublishingDestination',
  'guardduty:DisassociateFromAdministratorAccount',
  'guardduty:UpdateDetector',
  'guardduty:UpdateFilter',
  'securityhub:BatchDisableStandards',
  'securityhub:BatchUpdateFindings',
  'securityhub:DisableImportFindingsForProduct',
  'securityhub:DisableSecurityHub',
  'securityhub:DisassociateFromAdministratorAccount',
  'securityhub:UpdateStandardsControl',
];

/** Actions that delete or shorten logs, backups and recovery points, or change who may reach a table. */
export const RECORD_TAMPERING_ACTIONS: readonly string[] = [
  'backup:DeleteBackupPlan',
  'backup:DeleteBackupSelection',
  'backup:DeleteBackupVault',
  'backup:DeleteBackupVaultAccessPolicy',
  'backup:DeleteBackupVaultLockConfiguration',
  'backup:DeleteRecoveryPoint',
  'backup:PutBackupVaultAccessPolicy',
  'backup:UpdateBackupPlan',
  'backup:UpdateRecoveryPointLifecycle',
  'dynamodb:DeleteResourcePolicy',
  'dynamodb:PutResourcePolicy',
  'dynamodb:UpdateContinuousBackups',
  'logs:AssociateKmsKey',
  'logs:DeleteLogGroup',
  'logs:DeleteLogStream',
  'logs:DeleteMetricFilter',
  'logs:DeleteRetentionPolicy',
  'logs:DeleteSubscriptionFilter',
  'logs:DisassociateKmsKey',
  'logs:PutRetentionPolicy',
];

/** API Gateway's write verbs (its IAM actions are HTTP methods on resource paths). */
export const APIGATEWAY_MUTATIONS: readonly string[] = ['apigateway:DELETE', 'apigateway:PATCH', 'apigateway:POST', 'apigateway:PUT'];
/** EC2 actions that change a resource (security groups, endpoints, network interfaces, routes...). */
export const EC2_MUTATIONS: readonly string[] = ['ec2:Associate*', 'ec2:Attach*', 'ec2:Authorize*', 'ec2:Create*', 'ec2:Delete*', 'ec2:Detach*', 'ec2:Disassociate*', 'ec2:Modify*', 'ec2:Replace*', 'ec2:Revoke*'];
/** DynamoDB actions on a table's items (data plane). */
export const TABLE_ITEM_ACTIONS: readonly string[] = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:ExportTableToPointInTime',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:PartiQL*',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:RestoreTableToPointInTime',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
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
    const arn = (service: string, resource: string, region: string = stack.region) => `arn:${stack.partition}:${service}:${region}:${stack.account}:${resource}`;
    const prefix = `${props.project}-${props.environment}`;
    const wardenRoles = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: wardenRoleNamePattern(props.project, props.environment) });
    const ownTag = { 'aws:ResourceTag/warden:project': props.project };
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `mcp-warden permissions boundary of ${props.project}-${props.environment}: caps every caller and service role whatever policies it gets`,
      statements: [
        new iam.PolicyStatement({ sid: 'IdentityPoliciesDecideTheRest', actions: ['*'], resources: ['*'] }),
        // iam:* covers iam:PassRole, so no warden role can be handed to a function or task either
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
        new iam.PolicyStatement({ sid: 'NoRecordTampering', effect: iam.Effect.DENY, actions: [...RECORD_TAMPERING_ACTIONS], resources: ['*'] }),
        // by name (CloudFormation names the functions after their stack, `<project>-<env>-...`) and by tag
        new iam.PolicyStatement({ sid: 'NothingOnWardenFunctions', effect: iam.Effect.DENY, actions: ['lambda:*'], resources: [arn('lambda', `function:${prefix}-*`)] }),
        new iam.PolicyStatement({ sid: 'NothingOnWardenTaggedFunctions', effect: iam.Effect.DENY, actions: ['lambda:*'], resources: ['*'], conditions: { StringEquals: ownTag } }),
        new iam.PolicyStatement({ sid: 'NoChangeToWardenNetworkOrApis', effect: iam.Effect.DENY, actions: [...APIGATEWAY_MUTATIONS, ...EC2_MUTATIONS], resources: ['*'], conditions: { StringEquals: ownTag } }),
        new iam.PolicyStatement({
          sid: 'NoWardenTableItemsButForDataRoles',
          effect: iam.Effect.DENY,
          actions: [...TABLE_ITEM_ACTIONS],
          resources: [arn('dynamodb', `table/${prefix}-*`)],
          conditions: { ArnNotLike: { 'aws:PrincipalArn': stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: dataRoleNamePattern(props.project, props.environment) }) } },
        }),
        new iam.PolicyStatement({ sid: 'AssumeOnlyWardenRolesByName', effect: iam.Effect.DENY, actions: ['sts:AssumeRole'], notResources: [wardenRoles] }),
        // two statements: one Deny with both keys would hold only when both differ
        new iam.PolicyStatement({
          sid: 'AssumeOnlyRolesOfThisProject',
          effect: iam.Effect.DENY,
          actions: ['sts:AssumeRole'],
          resources: ['*'],
          conditions: { StringNotEquals: { 'aws:ResourceTag/warden:project': props.project } },
        }),
        new iam.PolicyStatement({
          sid: 'AssumeOnlyRolesOfThisEnvironment',
          effect: iam.Effect.DENY,
          actions: ['sts:AssumeRole'],
          resources: ['*'],
          conditions: { StringNotEquals: { 'aws:ResourceTag/warden:environment': props.environment } },
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
