/**
 * The key policy of a data class key. It replaces CDK's default (`kms:*` for the account root),
 * under which any principal whose identity policy says `kms:Decrypt` on `*` (every admin, many
 * CI roles) could decrypt with the key. Here:
 *
 * - *administration* (policy, rotation, deletion, aliases, tags) is separate from use: the
 *   account may administer the key, or, where the manifest names `dataKeys.administrators`,
 *   only those roles and the CloudFormation execution role that deploys it (KMS refuses a policy
 *   that would lock out the principal creating it); no administration action decrypts, and
 *   kms:CreateGrant is not among them (a grant would be a way around this policy);
 * - anyone in the account may *describe* the key and let DynamoDB create grants *for AWS
 *   resources* (what CloudFormation does when it creates or updates the table): neither reads a
 *   byte of data;
 * - *cryptographic use* is allowed only through DynamoDB in this account and region, and for
 *   every class but `public` only to: the data roles of agents granted a dataset of that class
 *   (name pattern `<project>-<env>-*-data` plus the `warden:classes` tag AgentIdentity puts on
 *   them), AWS Backup's role of the data stack, and the manifest's break-glass principal. An
 *   admin, PowerUser or CI role of the same account gets nothing from its identity policy. Within
 *   DynamoDB each data role is further limited by its identity policy to its own tables
 *   (`kms:EncryptionContext:aws:dynamodb:tableName`).
 *
 * The policy names data roles by pattern and tag, never one by one, so it is the same size for
 * 4 agents or 1,000 (KMS allows 32 KB; test/constructs/data-plane/class-key-policy.test.ts
 * measures it).
 *
 * See https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
 * and https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html.
 */
import { DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { DATA_CLASSES_TAG, dataRoleNamePattern } from '../../lib/config/role-names';
import type { BreakGlass } from '../../lib/config/schema';

/** Key administration without any cryptographic operation and without CreateGrant. */
export const KEY_ADMIN_ACTIONS: readonly string[] = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** What DynamoDB does with a table's key on a caller's behalf (create, read, write, restore). */
export const DYNAMODB_KEY_USE_ACTIONS: readonly string[] = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

/** What a reader or writer of a table uses the class key for, through DynamoDB. */
export const CLASS_KEY_DATA_ACTIONS: readonly string[] = ['kms:Decrypt', 'kms:GenerateDataKey*'];

/** The class whose key keeps the account-wide delegation: its data is meant to be read. */
export const PUBLIC_CLASS = 'public';

/** `dynamodb.<region>.amazonaws.com`, the value of kms:ViaService for DynamoDB in `region`. */
export function dynamoDbViaService(region: string): string {
  return `dynamodb.${region}.amazonaws.com`;
}

export interface ClassKeyPolicyProps {
  readonly project: string;
  readonly environment: string;
  /** The class this key encrypts. */
  readonly dataClass: string;
  /**
   * Roles that may administer the key (besides the CloudFormation execution role deploying it).
   * @default - any principal of the account whose identity policy allows it
   */
  readonly administrators?: readonly string[];
  /** ARN of AWS Backup's role that backs up the tables of this class. @default - none */
  readonly backupRoleArn?: string;
  /** A role, or principals with a tag, that may use every class key through DynamoDB. @default - none */
  readonly breakGlass?: BreakGlass;
}

/** True when the class key admits only its data roles (every class but `public`). */
export function isRestrictedClass(dataClass: string): boolean {
  return dataClass !== PUBLIC_CLASS;
}

export function classKeyPolicy(scope: IConstruct, props: ClassKeyPolicyProps): iam.PolicyDocument {
  const stack = Stack.of(scope);
  const account = new iam.AccountRootPrincipal();
  const viaDynamoDb = { 'kms:ViaService': dynamoDbViaService(stack.region), 'kms:CallerAccount': stack.account };
  const roleArn = (name: string) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name });
  const statements = [
    keyAdministration(scope, props.administrators),
    new iam.PolicyStatement({
      sid: 'DescribeThroughDynamoDb',
      principals: [account],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: viaDynamoDb },
    }),
    new iam.PolicyStatement({
      sid: 'DynamoDbGrantsForItsOwnBackgroundWork',
      principals: [account],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { StringEquals: viaDynamoDb, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  ];
  if (!isRestrictedClass(props.dataClass)) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'UseOnlyThroughDynamoDbWithAnIdentityPolicy',
        principals: [account],
        actions: [...DYNAMODB_KEY_USE_ACTIONS],
        resources: ['*'],
        conditions: { StringEquals: viaDynamoDb },
      }),
    );
    return new iam.PolicyDocument({ statements });
  }
  statements.push(
    new iam.PolicyStatement({
      sid: 'UseByDataRolesGrantedThisClass',
      principals: [account],
      actions: [...CLASS_KEY_DATA_ACTIONS],
      resources: ['*'],
      conditions: {
        StringEquals: viaDynamoDb,
        ArnLike: { 'aws:PrincipalArn': roleArn(dataRoleNamePattern(props.project, props.environment)) },
        StringLike: { [`aws:PrincipalTag/${DATA_CLASSES_TAG}`]: `*/${props.dataClass}/*` },
      },
    }),
  );
  if (props.backupRoleArn !== undefined) {
    const backup = {
      StringEquals: { 'kms:CallerAccount': stack.account, 'kms:ViaService': [dynamoDbViaService(stack.region), `backup.${stack.region}.amazonaws.com`] },
      ArnEquals: { 'aws:PrincipalArn': props.backupRoleArn },
    };
    statements.push(
      new iam.PolicyStatement({
        sid: 'UseByAwsBackup',
        principals: [account],
        actions: [...DYNAMODB_KEY_USE_ACTIONS, 'kms:GenerateDataKeyWithoutPlaintext'],
        resources: ['*'],
        conditions: backup,
      }),
      new iam.PolicyStatement({
        sid: 'AwsBackupGrantsForItsRecoveryPoints',
        principals: [account],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { ...backup, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  }
  const breakGlass = props.breakGlass;
  if (breakGlass !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'UseByBreakGlass',
        principals: [account],
        actions: [...CLASS_KEY_DATA_ACTIONS],
        resources: ['*'],
        conditions:
          'roleArn' in breakGlass
            ? { StringEquals: viaDynamoDb, ArnEquals: { 'aws:PrincipalArn': breakGlass.roleArn } }
            : { StringEquals: { ...viaDynamoDb, [`aws:PrincipalTag/${breakGlass.principalTag.key}`]: breakGlass.principalTag.value } },
      }),
    );
  }
  return new iam.PolicyDocument({ statements });
}

/**
 * The administration statement: the account (delegating to IAM), or only the named roles plus
 * the CloudFormation execution role of the stack's synthesizer, which must keep PutKeyPolicy for
 * the next deployment (KMS's policy lockout safety check refuses a policy that drops it).
 */
function keyAdministration(scope: IConstruct, administrators: readonly string[] | undefined): iam.PolicyStatement {
  const stack = Stack.of(scope);
  const admins = [...(administrators ?? [])];
  if (admins.length > 0 && stack.synthesizer instanceof DefaultStackSynthesizer) {
    // the synthesizer's ARN carries CloudFormation placeholders for the environment-agnostic case
    const placeholders: Record<string, string> = { '${AWS::Partition}': stack.partition, '${AWS::AccountId}': stack.account, '${AWS::Region}': stack.region };
    admins.push(stack.synthesizer.cloudFormationExecutionRoleArn.replace(/\$\{AWS::(Partition|AccountId|Region)\}/g, (p) => placeholders[p]!));
  }
  return new iam.PolicyStatement({
    sid: admins.length > 0 ? 'NamedAdministratorsAdministerKeyWithoutUsingIt' : 'AccountAdministersKeyWithoutUsingIt',
    principals: [new iam.AccountRootPrincipal()],
    actions: [...KEY_ADMIN_ACTIONS],
    resources: ['*'],
    ...(admins.length > 0 ? { conditions: { ArnLike: { 'aws:PrincipalArn': admins } } } : {}),
  });
}

/**
 * A key policy that lets the account administer the key and lets IAM principals of the account
 * use it only through `service` in this region (the backup vault key).
 */
export function serviceOnlyKeyPolicy(scope: IConstruct, service: string, useActions: readonly string[]): iam.PolicyDocument {
  const stack = Stack.of(scope);
  const account = new iam.AccountRootPrincipal();
  const viaService = { 'kms:ViaService': `${service}.${stack.region}.amazonaws.com`, 'kms:CallerAccount': stack.account };
  const label = service === 'dynamodb' ? 'DynamoDb' : service.charAt(0).toUpperCase() + service.slice(1);
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AccountAdministersKeyWithoutUsingIt',
        principals: [account],
        actions: [...KEY_ADMIN_ACTIONS],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: `UseOnlyThrough${label}WithAnIdentityPolicy`,
        principals: [account],
        actions: [...useActions],
        resources: ['*'],
        conditions: { StringEquals: viaService },
      }),
      new iam.PolicyStatement({
        sid: `${label}GrantsForItsOwnBackgroundWork`,
        principals: [account],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { StringEquals: viaService, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    ],
  });
}
