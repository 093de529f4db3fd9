/**
 * AWS Backup for warden's tables, written once: a vault encrypted with a key of its own (used only
 * through AWS Backup), a daily-by-default plan on the manifest's schedule and retention, and AWS
 * Backup's service role for the selection. `DatasetBackupPlan`, the kill-switch table's
 * `AgentStatusBackup` and incident response's incidents table build theirs with it.
 *
 * The children are created in `scope` itself (ids VaultKey, Vault, Plan, Role), so the constructs
 * that use it keep their resources' logical ids.
 */
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { suppress } from '../compliance';
import { serviceOnlyKeyPolicy } from './class-key-policy';
import { isEphemeralEnvironment } from './retention';

/** What AWS Backup does with the vault key on behalf of a backup or restore job. */
export const BACKUP_KEY_USE_ACTIONS: readonly string[] = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

export interface TableBackupOptions {
  /** How long recovery points are kept (the manifest's `backups.retainDays`). @default Duration.days(365) */
  readonly retention?: Duration;
  /** When backups run. @default - daily at 05:00 UTC */
  readonly schedule?: events.Schedule;
}

export interface TableBackupProps extends TableBackupOptions {
  readonly project: string;
  readonly environment: string;
  /** Names the vault and the plan. */
  readonly name: string;
  /** What is backed up, for the key's and the role's descriptions (e.g. "the dataset tables"). */
  readonly subject: string;
  readonly tables: readonly dynamodb.ITable[];
  /** The selection's construct id. */
  readonly selectionId: string;
  readonly removalPolicy: RemovalPolicy;
  /** @default - no alias */
  readonly keyAlias?: string;
  /** @default - a generated name */
  readonly roleName?: string;
}

export interface TableBackup {
  readonly vaultKey: kms.Key;
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  readonly role: iam.Role;
}

/** Creates the vault key, vault, plan and role in `scope` (see the file comment). */
export function tableBackup(scope: Construct, props: TableBackupProps): TableBackup {
  const deployment = `${props.project}-${props.environment}`;
  const vaultKey = new kms.Key(scope, 'VaultKey', {
    description: `mcp-warden ${deployment}: encrypts the backup vault of ${props.subject}`,
    ...(props.keyAlias === undefined ? {} : { alias: props.keyAlias }),
    enableKeyRotation: true,
    policy: serviceOnlyKeyPolicy(scope, 'backup', BACKUP_KEY_USE_ACTIONS),
    pendingWindow: Duration.days(isEphemeralEnvironment(props.environment) ? 7 : 30),
    removalPolicy: props.removalPolicy,
  });
  const vault = new backup.BackupVault(scope, 'Vault', { backupVaultName: props.name, encryptionKey: vaultKey, removalPolicy: props.removalPolicy });
  const plan = new backup.BackupPlan(scope, 'Plan', {
    backupPlanName: props.name,
    backupVault: vault,
    backupPlanRules: [
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: props.schedule ?? events.Schedule.cron({ minute: '0', hour: '5' }),
        deleteAfter: props.retention ?? Duration.days(365),
      }),
    ],
  });
  const role = new iam.Role(scope, 'Role', {
    ...(props.roleName === undefined ? {} : { roleName: props.roleName }),
    description: `mcp-warden ${deployment}: AWS Backup backs up ${props.subject} with this role`,
    // confused deputy: AWS Backup receives the role with iam:PassRole; aws:SourceAccount where it sets it
    // (docs/isolation.md, "Decisions and residual risk")
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com').withConditions({ StringEqualsIfExists: { 'aws:SourceAccount': Stack.of(scope).account } }),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup')],
    maxSessionDuration: Duration.hours(1),
  });
  plan.addSelection(props.selectionId, { resources: props.tables.map((t) => backup.BackupResource.fromDynamoDbTable(t)), role });
  suppress(role, {
    rule: 'AwsSolutions-IAM4',
    reason:
      'The AWS Backup service role needs AWSBackupServiceRolePolicyForBackup, which AWS maintains as new resource types and API changes appear; only backup.amazonaws.com may assume it, for the backup plan of this stack (a role is passed to AWS Backup with iam:PassRole, which only principals of this account hold for it).',
    appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'],
  });
  return { vaultKey, vault, plan, role };
}
