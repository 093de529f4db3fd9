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
import { type RemovalPolicy, Tags } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { tableBackup, type TableBackupOptions } from '../data-plane/table-backup';

/** Retention and schedule of the kill-switch table's backups. */
export type AgentStatusBackupOptions = TableBackupOptions;

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
    const built = tableBackup(this, {
      project: props.project,
      environment: props.environment,
      ...(props.retention === undefined ? {} : { retention: props.retention }),
      ...(props.schedule === undefined ? {} : { schedule: props.schedule }),
      name: `${props.project}-${props.environment}-agent-status`,
      subject: 'the agent-status (kill switch) table',
      tables: [props.table],
      selectionId: 'Table',
      removalPolicy: props.removalPolicy,
    });
    this.vaultKey = built.vaultKey;
    this.vault = built.vault;
    this.plan = built.plan;
    this.role = built.role;
    Tags.of(this).add('warden:purpose', 'agent-status-backups');
  }
}
