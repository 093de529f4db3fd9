/**
 * The IAM statements that let a principal use one dataset: DynamoDB actions on the table and the
 * secondary indexes it declares (warden's own tables have none, so no index ARN at all), and the class key only through DynamoDB and only for this table. The table-name
 * encryption context is what keeps a shared class key from opening every table of that class.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type { AccessLevel } from '../../lib/config/schema';
import { dynamoDbViaService } from './class-key-policy';

export const DYNAMODB_READ_ACTIONS: readonly string[] = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
];
export const DYNAMODB_WRITE_ACTIONS: readonly string[] = [...DYNAMODB_READ_ACTIONS, 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** Reading needs only Decrypt of the table key; writing new data also needs GenerateDataKey. */
export const KMS_READ_ACTIONS: readonly string[] = ['kms:Decrypt'];
export const KMS_WRITE_ACTIONS: readonly string[] = ['kms:Decrypt', 'kms:GenerateDataKey'];

/** The encryption-context key DynamoDB sets on every KMS call for a table. */
export const TABLE_NAME_CONTEXT_KEY = 'kms:EncryptionContext:aws:dynamodb:tableName';

export interface DatasetAccessTarget {
  /** The table's ARN, valid in the stack where the statements are used. */
  readonly tableArn: string;
  /** The table's name (the encryption context DynamoDB passes to KMS). */
  readonly tableName: string;
  /** The region of the table (kms:ViaService). */
  readonly region: string;
  /** The ARN of the table's KMS key. */
  readonly keyArn: string;
  /** Secondary indexes the tools query (a brought table's `indexes`). @default - none */
  readonly indexNames?: readonly string[];
}

/** The ARN of one secondary index of a table: `<tableArn>/index/<name>`. */
export function tableIndexArn(tableArn: string, indexName: string): string {
  return `${tableArn}/index/${indexName}`;
}

export function datasetAccessStatements(target: DatasetAccessTarget, access: AccessLevel): iam.PolicyStatement[] {
  const write = access === 'write';
  return [
    new iam.PolicyStatement({
      actions: [...(write ? DYNAMODB_WRITE_ACTIONS : DYNAMODB_READ_ACTIONS)],
      resources: [target.tableArn, ...(target.indexNames ?? []).map((name) => tableIndexArn(target.tableArn, name))],
    }),
    new iam.PolicyStatement({
      actions: [...(write ? KMS_WRITE_ACTIONS : KMS_READ_ACTIONS)],
      resources: [target.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': dynamoDbViaService(target.region), [TABLE_NAME_CONTEXT_KEY]: target.tableName },
      },
    }),
  ];
}
