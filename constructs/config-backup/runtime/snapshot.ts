/**
 * A configuration snapshot: every security configuration of one deployment at one moment, as a
 * flat map from a resource key (`iam/role/shop-prod-inventory-agent-caller`) to its canonical
 * value, so verify, diff and restore work resource by resource.
 */
import { randomBytes } from 'node:crypto';
import { canonicalJson, sha256Hex } from './canonical-json';

export const SNAPSHOT_FORMAT = 'mcp-warden/config-snapshot@1';

/** What each resource key starts with. */
export const RESOURCE_KINDS = {
  manifest: 'manifest',
  cedarGenerated: 'cedar/generated',
  cedarTeam: 'cedar/team',
  role: 'iam/role/',
  policy: 'iam/policy/',
  key: 'kms/key/',
  api: 'api/',
  alarm: 'alarm/',
  killSwitch: 'kill-switch/',
} as const;

export interface Snapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly id: string;
  readonly project: string;
  readonly environment: string;
  /** ISO-8601 time the collection started. */
  readonly takenAt: string;
  /** Resource key → canonical value. */
  readonly resources: Readonly<Record<string, unknown>>;
}

/** `20261203T091500Z-1a2b3c4d`: sorts by time; the suffix keeps two runs in one second apart. */
const SNAPSHOT_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

export function newSnapshotId(at: Date, random: () => string = () => randomBytes(4).toString('hex')): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${random()}`;
}

export function isSnapshotId(id: string): boolean {
  return SNAPSHOT_ID.test(id);
}

/** Encryption-context keys; the context is authenticated (and signed) with every snapshot. */
export const CONTEXT_KEYS = {
  project: 'warden:project',
  environment: 'warden:environment',
  snapshot: 'warden:snapshot',
  /** SHA-256 of the snapshot's canonical JSON. */
  digest: 'warden:digest',
} as const;

/**
 * What the Encryption SDK adds to the context of a signed algorithm suite (the signature's
 * public key); it reaches KMS, so the backup key's policy must allow it.
 */
export const SDK_PUBLIC_KEY_CONTEXT_KEY = 'aws-crypto-public-key';

export function snapshotContext(snapshot: Pick<Snapshot, 'project' | 'environment' | 'id'>, digest: string): Record<string, string> {
  return { [CONTEXT_KEYS.project]: snapshot.project, [CONTEXT_KEYS.environment]: snapshot.environment, [CONTEXT_KEYS.snapshot]: snapshot.id, [CONTEXT_KEYS.digest]: digest };
}

/** The canonical bytes of a snapshot and their SHA-256. */
export function serializeSnapshot(snapshot: Snapshot): { readonly text: string; readonly digest: string } {
  const text = canonicalJson(snapshot);
  return { text, digest: sha256Hex(text) };
}

/** The snapshot in `text`, or a reason it is not one. */
export function parseSnapshot(text: string): Snapshot | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the decrypted content is not JSON';
  }
  const s = value as Partial<Snapshot> | null;
  if (!s || typeof s !== 'object' || s.format !== SNAPSHOT_FORMAT) return `the decrypted content is not a ${SNAPSHOT_FORMAT} snapshot`;
  if (typeof s.id !== 'string' || typeof s.project !== 'string' || typeof s.environment !== 'string' || typeof s.takenAt !== 'string' || !s.resources || typeof s.resources !== 'object') {
    return 'the snapshot lacks its id, project, environment, time or resources';
  }
  return s as Snapshot;
}
