import { randomBytes } from 'node:crypto';
import { KMS } from '@aws-sdk/client-kms';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { backupKeyring } from '../../../constructs/config-backup/runtime/backup-keyring';
import { canonicalJson } from '../../../constructs/config-backup/runtime/canonical-json';
import { openSnapshot, sealSnapshot, SNAPSHOT_SUITE, type VerifyFailure } from '../../../constructs/config-backup/runtime/envelope';
import { CONTEXT_KEYS, newSnapshotId, SDK_PUBLIC_KEY_CONTEXT_KEY, SNAPSHOT_FORMAT, type Snapshot } from '../../../constructs/config-backup/runtime/snapshot';
import { fakeKms, type FakeKms } from './fake-kms';

const project = 'shop';
const environment = 'prod';

function snapshot(resources: Record<string, unknown>, id = newSnapshotId(new Date())): Snapshot {
  return { format: SNAPSHOT_FORMAT, id, project, environment, takenAt: new Date().toISOString(), resources };
}

/** A random JSON value as AWS returns them: strings (any Unicode), integers, booleans, null, lists, maps. */
function randomValue(depth: number, rnd: () => number): unknown {
  const pick = Math.floor(rnd() * (depth > 3 ? 4 : 6));
  if (pick === 0) return Array.from({ length: Math.floor(rnd() * 12) }, () => String.fromCodePoint(Math.floor(rnd() * 0x2ffff))).join('');
  if (pick === 1) return Math.floor((rnd() - 0.5) * 1e9);
  if (pick === 2) return rnd() < 0.5;
  if (pick === 3) return null;
  if (pick === 4) return Array.from({ length: Math.floor(rnd() * 5) }, () => randomValue(depth + 1, rnd));
  return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 5) }, (_, i) => [`k${i}-${Math.floor(rnd() * 1000)}`, randomValue(depth + 1, rnd)]));
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** Offsets of the parts of an Encryption SDK v2 message, from its bytes and header. */
function layout(message: Uint8Array, edk: Uint8Array): { readonly edkAt: number; readonly headerEnd: number } {
  const bytes = Buffer.from(message);
  const edkAt = bytes.indexOf(Buffer.from(edk));
  // after the EDKs: content type (1), frame length (4), commitment key (32), header auth tag (16)
  return { edkAt, headerEnd: edkAt + edk.length + 1 + 4 + 32 + 16 };
}

describe('snapshot envelope (AWS Encryption SDK, KMS keyring on a fake KMS that really encrypts)', () => {
  let kms: FakeKms;
  let keyArn: string;
  const keyring = () => backupKeyring(keyArn, new KMS({ region: 'eu-west-1' }));
  beforeEach(() => {
    kms = fakeKms();
    keyArn = kms.createKey();
  });
  afterEach(() => kms.mock.restore());

  it('round-trips 100 random snapshots, each to the same canonical bytes and digest', async () => {
    const rnd = seeded(11);
    for (let i = 0; i < 100; i++) {
      const resources = Object.fromEntries(Array.from({ length: 1 + Math.floor(rnd() * 8) }, (_, j) => [`iam/role/shop-prod-r${j}`, randomValue(0, rnd)]));
      const s = snapshot(resources);
      const sealed = await sealSnapshot(keyring(), s);
      const opened = await openSnapshot(keyring(), sealed.ciphertext, { project, environment, snapshotId: s.id, length: sealed.ciphertext.byteLength });
      if (!opened.ok) throw new Error(`snapshot ${i}: ${opened.detail}`);
      expect(canonicalJson(opened.snapshot)).toBe(canonicalJson(s));
      expect(opened.digest).toBe(sealed.digest);
    }
  });

  it('encrypts with the signed, key-committing suite, under the backup key, with the project context sent to KMS', async () => {
    const s = snapshot({ manifest: { project } });
    const sealed = await sealSnapshot(keyring(), s);
    expect(sealed.context).toEqual({ [CONTEXT_KEYS.project]: 'shop', [CONTEXT_KEYS.environment]: 'prod', [CONTEXT_KEYS.snapshot]: s.id, [CONTEXT_KEYS.digest]: sealed.digest });
    const generate = kms.calls.find((c) => c.op === 'GenerateDataKey')!;
    expect(generate.keyId).toBe(keyArn);
    expect(Object.keys(generate.context).sort()).toEqual([SDK_PUBLIC_KEY_CONTEXT_KEY, ...Object.values(CONTEXT_KEYS)].sort());
    const opened = await openSnapshot(keyring(), sealed.ciphertext, { project, environment, snapshotId: s.id });
    expect(opened.ok).toBe(true);
    // the plaintext is nowhere in the stored bytes
    expect(Buffer.from(sealed.ciphertext).includes(Buffer.from('"manifest"'))).toBe(false);
    expect(SNAPSHOT_SUITE).toBe(0x0578);
  });

  describe('names what was tampered with', () => {
    let s: Snapshot;
    let sealed: Awaited<ReturnType<typeof sealSnapshot>>;
    /** Opens `bytes` as the snapshot `s` stored with its index entry (`length: null`: without one). */
    const open = (bytes: Uint8Array, snapshotId = s.id, length: number | null = sealed.ciphertext.byteLength) =>
      openSnapshot(keyring(), bytes, { project, environment, snapshotId, ...(length === null ? {} : { length }) });
    const failure = async (bytes: Uint8Array, snapshotId?: string, length?: number | null): Promise<VerifyFailure | 'ok'> => {
      const r = await open(bytes, snapshotId, length);
      return r.ok ? 'ok' : r.failure;
    };
    const edkOf = async (bytes: Uint8Array) => {
      // the one wrapped data key, as the header stores it
      const { buildClient, CommitmentPolicy } = await import('@aws-crypto/client-node');
      const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
      return (await decrypt(keyring(), bytes)).messageHeader.encryptedDataKeys[0]!.encryptedDataKey;
    };
    beforeEach(async () => {
      s = snapshot({ 'iam/role/shop-prod-inventory-agent-caller': { trust: { Statement: [{ Effect: 'Allow' }] } }, manifest: { filler: 'x'.repeat(9000) } });
      sealed = await sealSnapshot(keyring(), s);
    });

    it('a flipped ciphertext byte: body', async () => {
      const { headerEnd } = layout(sealed.ciphertext, await edkOf(sealed.ciphertext));
      const bytes = Buffer.from(sealed.ciphertext);
      bytes[headerEnd + 200]! ^= 0x01;
      expect(await failure(bytes)).toBe('body');
    });

    it('a flipped byte of the signature: signature', async () => {
      const bytes = Buffer.from(sealed.ciphertext);
      bytes[bytes.length - 3]! ^= 0x80;
      expect(await failure(bytes)).toBe('signature');
    });

    it('a flipped header byte (the frame length): header', async () => {
      const { headerEnd } = layout(sealed.ciphertext, await edkOf(sealed.ciphertext));
      const bytes = Buffer.from(sealed.ciphertext);
      bytes[headerEnd - 16 - 32 - 2]! ^= 0x01;
      expect(await failure(bytes)).toBe('header');
    });

    it('a flipped byte of the header authentication tag: header', async () => {
      const { headerEnd } = layout(sealed.ciphertext, await edkOf(sealed.ciphertext));
      const bytes = Buffer.from(sealed.ciphertext);
      bytes[headerEnd - 5]! ^= 0x01;
      expect(await failure(bytes)).toBe('header');
    });

    it('every single-byte flip in the header is refused, never opened', async () => {
      const { headerEnd } = layout(sealed.ciphertext, await edkOf(sealed.ciphertext));
      const seen = new Set<string>();
      for (let at = 0; at < headerEnd; at += 7) {
        const bytes = Buffer.from(sealed.ciphertext);
        bytes[at]! ^= 0x04;
        const f = await failure(bytes);
        expect([at, f]).not.toEqual([at, 'ok']);
        seen.add(f);
      }
      expect([...seen].every((f) => ['header', 'data-key', 'key-commitment', 'truncated', 'context', 'replaced'].includes(f))).toBe(true);
    });

    it('a data key swapped for one of another snapshot: data-key (it does not unwrap under this context)', async () => {
      const other = await sealSnapshot(keyring(), snapshot({ manifest: { other: true } }));
      const mine = await edkOf(sealed.ciphertext);
      const theirs = await edkOf(other.ciphertext);
      expect(theirs.length).toBe(mine.length);
      const bytes = Buffer.from(sealed.ciphertext);
      Buffer.from(theirs).copy(bytes, bytes.indexOf(Buffer.from(mine)));
      expect(await failure(bytes)).toBe('data-key');
    });

    it('a data key swapped for one of a message of the same snapshot: data-key (the context KMS authenticates holds each message\'s signing key)', async () => {
      const twin = await sealSnapshot(keyring(), s);
      const mine = await edkOf(sealed.ciphertext);
      const bytes = Buffer.from(sealed.ciphertext);
      Buffer.from(await edkOf(twin.ciphertext)).copy(bytes, bytes.indexOf(Buffer.from(mine)));
      expect(await failure(bytes)).toBe('data-key');
    });

    it('a data key of another key (a raw AES keyring): data-key', async () => {
      const foreign = new RawAesKeyringNode({ keyName: 'k', keyNamespace: 'attacker', unencryptedMasterKey: randomBytes(32), wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING });
      const forged = await sealSnapshot(foreign, s);
      expect(await failure(forged.ciphertext, s.id, null)).toBe('data-key');
    });

    it('a valid message for another environment: context', async () => {
      const staging = await sealSnapshot(keyring(), { ...s, environment: 'staging' });
      expect(await failure(staging.ciphertext, s.id, null)).toBe('context');
      const r = await open(staging.ciphertext, s.id, null);
      expect(!r.ok && r.detail).toMatch(/warden:environment is "staging", expected "prod"/);
    });

    it('a truncated object: truncated (shorter than the index says), and refused without the index too', async () => {
      const cut = sealed.ciphertext.subarray(0, sealed.ciphertext.byteLength - 100);
      expect(await failure(cut)).toBe('truncated');
      expect(await failure(cut, s.id, null)).not.toBe('ok');
      expect(await failure(sealed.ciphertext.subarray(0, 300), s.id, null)).toBe('truncated');
    });

    it('an object replaced by another snapshot of the same deployment: replaced', async () => {
      const older = snapshot({ manifest: { older: true } }, '20260101T000000Z-00000000');
      const olderSealed = await sealSnapshot(keyring(), older);
      const r = await open(olderSealed.ciphertext, s.id, null);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.failure).toBe('replaced');
      expect(!r.ok && r.detail).toMatch(/holds "20260101T000000Z-00000000"/);
    });

    it('decrypt refused by KMS (no MFA): data-key, naming KMS\'s refusal', async () => {
      kms.mfa = false;
      const r = await open(sealed.ciphertext);
      expect(!r.ok && r.failure).toBe('data-key');
      expect(!r.ok && r.detail).toMatch(/MultiFactorAuthPresent/);
    });
  });
});
