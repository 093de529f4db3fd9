/**
 * The key policy of a data class key. It replaces CDK's default (`kms:*` for the account root),
 * under which any principal whose identity policy says `kms:Decrypt` on `*` (every admin, many
 * CI roles) could decrypt directly with the key. Here:
 *
 * - the account may *administer* the key (so it can never become unmanageable, and
 *   CloudFormation passes KMS's lockout safety check), but the administration list has no
 *   cryptographic action and no kms:CreateGrant (a grant would be a way around this policy);
 * - cryptographic use is delegated to IAM only through DynamoDB in this account and region
 *   (`kms:ViaService`, `kms:CallerAccount`): nobody can call Decrypt on the key directly, and
 *   within DynamoDB each data role is further limited by its identity policy to its own tables
 *   (`kms:EncryptionContext:aws:dynamodb:tableName`);
 * - DynamoDB itself may create grants for its background work (backups, PITR, restores) only
 *   for AWS resources (`kms:GrantIsForAWSResource`).
 *
 * See https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
 * and https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

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

/** `dynamodb.<region>.amazonaws.com`, the value of kms:ViaService for DynamoDB in `region`. */
export function dynamoDbViaService(region: string): string {
  return `dynamodb.${region}.amazonaws.com`;
}

export function classKeyPolicy(scope: IConstruct): iam.PolicyDocument {
  return serviceOnlyKeyPolicy(scope, 'dynamodb', DYNAMODB_KEY_USE_ACTIONS);
}

/**
 * A key policy that lets the account administer the key and lets IAM principals of the account
 * use it only through `service` in this region (see the file comment).
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
