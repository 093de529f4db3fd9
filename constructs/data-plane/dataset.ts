/**
 * `Dataset`: the DynamoDB table behind one manifest dataset, encrypted with its class key,
 * or a table you bring (`tableArn`). Access is granted per dataset with `grantRead`/`grantWrite`
 * or, for policies built elsewhere, `accessStatements`.
 */
import { Arn, ArnFormat, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';
import type { AccessLevel, BreakGlass, DatasetSpec } from '../../lib/config/schema';
import { datasetAccessStatements } from './dataset-access';
import { datasetTablePolicy } from './dataset-table-policy';
import { datasetTableName } from './names';
import { defaultRemovalPolicy, isEphemeralEnvironment } from './retention';

/** A dataset's table and key, as agent identities and servers need them. */
export interface IDataset extends IConstruct {
  /** The dataset's name in the manifest. */
  readonly datasetName: string;
  /** Its data class. */
  readonly dataClass: string;
  readonly table: dynamodb.ITable;
  /** The table's physical name (a literal, not a token). */
  readonly tableName: string;
  /** The class key that encrypts the table. */
  readonly encryptionKey: kms.IKey;
  /** True when the table was brought with `tableArn` rather than created here. */
  readonly imported: boolean;
  /**
   * The statements granting `access` to this dataset, with ARNs valid in `scope`'s stack.
   * The table ARN is built from its name there, so no cross-stack reference is made for it.
   */
  accessStatements(scope: IConstruct, access: AccessLevel): iam.PolicyStatement[];
  /** The table ARN as seen from `scope`'s stack. */
  tableArnIn(scope: IConstruct): string;
  grantRead(grantee: iam.IGrantable): iam.Grant;
  grantWrite(grantee: iam.IGrantable): iam.Grant;
}

export interface DatasetProps {
  /** Project name from the manifest; names the table. */
  readonly project: string;
  /** Environment name from the manifest (dev/test/sandbox are throw-away). */
  readonly environment: string;
  /** The dataset as declared in the manifest. */
  readonly dataset: DatasetSpec;
  /** The key of the dataset's data class (see `DataClassKeys.key`). */
  readonly encryptionKey: kms.IKey;
  /**
   * What happens to a created table when removed from the stack.
   * @default - RETAIN, or DESTROY when the environment is dev, test or sandbox
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether a created table refuses deletion.
   * @default - true, or false when the environment is dev, test or sandbox
   */
  readonly deletionProtection?: boolean;
  /**
   * AWS Backup's role, exempt from the created table's data-plane deny.
   * @default - none
   */
  readonly backupRoleArn?: string;
  /** The break-glass principal, exempt from the created table's data-plane deny. @default - none */
  readonly breakGlass?: BreakGlass;
}

export class Dataset extends Construct implements IDataset {
  public readonly datasetName: string;
  public readonly dataClass: string;
  public readonly table: dynamodb.ITable;
  public readonly tableName: string;
  public readonly encryptionKey: kms.IKey;
  public readonly imported: boolean;
  /** Region of a brought table (from its ARN); undefined for tables created in this stack. */
  private readonly importedRegion?: string;
  private readonly importedArn?: string;
  private readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: DatasetProps) {
    super(scope, id);
    const spec = props.dataset;
    this.datasetName = spec.name;
    this.dataClass = spec.class;
    this.encryptionKey = props.encryptionKey;
    this.imported = spec.tableArn !== undefined;
    this.indexNames = spec.indexes ?? [];

    if (spec.tableArn !== undefined) {
      if (spec.partitionKey !== undefined || spec.sortKey !== undefined) {
        throw new Error(`Dataset ${spec.name}: partitionKey/sortKey describe a table warden creates; remove them for a brought table (tableArn), whose keys are already fixed.`);
      }
      const parts = Arn.split(spec.tableArn, ArnFormat.SLASH_RESOURCE_NAME);
      if (parts.resource !== 'table' || !parts.resourceName || !parts.region) {
        throw new Error(`Dataset ${spec.name}: tableArn "${spec.tableArn}" is not a DynamoDB table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME).`);
      }
      this.tableName = parts.resourceName;
      this.importedRegion = parts.region;
      this.importedArn = spec.tableArn;
      // fromTableAttributes is fromTableArn plus the key, so grants on it include the class key.
      this.table = dynamodb.Table.fromTableAttributes(this, 'Table', { tableArn: spec.tableArn, encryptionKey: props.encryptionKey });
      return;
    }

    if (spec.indexes !== undefined) {
      throw new Error(`Dataset ${spec.name}: indexes name the secondary indexes of a brought table (tableArn); tables warden creates have none, so remove indexes or bring the table.`);
    }
    const ephemeral = isEphemeralEnvironment(props.environment);
    this.tableName = datasetTableName(props.project, props.environment, spec.name);
    const table = new dynamodb.Table(this, 'Table', {
      // A fixed name: the key policy's encryption context and the servers refer to it, and a
      // change that would replace the table fails loudly instead of silently emptying it.
      tableName: this.tableName,
      partitionKey: { name: spec.partitionKey ?? 'pk', type: dynamodb.AttributeType.STRING },
      ...(spec.sortKey !== undefined ? { sortKey: { name: spec.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? !ephemeral,
      removalPolicy: props.removalPolicy ?? defaultRemovalPolicy(props.environment),
      // only warden data roles (of this class), AWS Backup and break-glass touch the items
      resourcePolicy: datasetTablePolicy(this, {
        project: props.project,
        environment: props.environment,
        tableName: this.tableName,
        dataClass: spec.class,
        backupRoleArn: props.backupRoleArn,
        breakGlass: props.breakGlass,
      }),
    });
    Tags.of(table).add('warden:dataset', spec.name);
    Tags.of(table).add('warden:class', spec.class);
    this.table = table;
  }

  public tableArnIn(scope: IConstruct): string {
    if (this.importedArn !== undefined) return this.importedArn;
    return Stack.of(scope).formatArn({ service: 'dynamodb', resource: 'table', resourceName: this.tableName });
  }

  public accessStatements(scope: IConstruct, access: AccessLevel): iam.PolicyStatement[] {
    return datasetAccessStatements(
      {
        tableArn: this.tableArnIn(scope),
        tableName: this.tableName,
        region: this.importedRegion ?? Stack.of(scope).region,
        keyArn: this.encryptionKey.keyArn,
        indexNames: this.indexNames,
      },
      access,
    );
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'read');
  }

  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'write');
  }

  private grant(grantee: iam.IGrantable, access: AccessLevel): iam.Grant {
    // Build ARNs in the grantee's stack when it has one, so the grant adds no cross-stack table reference.
    const scope: IConstruct = grantee instanceof Construct ? grantee : this;
    const [first, ...rest] = this.accessStatements(scope, access).map((s) =>
      iam.Grant.addToPrincipal({ grantee, actions: s.actions, resourceArns: s.resources, conditions: s.conditions as Record<string, Record<string, unknown>> }),
    );
    return rest.reduce((acc, g) => acc.combine(g), first!);
  }
}
