/**
 * The set-up every table warden creates for itself shares (the kill switch, approvals, incidents):
 * on-demand capacity, the caller's customer-managed key, point-in-time recovery, and deletion
 * protection outside throw-away environments. What differs (name, key, TTL, resource policy) is
 * passed in; dataset tables (`Dataset`) have their own construct, with a class key and policy.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { isEphemeralEnvironment } from './retention';

/** Every DynamoDB action that writes items (single, batch and PartiQL): the subject of warden tables' write rules. */
export const ITEM_WRITE_ACTIONS: readonly string[] = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

export interface WardenTableProps {
  readonly tableName: string;
  /** The string partition key's attribute name. */
  readonly partitionKey: string;
  /** The customer-managed key that encrypts the table. */
  readonly encryptionKey: kms.IKey;
  /** The manifest's environment: deletion protection is off only in dev, test or sandbox ones. */
  readonly environment: string;
  readonly removalPolicy: RemovalPolicy;
  /** @default - no TTL */
  readonly timeToLiveAttribute?: string;
  /** @default - no resource policy */
  readonly resourcePolicy?: iam.PolicyDocument;
}

/** A DynamoDB table of warden's own, set up as the file comment says. */
export function wardenTable(scope: Construct, id: string, props: WardenTableProps): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    tableName: props.tableName,
    partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
    ...(props.timeToLiveAttribute === undefined ? {} : { timeToLiveAttribute: props.timeToLiveAttribute }),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: props.encryptionKey,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: !isEphemeralEnvironment(props.environment),
    removalPolicy: props.removalPolicy,
    ...(props.resourcePolicy === undefined ? {} : { resourcePolicy: props.resourcePolicy }),
  });
}
