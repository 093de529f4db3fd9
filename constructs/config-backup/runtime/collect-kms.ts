/**
 * The warden KMS keys: every customer-managed key of the account tagged with this project and
 * environment (the stacks tag every resource), with its policy, rotation, state and aliases.
 */
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { RESOURCE_KINDS } from './snapshot';
import { type Collected, type LiveScope, mapLimit, parsePolicyDocument } from './live-scope';

const CONCURRENCY = 4;
export const PROJECT_TAG = 'warden:project';
export const ENVIRONMENT_TAG = 'warden:environment';

export interface KeyRecord {
  readonly arn: string;
  readonly description: string;
  readonly keyState: string;
  readonly aliases: readonly string[];
  readonly policy: unknown;
  readonly rotation: boolean;
}

export async function collectKms(kms: KMSClient, scope: LiveScope, into: Collected): Promise<void> {
  const ids: string[] = [];
  let marker: string | undefined;
  do {
    const page = await kms.send(new ListKeysCommand({ Marker: marker, Limit: 1000 }));
    for (const k of page.Keys ?? []) if (k.KeyId) ids.push(k.KeyId);
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  const records = await mapLimit(ids, CONCURRENCY, async (id) => {
    const tags = await tagsOf(kms, id);
    if (tags === undefined || tags[PROJECT_TAG] !== scope.project || tags[ENVIRONMENT_TAG] !== scope.environment) return undefined;
    return keyRecord(kms, id).catch((err: unknown) => {
      into.warnings.push(`kms: could not read key ${id}: ${(err as Error).message}`);
      return undefined;
    });
  });
  for (const [i, record] of records.entries()) if (record) into.resources[`${RESOURCE_KINDS.key}${ids[i]}`] = record;
}

/** The key's tags, or undefined when they may not be read (AWS-managed keys, other teams' keys). */
async function tagsOf(kms: KMSClient, keyId: string): Promise<Record<string, string> | undefined> {
  try {
    const tags: Record<string, string> = {};
    let marker: string | undefined;
    do {
      const page = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Marker: marker }));
      for (const t of page.Tags ?? []) if (t.TagKey) tags[t.TagKey] = t.TagValue ?? '';
      marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker);
    return tags;
  } catch {
    return undefined;
  }
}

async function keyRecord(kms: KMSClient, keyId: string): Promise<KeyRecord> {
  const { KeyMetadata: meta } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
  const policy = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
  const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
  const aliases = await kms.send(new ListAliasesCommand({ KeyId: keyId }));
  return {
    arn: meta?.Arn ?? keyId,
    description: meta?.Description ?? '',
    keyState: meta?.KeyState ?? 'Unknown',
    aliases: (aliases.Aliases ?? []).map((a) => a.AliasName ?? '').filter((a) => a !== '').sort(),
    policy: parsePolicyDocument(policy.Policy),
    rotation: rotation.KeyRotationEnabled === true,
  };
}
