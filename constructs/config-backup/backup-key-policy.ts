/**
 * The backup key's policy. Key use is split by who and how:
 * - the backup function may only ask for data keys under the project's encryption context
 *   (directly, for the Encryption SDK) or through S3 for this bucket (SSE-KMS); it can never decrypt;
 * - anyone may decrypt only with MFA (and an explicit Deny holds that against grants and any
 *   policy added later);
 * - key administration needs MFA, except for the deployment role (CloudFormation applies the
 *   stack without a person, and KMS refuses a policy that would lock out the caller creating it).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CONTEXT_KEYS, SDK_PUBLIC_KEY_CONTEXT_KEY } from './runtime/snapshot';
import { KEY_ADMIN_ACTIONS } from '../data-plane/class-key-policy';

export interface BackupKeyPolicyProps {
  readonly project: string;
  readonly environment: string;
  readonly backupRoleArn: string;
  readonly bucketArn: string;
  /** Principals that administer the key without MFA (the deployment). */
  readonly deploymentRoleArns: readonly string[];
  /** The S3 replication role, which decrypts through S3 to copy snapshots. */
  readonly replicationRoleArn?: string;
}

/** Key administration, never use: the class keys' list (no encrypt, decrypt or CreateGrant), so both policies change together. */
export const BACKUP_KEY_ADMIN_ACTIONS: readonly string[] = KEY_ADMIN_ACTIONS;

export function backupKeyPolicy(scope: Stack, props: BackupKeyPolicyProps): iam.PolicyDocument {
  const account = new iam.AccountRootPrincipal();
  const backupRole = new iam.ArnPrincipal(props.backupRoleArn);
  const viaS3 = `s3.${scope.region}.amazonaws.com`;
  const objects = `${props.bucketArn}/*`;
  const projectContext = { [`kms:EncryptionContext:${CONTEXT_KEYS.project}`]: props.project, [`kms:EncryptionContext:${CONTEXT_KEYS.environment}`]: props.environment };
  const mfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ sid: 'KeyAdministrationWithMfa', principals: [account], actions: [...BACKUP_KEY_ADMIN_ACTIONS], resources: ['*'], conditions: mfa }),
      new iam.PolicyStatement({
        sid: 'KeyAdministrationByTheDeployment',
        principals: [account],
        actions: [...BACKUP_KEY_ADMIN_ACTIONS],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:PrincipalArn': [...props.deploymentRoleArns] } },
      }),
      new iam.PolicyStatement({
        sid: 'BackupFunctionEncryptsWithTheProjectContext',
        principals: [backupRole],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: projectContext,
          // exactly the snapshot context (the SDK adds its signing key): nothing else can be asked for
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...Object.values(CONTEXT_KEYS), SDK_PUBLIC_KEY_CONTEXT_KEY] },
          Null: { [`kms:EncryptionContext:${CONTEXT_KEYS.snapshot}`]: 'false', [`kms:EncryptionContext:${CONTEXT_KEYS.digest}`]: 'false' },
        },
      }),
      new iam.PolicyStatement({
        sid: 'BackupFunctionWritesThroughS3',
        principals: [backupRole],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': viaS3 }, StringLike: { 'kms:EncryptionContext:aws:s3:arn': objects } },
      }),
      new iam.PolicyStatement({
        sid: 'RestorersDecryptWithMfa',
        principals: [account],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { ...mfa, StringEquals: projectContext },
      }),
      new iam.PolicyStatement({
        sid: 'RestorersReadThroughS3WithMfa',
        principals: [account],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { ...mfa, StringEquals: { 'kms:ViaService': viaS3 }, StringLike: { 'kms:EncryptionContext:aws:s3:arn': objects } },
      }),
      ...(props.replicationRoleArn
        ? [
            new iam.PolicyStatement({
              sid: 'ReplicationReadsThroughS3',
              principals: [new iam.ArnPrincipal(props.replicationRoleArn)],
              actions: ['kms:Decrypt'],
              resources: ['*'],
              conditions: { StringEquals: { 'kms:ViaService': viaS3 }, StringLike: { 'kms:EncryptionContext:aws:s3:arn': objects } },
            }),
          ]
        : []),
      new iam.PolicyStatement({
        sid: 'NoDecryptWithoutMfa',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:ReEncrypt*'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' },
          ...(props.replicationRoleArn ? { ArnNotEquals: { 'aws:PrincipalArn': props.replicationRoleArn } } : {}),
        },
      }),
      // a grant would let its grantee decrypt without these conditions
      new iam.PolicyStatement({ sid: 'NoGrants', effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['kms:CreateGrant'], resources: ['*'] }),
    ],
  });
}
