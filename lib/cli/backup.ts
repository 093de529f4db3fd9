/**
 * `warden backup list|verify|diff|restore`: the configuration snapshots the backup function
 * writes (ConfigBackup). Decrypting a snapshot needs MFA (the backup key's policy), so every
 * command but `list` runs as the MFA-gated admin role: pass `--mfa-serial` and `--mfa-code` and
 * the CLI assumes `<project>-<environment>-warden-admin` with them, or run it in a session of
 * that role already opened with MFA. `restore` changes nothing without `--apply`.
 */
import { KMS, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Command } from 'commander';
import { relative } from 'node:path';
import { DEFAULT_MANIFEST_FILE, loadManifest } from '../config';
import { backupBucketName, backupKeyAlias } from '../config/deployment-names';
import { readTeamPolicies } from '../policy/team-policies';
import { type AdminRoleOptions, assumeAdminRole, withAdminRole } from './admin-session';
import { apiGatewayReader } from '../../constructs/config-backup/runtime/api-gateway-reader';
import { backupKeyring } from '../../constructs/config-backup/runtime/backup-keyring';
import { type ListedSnapshot, listSnapshots, readSnapshotObject } from '../../constructs/config-backup/runtime/backup-store';
import { collectLive } from '../../constructs/config-backup/runtime/collect';
import { deploymentResources } from '../../constructs/config-backup/runtime/deployment-config';
import { formatDiff } from '../../constructs/config-backup/runtime/diff';
import { openSnapshot, type OpenResult } from '../../constructs/config-backup/runtime/envelope';
import type { LiveClients } from '../../constructs/config-backup/runtime/live-scope';
import { applyRestore, describeCall, isRestorable, planRestore } from '../../constructs/config-backup/runtime/restore';
import type { Snapshot } from '../../constructs/config-backup/runtime/snapshot';

/** The clients of one session (the admin role's, when the CLI assumed it). */
export interface BackupSession {
  readonly live: LiveClients;
  readonly s3: S3Client;
  readonly kms: KMS;
}

export interface BackupCliDeps {
  /** Builds the clients for a region and credentials. @default - real AWS SDK clients */
  readonly session?: (region: string, credentials?: AwsCredentialIdentity) => BackupSession;
}

interface CommonOptions extends AdminRoleOptions {
  readonly config: string;
  readonly region?: string;
  readonly bucket?: string;
  readonly keyArn?: string;
}

function realSession(region: string, credentials?: AwsCredentialIdentity): BackupSession {
  const options = { region, ...(credentials ? { credentials } : {}) };
  return {
    live: { iam: new IAMClient(options), kms: new KMSClient(options), cloudwatch: new CloudWatchClient(options), dynamodb: new DynamoDBClient(options), apis: apiGatewayReader(region, credentials) },
    s3: new S3Client(options),
    kms: new KMS(options),
  };
}

/** The session, bucket and keyring a command works with. */
async function open(options: CommonOptions, deps: BackupCliDeps, needsKey: boolean) {
  const loaded = loadManifest(options.config);
  const { project, environment } = loaded.manifest;
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('no region: pass --region or set AWS_REGION');
  const sts = new STSClient({ region });
  const { Account: account } = await sts.send(new GetCallerIdentityCommand({}));
  if (!account) throw new Error('could not tell which account the credentials belong to (sts:GetCallerIdentity)');
  const credentials = await assumeAdminRole(sts, options, { project, environment, account, sessionPrefix: 'warden-backup' });
  const session = (deps.session ?? realSession)(region, credentials);
  const bucket = options.bucket ?? backupBucketName(project, environment, account);
  let keyArn = options.keyArn;
  if (needsKey && !keyArn) {
    const { KeyMetadata: meta } = await session.kms.send(new DescribeKeyCommand({ KeyId: backupKeyAlias(project, environment) }));
    keyArn = meta?.Arn;
    if (!keyArn) throw new Error(`the backup key ${backupKeyAlias(project, environment)} was not found; pass --key-arn`);
  }
  return { loaded, session, bucket, keyring: keyArn ? backupKeyring(keyArn, session.kms) : undefined };
}

type Opened = Awaited<ReturnType<typeof open>>;

const MFA_HINT = ' — decrypting backups needs MFA: pass --mfa-serial and --mfa-code (or use a session of the admin role opened with MFA)';

async function verifyOne(ctx: Opened, listed: ListedSnapshot): Promise<{ readonly result: OpenResult; readonly versions: number }> {
  const { project, environment } = ctx.loaded.manifest;
  if (listed.size === undefined) return { result: { ok: false, failure: 'truncated', detail: 'the snapshot object is missing (its index entry remains)' }, versions: 0 };
  const { bytes, versions } = await readSnapshotObject(ctx.session.s3, ctx.bucket, listed.id);
  const result = await openSnapshot(ctx.keyring!, bytes, { project, environment, snapshotId: listed.id, ...(listed.entry ? { length: listed.entry.length } : {}) });
  if (!result.ok && /AccessDenied|not authorized/i.test(result.detail)) return { result: { ...result, detail: `${result.detail}${MFA_HINT}` }, versions };
  return { result, versions };
}

function verifyLine(listed: ListedSnapshot, r: { readonly result: OpenResult; readonly versions: number }): string {
  const overwritten = r.versions > 1 ? ` [written ${r.versions} times: the stored object was replaced; older versions are kept by Object Lock]` : '';
  if (r.result.ok) return `ok      ${listed.id}  sha256 ${r.result.digest}  ${Object.keys(r.result.snapshot.resources).length} resources, signature, context and digest verified${overwritten}`;
  return `FAILED  ${listed.id}  ${r.result.failure}: ${r.result.detail}${overwritten}`;
}

/** Opens one snapshot, or throws naming why it cannot be trusted. */
async function trustedSnapshot(ctx: Opened, id: string): Promise<Snapshot> {
  const listed = (await listSnapshots(ctx.session.s3, ctx.bucket)).find((s) => s.id === id);
  if (!listed) throw new Error(`no snapshot ${id} in s3://${ctx.bucket} (see \`warden backup list\`)`);
  const verified = await verifyOne(ctx, listed);
  if (!verified.result.ok) throw new Error(`snapshot ${id} does not verify, so it is not used: ${verified.result.failure}: ${verified.result.detail}`);
  return verified.result.snapshot;
}

/** The live configuration, with the deployment parts taken from the local manifest. */
async function liveResources(ctx: Opened): Promise<{ readonly resources: Record<string, unknown>; readonly warnings: readonly string[] }> {
  const { manifest, dir } = ctx.loaded;
  const team = readTeamPolicies(manifest, dir).map((text, i) => ({ file: manifest.guard.policies[i]!, text }));
  const live = await collectLive(ctx.session.live, { project: manifest.project, environment: manifest.environment });
  return { resources: { ...deploymentResources(manifest, team), ...live.resources }, warnings: live.warnings };
}

const only = (keys: readonly string[] | undefined) => (key: string) => !keys || keys.length === 0 || keys.some((p) => key.startsWith(p));
const pick = (resources: Readonly<Record<string, unknown>>, keep: (k: string) => boolean) => Object.fromEntries(Object.entries(resources).filter(([k]) => keep(k)));

export function registerBackup(program: Command, deps: BackupCliDeps = {}): void {
  const backup = program.command('backup').description('encrypted snapshots of the security configuration: list, verify, diff against live, restore');
  const common = (c: Command, needsAdmin?: string) =>
    withAdminRole(
      c
        .option('--config <file>', 'the manifest (names the project and environment; its local copy is "live" for the manifest and Cedar parts)', DEFAULT_MANIFEST_FILE)
        .option('--region <region>', 'region of the deployment (default: AWS_REGION)')
        .option('--bucket <name>', 'the backup bucket (default: <project>-<environment>-backups-<account>)')
        .option('--key-arn <arn>', 'the backup key (default: the key of alias/<project>-<environment>-backups)'),
      needsAdmin,
    );

  common(backup.command('list').description('every snapshot, oldest first, from the index'))
    .action(async (options: CommonOptions) => {
      const ctx = await open(options, deps, false);
      const listed = await listSnapshots(ctx.session.s3, ctx.bucket);
      if (listed.length === 0) {
        process.stdout.write(`no snapshots in s3://${ctx.bucket}\n`);
        return;
      }
      process.stdout.write(`${listed.length} snapshot${listed.length === 1 ? '' : 's'} in s3://${ctx.bucket}\n`);
      for (const s of listed) {
        const e = s.entry;
        const notes = [s.size === undefined ? 'OBJECT MISSING' : '', e === undefined ? 'no index entry' : '', e && e.warnings.length > 0 ? `${e.warnings.length} collection warnings` : ''].filter((n) => n !== '');
        process.stdout.write(`${s.id}  ${e?.takenAt ?? '-'}  ${e ? `${e.resources} resources` : '-'}  ${s.size ?? '-'} bytes${notes.length > 0 ? `  (${notes.join('; ')})` : ''}\n`);
      }
    });

  common(backup.command('verify').description('decrypt each snapshot and check its signature, encryption context and digest (needs MFA)'), 'Decrypting a snapshot')
    .option('--snapshot <id>', 'one snapshot (default: the latest)')
    .option('--all', 'every snapshot')
    .action(async (options: CommonOptions & { snapshot?: string; all?: boolean }) => {
      const ctx = await open(options, deps, true);
      const listed = await listSnapshots(ctx.session.s3, ctx.bucket);
      const chosen = options.all ? listed : options.snapshot ? listed.filter((s) => s.id === options.snapshot) : listed.slice(-1);
      if (chosen.length === 0) throw new Error(options.snapshot ? `no snapshot ${options.snapshot} in s3://${ctx.bucket}` : `no snapshots in s3://${ctx.bucket}`);
      let failed = 0;
      for (const s of chosen) {
        const r = await verifyOne(ctx, s);
        if (!r.result.ok) failed++;
        process.stdout.write(`${verifyLine(s, r)}\n`);
      }
      process.stdout.write(`${chosen.length - failed} of ${chosen.length} verified\n`);
      if (failed > 0) process.exitCode = 1;
    });

  common(backup.command('diff').description('what changed since a snapshot, per resource (snapshot → live; needs MFA)'), 'Decrypting a snapshot')
    .requiredOption('--snapshot <id>', 'the snapshot')
    .action(async (options: CommonOptions & { snapshot: string }) => {
      const ctx = await open(options, deps, true);
      const snapshot = await trustedSnapshot(ctx, options.snapshot);
      const live = await liveResources(ctx);
      process.stdout.write(`snapshot ${snapshot.id} (${snapshot.takenAt}) → live (manifest and Cedar: ${relative(process.cwd(), options.config) || options.config})\n`);
      process.stdout.write(`${formatDiff(planRestore(snapshot.resources, live.resources, snapshot).changes)}\n`);
      for (const w of live.warnings) process.stdout.write(`warning: ${w}\n`);
    });

  common(backup.command('restore').description('put a snapshot\'s IAM, KMS and kill-switch configuration back; shows the diff and changes nothing without --apply (admin role, MFA)'), 'Restoring (with or without --apply: the snapshot is decrypted)')
    .requiredOption('--snapshot <id>', 'the snapshot')
    .option('--apply', 'make the changes (default: only show them)')
    .option('--only <prefix...>', 'restrict to resource keys starting with these, e.g. iam/role/shop-prod-fraud-agent-caller kms/key/')
    .action(async (options: CommonOptions & { snapshot: string; apply?: boolean; only?: string[] }) => {
      const ctx = await open(options, deps, true);
      const snapshot = await trustedSnapshot(ctx, options.snapshot);
      const keep = only(options.only);
      const live = await liveResources(ctx);
      const plan = planRestore(pick(snapshot.resources, keep), pick(live.resources, keep), snapshot);
      process.stdout.write(`snapshot ${snapshot.id} (${snapshot.takenAt}) → live\n${formatDiff(plan.changes)}\n`);
      if (plan.calls.length > 0) process.stdout.write(`\nrestore would make ${plan.calls.length} call${plan.calls.length === 1 ? '' : 's'}:\n${plan.calls.map((c) => `  ${describeCall(c.call)}`).join('\n')}\n`);
      if (plan.manual.length > 0) process.stdout.write(`\nnot restored by this command:\n${plan.manual.map((m) => `  ${m.key}: ${m.why}`).join('\n')}\n`);
      if (plan.warnings.length > 0) process.stdout.write(`\nwarnings:\n${plan.warnings.map((w) => `  ${w}`).join('\n')}\n`);
      if (!options.apply) {
        process.stdout.write(`\nnothing was changed; run again with --apply to make ${plan.calls.length === 1 ? 'this call' : 'these calls'} (as the admin role, with MFA)\n`);
        return;
      }
      if (plan.calls.length === 0) {
        process.stdout.write('\nnothing to apply\n');
        return;
      }
      const applied = await applyRestore(plan, { iam: ctx.session.live.iam, kms: ctx.session.live.kms, dynamodb: ctx.session.live.dynamodb });
      process.stdout.write(`\napplied:\n${applied.map((a) => `  ${a.error ? 'FAILED' : 'ok    '} ${describeCall(a.call)}${a.error ? `: ${a.error}` : ''}`).join('\n')}\n`);
      // verify: the restorable part of live now equals the snapshot
      const after = await liveResources(ctx);
      const remaining = planRestore(pick(snapshot.resources, keep), pick(after.resources, keep), snapshot).changes.filter((c) => isRestorable(c.key) && plan.calls.some((p) => p.key === c.key));
      if (remaining.length === 0 && applied.every((a) => !a.error)) {
        process.stdout.write(`verified: the ${new Set(plan.calls.map((c) => c.key)).size} restored resources match the snapshot\n`);
      } else {
        process.stdout.write(`NOT verified: ${remaining.length} restored resources still differ:\n${formatDiff(remaining)}\n`);
        process.exitCode = 1;
      }
    });
}

