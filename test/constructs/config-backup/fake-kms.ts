/**
 * A KMS that really encrypts, behind aws-sdk-client-mock: each key is a random AES-256 key, a
 * ciphertext blob is `key id | IV | AES-GCM(plaintext, AAD = canonical encryption context) | tag`,
 * so a data key only decrypts under its own key and the same encryption context, as in KMS.
 * Optionally requires MFA for Decrypt (the backup key's policy), read from a flag the test sets.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient, KMSServiceException } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { canonicalJson } from '../../../constructs/config-backup/runtime/canonical-json';

export interface FakeKms {
  readonly mock: ReturnType<typeof mockClient>;
  /** ARN of a key created in the fake. */
  createKey(): string;
  /** Calls made, by operation. */
  readonly calls: { readonly op: string; readonly keyId: string; readonly context: Record<string, string> }[];
  /** When false, Decrypt is refused as the backup key's policy refuses it without MFA. */
  mfa: boolean;
}

const fault = (name: string, message: string) => new KMSServiceException({ name, $fault: 'client', message, $metadata: {} });

export function fakeKms(account = '111122223333', region = 'eu-west-1'): FakeKms {
  const keys = new Map<string, Buffer>();
  const calls: FakeKms['calls'] = [];
  const mock = mockClient(KMSClient);
  const state = { mfa: true };
  const wrap = (keyId: string, plaintext: Uint8Array, context: Record<string, string> = {}) => {
    const key = keys.get(keyId);
    if (!key) throw fault('NotFoundException', `Key '${keyId}' does not exist`);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(canonicalJson(context)));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const id = Buffer.from(keyId);
    return new Uint8Array(Buffer.concat([Buffer.from([id.length]), id, iv, body, cipher.getAuthTag()]));
  };
  mock.on(GenerateDataKeyCommand).callsFake((input: { KeyId: string; NumberOfBytes?: number; EncryptionContext?: Record<string, string> }) => {
    calls.push({ op: 'GenerateDataKey', keyId: input.KeyId, context: input.EncryptionContext ?? {} });
    const plaintext = randomBytes(input.NumberOfBytes ?? 32);
    return { KeyId: input.KeyId, Plaintext: new Uint8Array(plaintext), CiphertextBlob: wrap(input.KeyId, plaintext, input.EncryptionContext) };
  });
  mock.on(EncryptCommand).callsFake((input: { KeyId: string; Plaintext: Uint8Array; EncryptionContext?: Record<string, string> }) => {
    calls.push({ op: 'Encrypt', keyId: input.KeyId, context: input.EncryptionContext ?? {} });
    return { KeyId: input.KeyId, CiphertextBlob: wrap(input.KeyId, input.Plaintext, input.EncryptionContext) };
  });
  mock.on(DecryptCommand).callsFake((input: { KeyId?: string; CiphertextBlob: Uint8Array; EncryptionContext?: Record<string, string> }) => {
    const blob = Buffer.from(input.CiphertextBlob);
    const keyId = blob.subarray(1, 1 + blob[0]!).toString();
    calls.push({ op: 'Decrypt', keyId, context: input.EncryptionContext ?? {} });
    if (!state.mfa) throw fault('AccessDeniedException', 'User is not authorized to perform kms:Decrypt: the key policy requires aws:MultiFactorAuthPresent');
    if (input.KeyId !== undefined && input.KeyId !== keyId) throw fault('IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext');
    const key = keys.get(keyId);
    if (!key) throw fault('InvalidCiphertextException', 'The ciphertext is invalid');
    const rest = blob.subarray(1 + blob[0]!);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, rest.subarray(0, 12));
      decipher.setAAD(Buffer.from(canonicalJson(input.EncryptionContext ?? {})));
      decipher.setAuthTag(rest.subarray(rest.length - 16));
      const plaintext = Buffer.concat([decipher.update(rest.subarray(12, rest.length - 16)), decipher.final()]);
      return { KeyId: keyId, Plaintext: new Uint8Array(plaintext) };
    } catch {
      throw fault('InvalidCiphertextException', 'The ciphertext is invalid or the encryption context does not match');
    }
  });
  return {
    mock,
    calls,
    get mfa() {
      return state.mfa;
    },
    set mfa(v: boolean) {
      state.mfa = v;
    },
    createKey() {
      const arn = `arn:aws:kms:${region}:${account}:key/${randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}`;
      keys.set(arn, randomBytes(32));
      return arn;
    },
  };
}
