/**
 * The scheduled backup function: collect (read-only calls), seal (Encryption SDK, backup key),
 * store (put-only), report (one EMF line). Any failure throws, so the invocation fails, the
 * Lambda `Errors` metric counts it and no `SnapshotsWritten` is emitted: both alarms see it.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMS, KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { KeyringNode } from '@aws-crypto/client-node';
import type { Manifest } from '../../../lib/config/schema';
import { apiGatewayReader } from './api-gateway-reader';
import { backupKeyring } from './backup-keyring';
import { backupMetricsLine } from './backup-metrics';
import { type IndexEntry, writeSnapshot } from './backup-store';
import { takeSnapshot } from './collect';
import type { TeamPolicy } from './deployment-config';
import { sealSnapshot } from './envelope';
import type { LiveClients } from './live-scope';
import { BACKUP_ENV } from './runtime-env';
import { newSnapshotId } from './snapshot';

export interface BackupDeps {
  readonly clients: LiveClients;
  readonly s3: S3Client;
  readonly keyring: KeyringNode;
  readonly bucket: string;
  readonly now?: () => Date;
  readonly write?: (line: string) => void;
}

export interface BackupConfig {
  readonly manifest: Manifest;
  readonly teamPolicies: readonly TeamPolicy[];
}

export async function runBackup(config: BackupConfig, deps: BackupDeps): Promise<IndexEntry> {
  const now = deps.now ?? (() => new Date());
  const takenAt = now();
  const { snapshot, warnings } = await takeSnapshot({ clients: deps.clients, manifest: config.manifest, teamPolicies: config.teamPolicies, id: newSnapshotId(takenAt), takenAt });
  const sealed = await sealSnapshot(deps.keyring, snapshot);
  const entry = await writeSnapshot(deps.s3, deps.bucket, snapshot, sealed, warnings);
  const write = deps.write ?? ((line: string) => process.stdout.write(line));
  for (const warning of warnings) write(`${JSON.stringify({ level: 'WARN', message: 'backup: part of the configuration could not be read', warning, snapshot: snapshot.id })}\n`);
  write(
    backupMetricsLine(
      `${snapshot.project}-${snapshot.environment}`,
      { SnapshotsWritten: 1, SnapshotBytes: entry.length, SnapshotResources: entry.resources, CollectionWarnings: warnings.length },
      now().getTime(),
    ),
  );
  return entry;
}

/** The Lambda handler (the generated entry passes the manifest and team policies inlined at synth). */
export function createBackupHandler(config: BackupConfig): () => Promise<{ readonly snapshot: string; readonly key: string; readonly resources: number }> {
  let deps: BackupDeps | undefined;
  return async () => {
    deps ??= lambdaDeps();
    const entry = await runBackup(config, deps);
    return { snapshot: entry.id, key: entry.key, resources: entry.resources };
  };
}

function lambdaDeps(): BackupDeps {
  const region = process.env.AWS_REGION ?? '';
  const bucket = process.env[BACKUP_ENV.bucket];
  const keyArn = process.env[BACKUP_ENV.keyArn];
  if (!bucket || !keyArn) throw new Error(`backup function: ${BACKUP_ENV.bucket} and ${BACKUP_ENV.keyArn} must be set (the ConfigBackup construct sets them)`);
  return {
    clients: { iam: new IAMClient({}), kms: new KMSClient({}), cloudwatch: new CloudWatchClient({}), dynamodb: new DynamoDBClient({}), apis: apiGatewayReader(region) },
    s3: new S3Client({}),
    keyring: backupKeyring(keyArn, new KMS({})),
    bucket,
  };
}
