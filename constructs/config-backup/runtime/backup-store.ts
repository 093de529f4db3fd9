/**
 * Where snapshots live in the backup bucket:
 *
 *   snapshots/<id>.warden-backup   the Encryption SDK message (written once; Object Lock keeps it)
 *   index/<id>.json                its index entry: when, length, SHA-256 of the stored bytes
 *
 * The backup function only ever puts objects (it may not read or decrypt backups: that needs
 * MFA); the index is one object per snapshot, so nothing is ever rewritten.
 */
import { GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Sealed } from './envelope';
import type { Snapshot } from './snapshot';

export const SNAPSHOT_PREFIX = 'snapshots/';
export const INDEX_PREFIX = 'index/';

export interface IndexEntry {
  readonly id: string;
  readonly takenAt: string;
  readonly project: string;
  readonly environment: string;
  readonly key: string;
  /** Bytes written. */
  readonly length: number;
  /** SHA-256 of the stored bytes. */
  readonly sha256: string;
  readonly resources: number;
  /** What the collection could not read. */
  readonly warnings: readonly string[];
}

export const snapshotKey = (id: string): string => `${SNAPSHOT_PREFIX}${id}.warden-backup`;
export const indexKey = (id: string): string => `${INDEX_PREFIX}${id}.json`;

export async function writeSnapshot(s3: S3Client, bucket: string, snapshot: Snapshot, sealed: Sealed, warnings: readonly string[]): Promise<IndexEntry> {
  const entry: IndexEntry = {
    id: snapshot.id,
    takenAt: snapshot.takenAt,
    project: snapshot.project,
    environment: snapshot.environment,
    key: snapshotKey(snapshot.id),
    length: sealed.ciphertext.byteLength,
    sha256: sealed.ciphertextDigest,
    resources: Object.keys(snapshot.resources).length,
    warnings,
  };
  // Object Lock buckets require an integrity checksum on every put
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: entry.key, Body: sealed.ciphertext, ContentType: 'application/octet-stream', ChecksumAlgorithm: 'SHA256' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: indexKey(snapshot.id), Body: JSON.stringify(entry), ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }));
  return entry;
}

export interface ListedSnapshot {
  readonly id: string;
  readonly entry?: IndexEntry;
  /** Size of the snapshot object, when it exists. */
  readonly size?: number;
}

/** Every snapshot in the bucket, oldest first, with its index entry where there is one. */
export async function listSnapshots(s3: S3Client, bucket: string): Promise<ListedSnapshot[]> {
  const objects = new Map<string, number>();
  for (const o of await listKeys(s3, bucket, SNAPSHOT_PREFIX)) {
    const m = /^snapshots\/(.+)\.warden-backup$/.exec(o.key);
    if (m) objects.set(m[1]!, o.size);
  }
  const entries = new Map<string, IndexEntry>();
  for (const o of await listKeys(s3, bucket, INDEX_PREFIX)) {
    const m = /^index\/(.+)\.json$/.exec(o.key);
    if (!m) continue;
    const text = await readText(s3, bucket, o.key);
    try {
      entries.set(m[1]!, JSON.parse(text) as IndexEntry);
    } catch {
      /* an unreadable entry: listed without one */
    }
  }
  const ids = [...new Set([...objects.keys(), ...entries.keys()])].sort();
  return ids.map((id) => ({ id, ...(entries.has(id) ? { entry: entries.get(id)! } : {}), ...(objects.has(id) ? { size: objects.get(id)! } : {}) }));
}

/** The stored bytes of a snapshot and how many versions its key has (more than one: written over). */
export async function readSnapshotObject(s3: S3Client, bucket: string, id: string): Promise<{ readonly bytes: Uint8Array; readonly versions: number }> {
  const key = snapshotKey(id);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = got.Body ? await got.Body.transformToByteArray() : new Uint8Array();
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return { bytes, versions: (versions.Versions ?? []).filter((v) => v.Key === key).length };
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<{ key: string; size: number }[]> {
  const out: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return got.Body ? got.Body.transformToString('utf8') : '';
}
