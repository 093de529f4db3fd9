/**
 * The resource policy of a dataset table. Identity policies alone let any principal of the
 * account whose policy says `dynamodb:*` (an admin, PowerUser or CI role) read and write the
 * table; this policy denies every data-plane action to everyone but:
 *
 * - warden data roles (`<project>-<env>-*-data`) — and, for every class but `public`, only those
 *   whose `warden:classes` tag names the table's class (AgentIdentity tags exactly the data roles
 *   of agents granted a dataset of that class); which table each may use is still decided by its
 *   identity policy, per server and per access level;
 * - AWS Backup's role of the data stack, and the manifest's break-glass principal;
 * - AWS services acting as themselves (`aws:PrincipalIsAWSService`), such as DynamoDB's own
 *   replication.
 *
 * Control-plane actions (DescribeTable, UpdateTable, tags, continuous backups, this policy) are
 * not denied, so CloudFormation keeps managing the table; the permissions boundary denies them to
 * warden roles instead. The policy is the same size for any number of agents (DynamoDB allows
 * 20 KB per resource policy).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { DATA_CLASSES_TAG, dataRoleNamePattern } from '../../lib/config/role-names';
import type { BreakGlass } from '../../lib/config/schema';
import { isRestrictedClass } from './class-key-policy';

/** DynamoDB actions that read or write a table's items, or copy them out (exports, restores). */
export const DYNAMODB_DATA_PLANE_ACTIONS: readonly string[] = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:ExportTableToPointInTime',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:PartiQLDelete',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLSelect',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:RestoreTableToPointInTime',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];

export interface DatasetTablePolicyProps {
  readonly project: string;
  readonly environment: string;
  readonly tableName: string;
  readonly dataClass: string;
  /** AWS Backup's role for the tables. @default - none */
  readonly backupRoleArn?: string;
  /** @default - none */
  readonly breakGlass?: BreakGlass;
}

export function datasetTablePolicy(scope: IConstruct, props: DatasetTablePolicyProps): iam.PolicyDocument {
  const stack = Stack.of(scope);
  const tableArn = stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: props.tableName });
  const resources = [tableArn, `${tableArn}/index/*`, `${tableArn}/stream/*`];
  const dataRoles = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: dataRoleNamePattern(props.project, props.environment) });
  const breakGlass = props.breakGlass;
  const exemptArns = [dataRoles, ...(props.backupRoleArn !== undefined ? [props.backupRoleArn] : []), ...(breakGlass && 'roleArn' in breakGlass ? [breakGlass.roleArn] : [])];
  // Deny conditions are ANDed: a principal is exempt when any one of them is false.
  const notBreakGlassTag = breakGlass && 'principalTag' in breakGlass ? { StringNotEqualsIfExists: { [`aws:PrincipalTag/${breakGlass.principalTag.key}`]: breakGlass.principalTag.value } } : {};
  const statements = [
    new iam.PolicyStatement({
      sid: 'OnlyWardenDataRolesUseTheData',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...DYNAMODB_DATA_PLANE_ACTIONS],
      resources,
      conditions: { ArnNotLike: { 'aws:PrincipalArn': exemptArns }, Bool: { 'aws:PrincipalIsAWSService': 'false' }, ...notBreakGlassTag },
    }),
  ];
  if (isRestrictedClass(props.dataClass)) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'OnlyDataRolesGrantedThisClass',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...DYNAMODB_DATA_PLANE_ACTIONS],
        resources,
        conditions: { ArnLike: { 'aws:PrincipalArn': dataRoles }, StringNotLike: { [`aws:PrincipalTag/${DATA_CLASSES_TAG}`]: `*/${props.dataClass}/*` } },
      }),
    );
  }
  return new iam.PolicyDocument({ statements });
}
