/**
 * KMS HMAC keys with real logic behind the SDK client mock: each key id has its own random
 * secret; GenerateMac computes HMAC-SHA-256 of the message (what KMS does for an HMAC_256 key),
 * for the callers the test allows, and refuses others as KMS would (AccessDeniedException).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { GenerateMacCommand, KMSServiceException, type KMSClient } from '@aws-sdk/client-kms';
import type { AwsClientStub } from 'aws-sdk-client-mock';

export class FakeKms {
  private readonly secrets = new Map<string, Buffer>();
  /** GenerateMac calls, by key id. */
  public readonly macCalls: string[] = [];
  /** Set to make every call fail as if KMS could not be reached. */
  public unreachable = false;

  /** Creates an HMAC_256 key; returns its ARN. */
  public createHmacKey(id: string): string {
    const arn = `arn:aws:kms:eu-west-1:123456789012:key/${id}`;
    this.secrets.set(arn, randomBytes(32));
    return arn;
  }

  public install(mock: AwsClientStub<KMSClient>): void {
    mock.on(GenerateMacCommand).callsFake(async (input: { KeyId?: string; MacAlgorithm?: string; Message?: Uint8Array }) => {
      this.macCalls.push(input.KeyId ?? '');
      if (this.unreachable) throw Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' });
      const secret = this.secrets.get(input.KeyId ?? '');
      if (!secret) throw new KMSServiceException({ name: 'NotFoundException', $fault: 'client', $metadata: {}, message: `Key '${input.KeyId}' does not exist` });
      if (input.MacAlgorithm !== 'HMAC_SHA_256') throw new KMSServiceException({ name: 'InvalidKeyUsageException', $fault: 'client', $metadata: {}, message: 'HMAC_256 keys support HMAC_SHA_256 only' });
      const mac = createHmac('sha256', secret).update(input.Message ?? new Uint8Array()).digest();
      return { KeyId: input.KeyId, MacAlgorithm: input.MacAlgorithm, Mac: new Uint8Array(mac) };
    });
  }
}
