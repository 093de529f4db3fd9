/**
 * `DatasetBackupPlan`: AWS Backup copies of the dataset tables, in a vault encrypted with its own
 * customer-managed key. Point-in-time recovery covers 35 days of mistakes; the plan keeps
 * independent recovery points longer and outside the table's own lifecycle (NIST 800-53 CP-9,
 * HIPAA 164.308(a)(7)). Brought tables (`tableArn`) are backed up by their owners.
 */
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { IDataset } from './dataset';
import { datasetBackupRoleName } from './names';
import { defaultRemovalPolicy } from './retention';
import { tableBackup } from './table-backup';

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
    const built = tableBackup(this, {
      project: props.project,
      environment: props.environment,
      ...(props.retention === undefined ? {} : { retention: props.retention }),
      ...(props.schedule === undefined ? {} : { schedule: props.schedule }),
      name,
      subject: 'the dataset tables',
      tables: created.map((d) => d.table),
      selectionId: 'Tables',
      removalPolicy: props.removalPolicy ?? defaultRemovalPolicy(props.environment),
      keyAlias: `alias/${name}-backup`,
      roleName: datasetBackupRoleName(props.project, props.environment),
    });
    this.vaultKey = built.vaultKey;
    this.vault = built.vault;
    this.plan = built.plan;
    this.role = built.role;
    Tags.of(this).add('warden:purpose', 'dataset-backups');
  }
}
