import { KMS } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { registerBackup, type BackupSession } from '../../../lib/cli/backup';
import { agentRoleNames } from '../../../lib/config/role-names';
import { backupKeyring } from '../../../constructs/config-backup/runtime/backup-keyring';
import { snapshotKey } from '../../../constructs/config-backup/runtime/backup-store';
import { runBackup } from '../../../constructs/config-backup/runtime/handler';
import { DEFAULT_MANIFEST_PATH } from '../policy/default-manifest';
import { ACCOUNT, REGION } from '../../constructs/config-backup/fake-account';
import { shopAccount, type ShopAccount } from '../../constructs/config-backup/shop-account';
import { runCli } from './run-cli';

const caller = agentRoleNames('shop', 'prod', 'fraud-agent').caller;
const bucket = `shop-prod-backups-${ACCOUNT}`;

describe('warden backup (against a fake account)', () => {
  let shop: ShopAccount;
  let sts: ReturnType<typeof mockClient>;
  let ids: string[];
  let sessions: { credentials?: { accessKeyId: string } }[];
  const session = (_region: string, credentials?: { accessKeyId: string }): BackupSession => {
    sessions.push(credentials ? { credentials } : {});
    return { live: shop.account.clients(), s3: new S3Client({ region: REGION }), kms: new KMS({ region: REGION }) };
  };
  const mfa = ['--mfa-serial', `arn:aws:iam::${ACCOUNT}:mfa/alice`, '--mfa-code', '123456'];
  const cli = (args: string[]) => runCli((p) => registerBackup(p, { session }), 'backup', ['--config', DEFAULT_MANIFEST_PATH, '--region', REGION, ...args.slice(1)].flatMap((a, i) => (i === 0 ? [args[0]!, a] : [a])));
  const takeBackup = async (at: string) =>
    (await runBackup({ manifest: shop.manifest, teamPolicies: [] }, { clients: shop.account.clients(), s3: new S3Client({ region: REGION }), keyring: backupKeyring(shop.backupKeyArn, new KMS({ region: REGION })), bucket, now: () => new Date(at), write: () => {} })).id;

  beforeEach(async () => {
    shop = await shopAccount();
    sessions = [];
    sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/alice` });
    sts.on(AssumeRoleCommand).callsFake((input: { SerialNumber?: string; TokenCode?: string }) => {
      if (!input.SerialNumber || !input.TokenCode) throw new Error('AccessDenied: the admin role requires MFA');
      return { Credentials: { AccessKeyId: 'ASIAADMIN', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600e3) } };
    });
    ids = [await takeBackup('2026-11-01T03:00:00Z'), await takeBackup('2026-12-01T03:00:00Z')];
  });
  afterEach(async () => {
    sts.restore();
    await shop.account.stop();
  });

  it('list: every snapshot from the index, oldest first', async () => {
    const run = await cli(['list']);
    expect(run.stdout).toMatch(new RegExp(`2 snapshots in s3://${bucket}`));
    expect(run.stdout.indexOf(ids[0]!)).toBeLessThan(run.stdout.indexOf(ids[1]!));
    expect(run.stdout).toMatch(/2026-11-01T03:00:00.000Z  \d+ resources/);
  });

  it('verify --all with MFA: assumes the admin role with the MFA code and verifies each snapshot', async () => {
    const run = await cli(['verify', '--all', ...mfa]);
    expect(run.stdout).toMatch(new RegExp(`ok      ${ids[0]}  sha256 [0-9a-f]{64}  \\d+ resources, signature, context and digest verified`));
    expect(run.stdout).toMatch(/2 of 2 verified/);
    expect(run.exitCode).toBeUndefined();
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-prod-warden-admin`,
      SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice`,
      TokenCode: '123456',
    });
    expect(sessions.at(-1)).toEqual({ credentials: expect.objectContaining({ accessKeyId: 'ASIAADMIN' }) });
  });

  it('verify without MFA: KMS refuses to decrypt, and the message says how to pass MFA', async () => {
    shop.account.kms.mfa = false;
    const run = await cli(['verify']);
    expect(run.stdout).toMatch(new RegExp(`FAILED  ${ids[1]}  data-key: .*MultiFactorAuthPresent.*pass --mfa-serial and --mfa-code`));
    expect(run.exitCode).toBe(1);
  });

  it('verify names a flipped byte written over a snapshot, and that the object was replaced', async () => {
    shop.account.overwrite(snapshotKey(ids[0]!), (b) => {
      b[b.length - 500]! ^= 0x01;
      return b;
    });
    const run = await cli(['verify', '--all', ...mfa]);
    expect(run.stdout).toMatch(new RegExp(`FAILED  ${ids[0]}  body: the ciphertext was altered.*written 2 times`));
    expect(run.stdout).toMatch(new RegExp(`ok      ${ids[1]}`));
    expect(run.stdout).toMatch(/1 of 2 verified/);
    expect(run.exitCode).toBe(1);
  });

  it('verify names a snapshot replaced by another one', async () => {
    const newer = shop.account.objects.get(snapshotKey(ids[1]!))![0]!.body;
    shop.account.overwrite(snapshotKey(ids[0]!), () => newer);
    const run = await cli(['verify', '--snapshot', ids[0]!, ...mfa]);
    expect(run.stdout).toMatch(new RegExp(`FAILED  ${ids[0]}  replaced: .*it holds "${ids[1]}", stored as ${ids[0]}`));
  });

  describe('after an intruder changed the configuration', () => {
    const attackerTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }] };
    beforeEach(() => {
      shop.account.roles.get(caller)!.trust = attackerTrust;
      shop.account.roles.get(caller)!.attached.push('arn:aws:iam::aws:policy/AdministratorAccess');
      delete shop.account.roles.get(caller)!.boundary;
      shop.account.keys.get(shop.classKeyArn.split('/')[1]!)!.policy = { Version: '2012-10-17', Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] };
      shop.account.keys.get(shop.classKeyArn.split('/')[1]!)!.rotation = false;
      shop.account.policies.get(shop.invokePolicyArn)!.push({ id: 'v2', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, isDefault: true, created: new Date(1) });
      shop.account.policies.get(shop.invokePolicyArn)![0]!.isDefault = false;
    });

    it('diff shows each changed resource and path, snapshot → live', async () => {
      const run = await cli(['diff', '--snapshot', ids[1]!, ...mfa]);
      expect(run.stdout).toContain(`~ iam/role/${caller}`);
      expect(run.stdout).toMatch(/trust\.Statement\[0\]\.Principal\.AWS: \(absent\) → "arn:aws:iam::999999999999:root"/);
      expect(run.stdout).toMatch(/boundary: "arn:aws:iam::111122223333:policy\/shop-prod-identity-WardenPermissionsBoundary-ABC" → null/);
      expect(run.stdout).toMatch(/attached\[1\]: \(absent\) → "arn:aws:iam::aws:policy\/AdministratorAccess"/);
      expect(run.stdout).toMatch(/~ kms\/key\/.*\n(\s+.*\n)*\s+rotation: true → false/);
      expect(run.stdout).toMatch(/~ iam\/policy\/shop-prod-servers-ServercommerceCallerInvokePolicy-XYZ\n\s+document\.Statement\[0\]\.Action: "execute-api:Invoke" → "\*"/);
      expect(run.stdout).not.toMatch(/^[~+-] (manifest|cedar)/m);
    });

    it('restore without --apply shows the diff and the calls, and changes nothing', async () => {
      const run = await cli(['restore', '--snapshot', ids[1]!, ...mfa]);
      expect(run.stdout).toContain(`~ iam/role/${caller}`);
      expect(run.stdout).toContain(`iam update-assume-role-policy ${caller}`);
      expect(run.stdout).toContain(`iam detach-role-policy ${caller} arn:aws:iam::aws:policy/AdministratorAccess`);
      expect(run.stdout).toMatch(/kms put-key-policy .*\n\s+kms enable-key-rotation/);
      expect(run.stdout).toMatch(/nothing was changed; run again with --apply/);
      expect(shop.account.writes).toEqual([]);
      expect(shop.account.roles.get(caller)!.trust).toEqual(attackerTrust);
    });

    it('restore --apply puts the snapshot back with IAM and KMS calls, then verifies live matches', async () => {
      const run = await cli(['restore', '--snapshot', ids[1]!, '--apply', ...mfa]);
      expect(run.stdout).toMatch(/verified: the 3 restored resources match the snapshot/);
      expect(run.exitCode).toBeUndefined();
      expect(shop.account.roles.get(caller)!.trust).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
      expect(shop.account.roles.get(caller)!.boundary).toMatch(/WardenPermissionsBoundary/);
      expect(shop.account.roles.get(caller)!.attached).toEqual([shop.invokePolicyArn]);
      expect(shop.account.keys.get(shop.classKeyArn.split('/')[1]!)).toMatchObject({ rotation: true, policy: { Statement: [{ Sid: 'ClassKey' }] } });
      expect((shop.account.defaultDocument(shop.invokePolicyArn) as { Statement: { Action: string }[] }).Statement[0]!.Action).toBe('execute-api:Invoke');
      const again = await cli(['diff', '--snapshot', ids[1]!, ...mfa]);
      expect(again.stdout).toMatch(/no differences/);
    });

    it('restore --only limits the restore to the named resources', async () => {
      const run = await cli(['restore', '--snapshot', ids[1]!, '--apply', '--only', `iam/role/${caller}`, ...mfa]);
      expect(run.stdout).toMatch(/verified: the 1 restored resources match/);
      expect(shop.account.writes.every((w) => w.includes(caller))).toBe(true);
      expect(shop.account.keys.get(shop.classKeyArn.split('/')[1]!)!.rotation).toBe(false);
    });

    it('a widened permissions boundary (a new default version) shows in the diff and is put back', async () => {
      const boundaryArn = [...shop.account.policies.keys()].find((arn) => arn.endsWith('/shop-prod-identity-WardenPermissionsBoundary-ABC'))!;
      const versions = shop.account.policies.get(boundaryArn)!;
      for (const v of versions) v.isDefault = false;
      versions.push({ id: 'v9', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, isDefault: true, created: new Date(2) });
      const diff = await cli(['diff', '--snapshot', ids[1]!, ...mfa]);
      expect(diff.stdout).toMatch(/~ iam\/policy\/shop-prod-identity-WardenPermissionsBoundary-ABC\n\s+document\.Statement\[0\]\.Action: "iam:\*" → "\*"/);
      const run = await cli(['restore', '--snapshot', ids[1]!, '--apply', '--only', 'iam/policy/shop-prod-identity-WardenPermissionsBoundary-ABC', ...mfa]);
      expect(run.stdout).toMatch(/verified: the 1 restored resources match the snapshot/);
      expect(shop.account.defaultDocument(boundaryArn)).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] });
    });

    it('restore refuses a snapshot that does not verify', async () => {
      shop.account.overwrite(snapshotKey(ids[1]!), (b) => b.subarray(0, b.length - 40));
      await expect(cli(['restore', '--snapshot', ids[1]!, '--apply', ...mfa])).rejects.toThrow(/does not verify, so it is not used: truncated/);
      expect(shop.account.writes).toEqual([]);
    });
  });

  it('restore of a kill-switch row warns that it may release a contained agent', async () => {
    const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    await shop.account.dynamodb.send(new PutItemCommand({ TableName: 'shop-prod-agent-status', Item: { agent: { S: 'fraud-agent' }, status: { S: 'contained' } } }));
    const run = await cli(['restore', '--snapshot', ids[1]!, ...mfa]);
    expect(run.stdout).toMatch(/~ kill-switch\/fraud-agent\n\s+status\.S: "active" → "contained"/);
    expect(run.stdout).toMatch(/kill-switch row of fraud-agent changes \(contained → active\); a contained agent may be released/);
  });
});
