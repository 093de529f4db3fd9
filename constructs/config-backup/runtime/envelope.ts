/**
 * Envelope encryption of snapshots with the AWS Encryption SDK, not a format of our own: a data
 * key per snapshot wrapped by the backup key (KMS keyring in AWS; any keyring in tests), AES-256-
 * GCM with key commitment, and an ECDSA P-384 signature over the whole message
 * (ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384), so whoever may only decrypt
 * cannot forge a snapshot either. The encryption context (project, environment, snapshot id,
 * digest) is authenticated in the header; `open` checks it against what the caller expects.
 *
 * `open` never throws for a bad object: it names the check that failed, from the stage the SDK
 * had reached (header parsed → data key unwrapped → key commitment and header authenticated →
 * body authenticated → signature verified) and then the context and the digest.
 */
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  type EncryptedDataKey,
  KeyringNode,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';
import { CONTEXT_KEYS, parseSnapshot, serializeSnapshot, type Snapshot, snapshotContext } from './snapshot';
import { sha256Hex } from './canonical-json';

export const SNAPSHOT_SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
/** A snapshot has exactly one wrapped data key (the backup key's); more is a crafted message. */
const MAX_ENCRYPTED_DATA_KEYS = 1;
/** A bound on what `open` will decrypt (a 1,000-agent deployment snapshots to a few MB). */
export const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

const client = buildClient({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, maxEncryptedDataKeys: MAX_ENCRYPTED_DATA_KEYS });

/** Why a stored snapshot failed verification. */
export type VerifyFailure =
  /** Shorter than written, or the message ends early. */
  | 'truncated'
  /** The header does not parse or does not authenticate. */
  | 'header'
  /** No wrapped data key in the header decrypts under the backup key with this context. */
  | 'data-key'
  /** A data key decrypted, but not the one this message was encrypted with (key commitment). */
  | 'key-commitment'
  /** An encrypted frame does not authenticate. */
  | 'body'
  /** The ECDSA signature over the message does not verify. */
  | 'signature'
  /** The message is intact, but its encryption context is for another project or environment. */
  | 'context'
  /** The message is intact, but it is another snapshot than the one stored under this name. */
  | 'replaced'
  /** The plaintext does not match the digest in the context, or is no snapshot. */
  | 'digest';

export const VERIFY_FAILURE_TEXT: Record<VerifyFailure, string> = {
  truncated: 'the object is truncated',
  header: 'the message header was altered (it does not parse or authenticate)',
  'data-key': 'no data key in the header decrypts under the backup key with this encryption context (data key swapped or context altered)',
  'key-commitment': 'the data key is not the one this message was encrypted with (key commitment fails: data key swapped)',
  body: 'the ciphertext was altered (an encrypted frame does not authenticate)',
  signature: 'the signature does not verify (the message was altered after signing)',
  context: 'the encryption context names another project or environment',
  replaced: 'the object holds another snapshot than the one stored under this name',
  digest: 'the decrypted snapshot does not match its digest',
};

export interface Expected {
  readonly project: string;
  readonly environment: string;
  /** The snapshot id the object is stored under. */
  readonly snapshotId: string;
  /** Length written, when known (the index records it). */
  readonly length?: number;
}

export type OpenResult =
  | { readonly ok: true; readonly snapshot: Snapshot; readonly digest: string; readonly context: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly failure: VerifyFailure; readonly detail: string; readonly context?: Readonly<Record<string, string>> };

export interface Sealed {
  readonly ciphertext: Uint8Array;
  /** SHA-256 of the snapshot's canonical JSON (also in the encryption context). */
  readonly digest: string;
  /** SHA-256 of the ciphertext, as stored. */
  readonly ciphertextDigest: string;
  readonly context: Readonly<Record<string, string>>;
}

export async function sealSnapshot(keyring: KeyringNode, snapshot: Snapshot): Promise<Sealed> {
  const { text, digest } = serializeSnapshot(snapshot);
  const context = snapshotContext(snapshot, digest);
  const { result } = await client.encrypt(keyring, Buffer.from(text, 'utf8'), { encryptionContext: context, suiteId: SNAPSHOT_SUITE });
  return { ciphertext: result, digest, ciphertextDigest: sha256Hex(result), context };
}

export async function openSnapshot(keyring: KeyringNode, ciphertext: Uint8Array, expected: Expected): Promise<OpenResult> {
  const fail = (failure: VerifyFailure, detail = VERIFY_FAILURE_TEXT[failure], context?: Record<string, string>): OpenResult => ({ ok: false, failure, detail, ...(context ? { context } : {}) });
  const observed = new ObservedKeyring(keyring);
  let header: { encryptionContext: Record<string, string>; suiteId: number } | undefined;
  let plaintext: Buffer;
  try {
    plaintext = await decryptObserved(observed, ciphertext, (h) => (header = h));
  } catch (err) {
    // the SDK's messages span lines (one per KMS error); a report line holds one
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
    // shorter than written: whatever check tripped first, the cause is the missing tail
    if (expected.length !== undefined && ciphertext.byteLength < expected.length) {
      return fail('truncated', `the object is ${ciphertext.byteLength} bytes, ${expected.length - ciphertext.byteLength} fewer than written (${message})`);
    }
    if (/Incomplete (message|header)|unexpected end|Truncated/i.test(message)) return fail('truncated', `${VERIFY_FAILURE_TEXT.truncated} (${message})`);
    if (!observed.called) return fail('header', `${VERIFY_FAILURE_TEXT.header} (${message})`);
    if (!observed.unwrapped) return fail('data-key', `${VERIFY_FAILURE_TEXT['data-key']} (${message})`);
    if (!header) return /Commitment/i.test(message) ? fail('key-commitment', `${VERIFY_FAILURE_TEXT['key-commitment']} (${message})`) : fail('header', `${VERIFY_FAILURE_TEXT.header} (${message})`);
    if (/Signature/i.test(message)) return fail('signature', `${VERIFY_FAILURE_TEXT.signature} (${message})`);
    return fail('body', `${VERIFY_FAILURE_TEXT.body} (${message})`);
  }
  const context = { ...header!.encryptionContext };
  if (header!.suiteId !== SNAPSHOT_SUITE) return fail('header', `the message uses algorithm suite ${header!.suiteId}, not the signed, committing suite ${SNAPSHOT_SUITE}`, context);
  for (const [key, want] of [
    [CONTEXT_KEYS.project, expected.project],
    [CONTEXT_KEYS.environment, expected.environment],
  ] as const) {
    if (context[key] !== want) return fail('context', `${VERIFY_FAILURE_TEXT.context}: ${key} is ${JSON.stringify(context[key] ?? null)}, expected ${JSON.stringify(want)}`, context);
  }
  if (context[CONTEXT_KEYS.snapshot] !== expected.snapshotId) {
    return fail('replaced', `${VERIFY_FAILURE_TEXT.replaced}: it holds ${JSON.stringify(context[CONTEXT_KEYS.snapshot] ?? null)}, stored as ${expected.snapshotId}`, context);
  }
  const text = plaintext.toString('utf8');
  const digest = sha256Hex(text);
  if (digest !== context[CONTEXT_KEYS.digest]) return fail('digest', `${VERIFY_FAILURE_TEXT.digest}: SHA-256 ${digest}, context says ${context[CONTEXT_KEYS.digest] ?? 'nothing'}`, context);
  const snapshot = parseSnapshot(text);
  if (typeof snapshot === 'string') return fail('digest', snapshot, context);
  if (snapshot.id !== expected.snapshotId || snapshot.project !== expected.project || snapshot.environment !== expected.environment) {
    return fail('replaced', `${VERIFY_FAILURE_TEXT.replaced}: its body names ${snapshot.project}-${snapshot.environment} ${snapshot.id}`, context);
  }
  return { ok: true, snapshot, digest, context };
}

/** Decrypts through the SDK's stream, noting whether the header was authenticated (its MessageHeader event). */
async function decryptObserved(keyring: KeyringNode, ciphertext: Uint8Array, onHeader: (h: { encryptionContext: Record<string, string>; suiteId: number }) => void): Promise<Buffer> {
  const stream = client.decryptStream(keyring, { maxBodySize: MAX_SNAPSHOT_BYTES });
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    stream.once('MessageHeader', (h: { encryptionContext: Record<string, string>; suiteId: number }) => onHeader(h));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    // `on`, not `once`: the SDK's inner streams may report one failure more than once
    stream.on('error', reject);
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.end(Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength));
  });
}

/** Passes through to `inner`, recording whether the SDK got as far as unwrapping a data key. */
class ObservedKeyring extends KeyringNode {
  public called = false;
  public unwrapped = false;
  constructor(private readonly inner: KeyringNode) {
    super();
  }
  public async _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    return this.inner.onEncrypt(material);
  }
  public async _onDecrypt(material: NodeDecryptionMaterial, encryptedDataKeys: EncryptedDataKey[]): Promise<NodeDecryptionMaterial> {
    this.called = true;
    const result = await this.inner.onDecrypt(material, encryptedDataKeys);
    this.unwrapped = result.hasValidKey();
    return result;
  }
}
