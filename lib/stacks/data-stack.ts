/** `<project>-<environment>-data`: the class keys and the dataset tables. */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { backupPlanCron, DataClassKeys, Dataset, DatasetBackupPlan, datasetBackupRoleName } from '../../constructs/data-plane';
import { WardenStack, type WardenStackProps } from './warden-stack';

export type WardenDataStackProps = Omit<WardenStackProps, 'part' | 'shard'>;

export class WardenDataStack extends WardenStack {
  public readonly keys: DataClassKeys;
  /** One per manifest dataset, in manifest order. */
  public readonly datasets: readonly Dataset[];
  /** Backups of the created tables; undefined when every dataset is a brought table. */
  public readonly backups?: DatasetBackupPlan;

  constructor(scope: Construct, props: WardenDataStackProps) {
    super(scope, { ...props, part: 'data' });
    const { project, environment, dataClasses, dataKeys } = props.manifest;
    // AWS Backup's role (DatasetBackupPlan) by its name: keys and table policies admit it
    const backupRoleArn = props.manifest.datasets.some((d) => d.tableArn === undefined)
      ? this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: datasetBackupRoleName(project, environment) })
      : undefined;
    const breakGlass = dataKeys?.breakGlass;
    this.keys = new DataClassKeys(this, 'ClassKeys', { project, environment, dataClasses, administrators: dataKeys?.administrators, backupRoleArn, breakGlass });
    this.datasets = props.manifest.datasets.map(
      (dataset) => new Dataset(this, `Dataset-${dataset.name}`, { project, environment, dataset, encryptionKey: this.keys.key(dataset.class), backupRoleArn, breakGlass }),
    );
    if (this.datasets.some((d) => !d.imported)) {
      // the manifest's backups section, not the construct's defaults (issue 8: 365 days became 35)
      const { retainDays, schedule } = props.manifest.backups;
      this.backups = new DatasetBackupPlan(this, 'Backups', {
        project,
        environment,
        datasets: this.datasets,
        retention: Duration.days(retainDays),
        schedule: events.Schedule.expression(backupPlanCron(schedule)),
      });
    }
  }
}
