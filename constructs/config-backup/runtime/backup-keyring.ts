/**
 * The keyring of the backup key: a strict KMS keyring on exactly that key (by ARN), so decrypt
 * never calls KMS with a key id taken from the message, which an attacker could have chosen.
 */
import { KMS } from '@aws-sdk/client-kms';
import { KmsKeyringNode } from '@aws-crypto/client-node';

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

export function backupKeyring(keyArn: string, kms: KMS = new KMS({})): KmsKeyringNode {
  if (!KEY_ARN.test(keyArn)) throw new Error(`backup key "${keyArn}" must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias: the keyring matches wrapped data keys by ARN`);
  return new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => kms });
}
