/**
 * `WardenAdminRole`: the role people assume for configuration changes — `warden backup restore
 * --apply` (and reading backups at all), `warden incident release|keep`, `warden approve|deny`.
 * Assumable only with MFA (at most an hour old) and, where the manifest lists `admins.principals`,
 * only by those. Named `<project>-<environment>-warden-admin` (lib/config), so other stacks grant
 * it by name.
 *
 * It carries a boundary of its own rather than the warden boundary (which denies all of IAM, and
 * a restore rewrites warden roles): IAM changes only to warden roles and policies and never
 * creating, deleting or passing roles; key policies only of this deployment's keys, no key
 * creation, deletion, disabling, rotation off, aliases or grants; no loosening of
 * the backup bucket; no audit tampering; no assuming other roles.
 */
import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { wardenAdminRoleName } from '../../lib/config/deployment-names';
import { AUDIT_TAMPERING_ACTIONS } from '../agent-identity/permissions-boundary';
import { suppress } from '../compliance';
import { readConfigurationFindings, readConfigurationStatements, statusKeyThroughDynamoDb, statusTableArn, wardenIamArns, wardenKeyTagConditions } from './read-configuration';

export interface WardenAdminRoleProps {
  readonly project: string;
  readonly environment: string;
  /**
   * Who may assume the role (IAM role or user ARNs, account ids), each still with MFA.
   * @default - any principal of this account that its own policies allow, with MFA
   */
  readonly principals?: readonly string[];
  /** How old the MFA authentication may be. @default Duration.hours(1) */
  readonly maxMfaAge?: Duration;
}

/** The IAM changes a restore makes (runtime/restore.ts). */
export const RESTORE_IAM_ACTIONS: readonly string[] = [
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:UpdateRole',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
];

export class WardenAdminRole extends Construct {
  public readonly role: iam.Role;
  public readonly boundary: iam.ManagedPolicy;
  /** Read configuration and backups, restore IAM, KMS and kill-switch state. */
  public readonly restorePolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: WardenAdminRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { project, environment } = props;
    const { roles, policies } = wardenIamArns(stack, props);
    const principals = (props.principals ?? []).map((p) => (/^\d{12}$/.test(p) ? new iam.AccountPrincipal(p) : new iam.ArnPrincipal(p)));
    const assumedBy = (principals.length > 0 ? new iam.CompositePrincipal(...principals) : new iam.AccountRootPrincipal()).withConditions({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      NumericLessThan: { 'aws:MultiFactorAuthAge': String((props.maxMfaAge ?? Duration.hours(1)).toSeconds()) },
    });
    this.boundary = new iam.ManagedPolicy(this, 'Boundary', {
      description: `mcp-warden ${project}-${environment}: boundary of the MFA-gated admin role`,
      statements: [
        new iam.PolicyStatement({ sid: 'IdentityPoliciesDecideTheRest', actions: ['*'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'IamChangesOnlyToWardenRolesAndPolicies',
          effect: iam.Effect.DENY,
          actions: ['iam:Add*', 'iam:Attach*', 'iam:Change*', 'iam:Create*', 'iam:Delete*', 'iam:Detach*', 'iam:Put*', 'iam:Remove*', 'iam:Reset*', 'iam:Set*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*', 'iam:Upload*'],
          notResources: [roles, policies],
        }),
        new iam.PolicyStatement({
          sid: 'NoRoleCreationDeletionOrPassing',
          effect: iam.Effect.DENY,
          actions: ['iam:CreateRole', 'iam:DeleteRole', 'iam:CreatePolicy', 'iam:DeletePolicy', 'iam:PassRole', 'iam:CreateServiceLinkedRole'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'NoKeyDestructionOrGrants',
          effect: iam.Effect.DENY,
          actions: [
            'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:CreateGrant', 'kms:RevokeGrant', 'kms:RetireGrant',
            'kms:DeleteImportedKeyMaterial', 'kms:ReplicateKey', 'kms:CreateKey', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias',
          ],
          resources: ['*'],
        }),
        // a restore puts back the policies of warden keys; no other key's policy is the admin's to change
        ...(['warden:project', 'warden:environment'] as const).map(
          (tag) =>
            new iam.PolicyStatement({
              sid: tag === 'warden:project' ? 'KeyPoliciesOnlyOfThisProject' : 'KeyPoliciesOnlyOfThisEnvironment',
              effect: iam.Effect.DENY,
              actions: ['kms:PutKeyPolicy'],
              resources: ['*'],
              conditions: { StringNotEquals: { [`aws:ResourceTag/${tag}`]: tag === 'warden:project' ? project : environment } },
            }),
        ),
        new iam.PolicyStatement({
          sid: 'NoLooseningOfBackups',
          effect: iam.Effect.DENY,
          actions: ['s3:DeleteBucket*', 's3:PutBucketPolicy', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:PutReplicationConfiguration', 's3:PutEncryptionConfiguration', 's3:BypassGovernanceRetention'],
          resources: [stack.formatArn({ service: 's3', region: '', account: '', resource: `${project}-${environment}-backups-*` })],
        }),
        new iam.PolicyStatement({ sid: 'NoAuditTampering', effect: iam.Effect.DENY, actions: [...AUDIT_TAMPERING_ACTIONS], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'NoAccountOrOrganizationChanges', effect: iam.Effect.DENY, actions: ['account:*', 'organizations:*'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'NoRoleChaining', effect: iam.Effect.DENY, actions: ['sts:AssumeRole'], resources: ['*'] }),
      ],
    });
    const why =
      'This is a permissions boundary: its Allow of everything grants nothing by itself, because effective permissions are the intersection with identity policies; its Deny statements are the control.';
    suppress(this.boundary, { rule: 'AwsSolutions-IAM5', reason: why, appliesTo: ['Action::*', 'Resource::*'] });
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      suppress(this.boundary, { rule: `${pack}-IAMPolicyNoStatementsWithAdminAccess`, reason: why });
      suppress(this.boundary, { rule: `${pack}-IAMPolicyNoStatementsWithFullAccess`, reason: why });
    }

    this.role = new iam.Role(this, 'Role', {
      roleName: wardenAdminRoleName(project, environment),
      description: `mcp-warden ${project}-${environment}: configuration changes (restore, release, approve); MFA required`,
      assumedBy,
      maxSessionDuration: Duration.hours(1),
      permissionsBoundary: this.boundary,
    });
    Tags.of(this.role).add('warden:role', 'admin');

    const keys = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
    const backups = stack.formatArn({ service: 's3', region: '', account: '', resource: `${project}-${environment}-backups-${stack.account}` });
    this.restorePolicy = new iam.ManagedPolicy(this, 'RestorePolicy', {
      description: `mcp-warden ${project}-${environment}: read and verify backups, diff against live, restore IAM, KMS and kill-switch configuration`,
      roles: [this.role],
      statements: [
        ...readConfigurationStatements(stack, props),
        new iam.PolicyStatement({ sid: 'ReadBackups', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:ListBucketVersions'], resources: [backups, `${backups}/*`] }),
        new iam.PolicyStatement({ sid: 'RestoreWardenRoles', actions: [...RESTORE_IAM_ACTIONS], resources: [roles] }),
        new iam.PolicyStatement({ sid: 'RestoreWardenPolicies', actions: ['iam:ListPolicyVersions', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion'], resources: [policies] }),
        // decrypting backups (the key policy adds MFA) and restoring key policies, on warden keys only
        new iam.PolicyStatement({
          sid: 'UseAndRestoreWardenKeys',
          actions: ['kms:Decrypt', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation'],
          resources: [keys],
          conditions: wardenKeyTagConditions(props),
        }),
        new iam.PolicyStatement({ sid: 'RestoreKillSwitch', actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [statusTableArn(stack, props)] }),
        statusKeyThroughDynamoDb(stack, props, ['kms:Encrypt', 'kms:GenerateDataKey'], 'KillSwitchKeyWritesThroughDynamoDb'),
      ],
    });
    suppress(this.restorePolicy, {
      rule: 'AwsSolutions-IAM5',
      reason:
        'A restore rewrites whichever warden role, policy or key differs from the snapshot: IAM changes are limited to roles and policies named <project>-<environment>-*, key reads, decrypts and key-policy or rotation restores to keys tagged with this project and environment, encrypts and decrypts of any other key only through DynamoDB for the agent-status table (restoring the kill-switch items), reads to the backup bucket; ListRoles, ListKeys, ListAliases and DescribeAlarms take no resource. The role needs MFA and its boundary forbids creating, deleting or passing roles.',
      appliesTo: ['Resource::*', ...readConfigurationFindings(project, environment), `Resource::arn:<AWS::Partition>:s3:::${project}-${environment}-backups-<AWS::AccountId>/*`],
    });
  }
}
