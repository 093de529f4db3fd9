/**
 * `DatasetBackupPlan`: AWS Backup copies of the dataset tables, in a vault encrypted with its own
 * customer-managed key. Point-in-time recovery covers 35 days of mistakes; the plan keeps
 * independent recovery points longer and outside the table's own lifecycle (NIST 800-53 CP-9,
 * HIPAA 164.308(a)(7)). Brought tables (`tableArn`) are backed up by their owners.
 */
import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { suppress } from '../compliance';
import { serviceOnlyKeyPolicy } from './class-key-policy';
import type { IDataset } from './dataset';
import { datasetBackupRoleName } from './names';
import { defaultRemovalPolicy, isEphemeralEnvironment } from './retention';

/** What AWS Backup does with the vault key on behalf of a backup or restore job. */
const BACKUP_KEY_USE_ACTIONS: readonly string[] = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

export interface DatasetBackupPlanProps {
  readonly project: string;
  readonly environment: string;
  /** The datasets to back up; brought tables are skipped. */
  readonly datasets: readonly IDataset[];
  /**
   * How long recovery points are kept (the manifest's `backups.retainDays`). Longer than the
   * 35 days point-in-time recovery already covers, or the plan would add nothing.
   * @default Duration.days(365)
   */
  readonly retention?: Duration;
  /**
   * When backups run.
   * @default - daily at 05:00 UTC
   */
  readonly schedule?: events.Schedule;
  /**
   * What happens to the vault and its key when removed from the stack.
   * @default - RETAIN, or DESTROY when the environment is dev, test or sandbox
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class DatasetBackupPlan extends Construct {
  public readonly vault: backup.BackupVault;
  public readonly vaultKey: kms.Key;
  public readonly plan: backup.BackupPlan;
  /** AWS Backup's role for the tables, named `<project>-<env>-dataset-backup` so class keys and table policies admit it. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DatasetBackupPlanProps) {
    super(scope, id);
    const created = props.datasets.filter((d) => !d.imported);
    if (created.length === 0) {
      throw new Error(`DatasetBackupPlan ${this.node.path}: none of the datasets is a table created here; brought tables (tableArn) are backed up by their owners, so leave this construct out.`);
    }
    const name = `${props.project}-${props.environment}-datasets`;
    const removalPolicy = props.removalPolicy ?? defaultRemovalPolicy(props.environment);
    this.vaultKey = new kms.Key(this, 'VaultKey', {
      description: `mcp-warden ${props.project}-${props.environment}: encrypts the backup vault of the dataset tables`,
      alias: `alias/${name}-backup`,
      enableKeyRotation: true,
      policy: serviceOnlyKeyPolicy(this, 'backup', BACKUP_KEY_USE_ACTIONS),
      pendingWindow: Duration.days(isEphemeralEnvironment(props.environment) ? 7 : 30),
      removalPolicy,
    });
    this.vault = new backup.BackupVault(this, 'Vault', { backupVaultName: name, encryptionKey: this.vaultKey, removalPolicy });
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
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      roleName: datasetBackupRoleName(props.project, props.environment),
      description: `mcp-warden ${props.project}-${props.environment}: AWS Backup backs up the dataset tables with this role`,
      // confused deputy: AWS Backup receives the role with iam:PassRole; aws:SourceAccount where it sets it
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com').withConditions({ StringEqualsIfExists: { 'aws:SourceAccount': stack.account } }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup')],
      maxSessionDuration: Duration.hours(1),
    });
    this.plan.addSelection('Tables', { resources: created.map((d) => backup.BackupResource.fromDynamoDbTable(d.table)), role: this.role });
    Tags.of(this).add('warden:purpose', 'dataset-backups');
    suppress(this.role, {
      rule: 'AwsSolutions-IAM4',
      reason:
        'The AWS Backup service role needs AWSBackupServiceRolePolicyForBackup, which AWS maintains as new resource types and API changes appear; it is assumed only by backup.amazonaws.com.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'],
    });
  }
}
