/**
 * `DataClassKeys`: one customer-managed KMS key per data class, so each class of data can be
 * audited, revoked and rotated on its own, and a data role's key grants say which classes it
 * reaches.
 */
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { BreakGlass } from '../../lib/config/schema';
import { classKeyPolicy } from './class-key-policy';
import { classKeyAlias } from './names';
import { defaultRemovalPolicy, isEphemeralEnvironment } from './retention';

export interface DataClassKeysProps {
  /** Project name from the manifest; names the aliases. */
  readonly project: string;
  /** Environment name from the manifest (dev/test/sandbox are throw-away). */
  readonly environment: string;
  /** The manifest's data classes, least to most sensitive. */
  readonly dataClasses: readonly string[];
  /**
   * What happens to the keys when removed from the stack.
   * @default - RETAIN, or DESTROY when the environment is dev, test or sandbox
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long KMS waits before deleting a key scheduled for deletion (7 to 30 days).
   * @default - 30 days, or 7 days when the environment is dev, test or sandbox
   */
  readonly pendingWindow?: Duration;
  /**
   * Roles that administer the keys (never use them), besides the CloudFormation execution role.
   * @default - any principal of the account whose identity policy allows key administration
   */
  readonly administrators?: readonly string[];
  /**
   * ARN of AWS Backup's role for the tables (`DatasetBackupPlan`), which the keys of classified
   * data admit through DynamoDB and AWS Backup.
   * @default - no backup role
   */
  readonly backupRoleArn?: string;
  /** A role, or principals carrying a tag, that may use every class key through DynamoDB. @default - none */
  readonly breakGlass?: BreakGlass;
}

export class DataClassKeys extends Construct {
  /** The data classes, in the order given. */
  public readonly dataClasses: readonly string[];
  private readonly keys = new Map<string, kms.Key>();

  constructor(scope: Construct, id: string, props: DataClassKeysProps) {
    super(scope, id);
    if (props.dataClasses.length === 0) {
      throw new Error(`DataClassKeys ${this.node.path}: dataClasses is empty; declare at least one data class (e.g. [public, internal, confidential, restricted]).`);
    }
    const duplicate = props.dataClasses.find((c, i) => props.dataClasses.indexOf(c) !== i);
    if (duplicate !== undefined) {
      throw new Error(`DataClassKeys ${this.node.path}: data class "${duplicate}" is listed twice; each class gets exactly one key.`);
    }
    const ephemeral = isEphemeralEnvironment(props.environment);
    const pendingWindow = props.pendingWindow ?? Duration.days(ephemeral ? 7 : 30);
    this.dataClasses = [...props.dataClasses];
    for (const dataClass of props.dataClasses) {
      const key = new kms.Key(this, keyId(dataClass), {
        description: `mcp-warden ${props.project}-${props.environment}: encrypts the DynamoDB tables of data class "${dataClass}"`,
        alias: classKeyAlias(props.project, props.environment, dataClass),
        enableKeyRotation: true,
        // Replaces CDK's default `kms:*` for the account; see class-key-policy.ts.
        policy: classKeyPolicy(this, {
          project: props.project,
          environment: props.environment,
          dataClass,
          administrators: props.administrators,
          backupRoleArn: props.backupRoleArn,
          breakGlass: props.breakGlass,
        }),
        pendingWindow,
        removalPolicy: props.removalPolicy ?? defaultRemovalPolicy(props.environment),
      });
      Tags.of(key).add('warden:class', dataClass);
      this.keys.set(dataClass, key);
    }
  }

  /** The key of a data class. Throws for a class that was not declared. */
  public key(dataClass: string): kms.IKey {
    const key = this.keys.get(dataClass);
    if (!key) {
      throw new Error(`DataClassKeys ${this.node.path}: no key for data class "${dataClass}"; declared classes are ${this.dataClasses.join(', ')}.`);
    }
    return key;
  }
}

/** Construct id of a class key: `Key` + the class in PascalCase (`restricted` → `KeyRestricted`). */
function keyId(dataClass: string): string {
  return `Key${dataClass.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}`;
}
