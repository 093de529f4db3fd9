/**
 * `AgentStatusBackup`: AWS Backup recovery points of the kill-switch table, in a vault of its own
 * encrypted with its own key (used only through AWS Backup).
 *
 * Point-in-time recovery covers 35 days of the table; the flags decide which agents are contained,
 * so a deleted or corrupted table must be recoverable beyond that, and outside the table's own
 * lifecycle, like the dataset tables (`DatasetBackupPlan`). The plan follows the manifest's
 * `backups` section. The role is AWS Backup's own (`AWSBackupServiceRolePolicyForBackup`), bounded
 * by the stack's warden boundary like every role there; the table's resource policy denies its
 * restores to agent and server roles, not to AWS Backup.
 */
import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { suppress } from '../compliance';
import { serviceOnlyKeyPolicy } from '../data-plane/class-key-policy';
import { isEphemeralEnvironment } from '../data-plane/retention';

/** What AWS Backup does with the vault key on behalf of a backup or restore job. */
const BACKUP_KEY_USE_ACTIONS: readonly string[] = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

export interface AgentStatusBackupOptions {
  /** How long recovery points are kept (the manifest's `backups.retainDays`). @default Duration.days(365) */
  readonly retention?: Duration;
  /** When backups run. @default - daily at 05:00 UTC */
  readonly schedule?: events.Schedule;
}

export interface AgentStatusBackupProps extends AgentStatusBackupOptions {
  readonly project: string;
  readonly environment: string;
  readonly table: dynamodb.ITable;
  readonly removalPolicy: RemovalPolicy;
}

export class AgentStatusBackup extends Construct {
  public readonly vaultKey: kms.Key;
  public readonly vault: backup.BackupVault;
  public readonly plan: backup.BackupPlan;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AgentStatusBackupProps) {
    super(scope, id);
    const name = `${props.project}-${props.environment}-agent-status`;
    this.vaultKey = new kms.Key(this, 'VaultKey', {
      description: `mcp-warden ${props.project}-${props.environment}: encrypts the backup vault of the agent-status (kill switch) table`,
      enableKeyRotation: true,
      policy: serviceOnlyKeyPolicy(this, 'backup', BACKUP_KEY_USE_ACTIONS),
      pendingWindow: Duration.days(isEphemeralEnvironment(props.environment) ? 7 : 30),
      removalPolicy: props.removalPolicy,
    });
    this.vault = new backup.BackupVault(this, 'Vault', { backupVaultName: name, encryptionKey: this.vaultKey, removalPolicy: props.removalPolicy });
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: name,
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: props.schedule ?? events.Schedule.cron({ minute: '0', hour: '5' }),
          deleteAfter: props.retention ?? Duration.days(365),
        }),
      ],
    });
    this.role = new iam.Role(this, 'Role', {
      description: `mcp-warden ${props.project}-${props.environment}: AWS Backup backs up the agent-status table with this role`,
      // confused deputy: AWS Backup receives the role with iam:PassRole; aws:SourceAccount where it sets it
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com').withConditions({ StringEqualsIfExists: { 'aws:SourceAccount': Stack.of(this).account } }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup')],
      maxSessionDuration: Duration.hours(1),
    });
    this.plan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(props.table)], role: this.role });
    Tags.of(this).add('warden:purpose', 'agent-status-backups');
    suppress(this.role, {
      rule: 'AwsSolutions-IAM4',
      reason:
        'The AWS Backup service role needs AWSBackupServiceRolePolicyForBackup, which AWS maintains as new resource types and API changes appear; it is assumed only by backup.amazonaws.com of this account.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'],
    });
  }
}
