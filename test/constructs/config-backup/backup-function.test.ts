import { KMS } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { agentRoleNames } from '../../../lib/config/role-names';
import { backupKeyring } from '../../../constructs/config-backup/runtime/backup-keyring';
import { BACKUP_METRIC_NAMES } from '../../../constructs/config-backup/runtime/backup-metrics';
import { indexKey, snapshotKey } from '../../../constructs/config-backup/runtime/backup-store';
import { openSnapshot } from '../../../constructs/config-backup/runtime/envelope';
import { runBackup } from '../../../constructs/config-backup/runtime/handler';
import { CONTEXT_KEYS } from '../../../constructs/config-backup/runtime/snapshot';
import { REGION } from './fake-account';
import { shopAccount, type ShopAccount } from './shop-account';

describe('the backup function (against a fake account)', () => {
  let shop: ShopAccount;
  const lines: string[] = [];
  const bucket = 'shop-prod-backups-111122223333';
  const keyring = () => backupKeyring(shop.backupKeyArn, new KMS({ region: REGION }));
  const backup = () =>
    runBackup(
      { manifest: shop.manifest, teamPolicies: [{ file: 'policies/team.cedar', text: '@id("team:no-refunds")\nforbid (principal, action, resource);' }] },
      { clients: shop.account.clients(), s3: new S3Client({ region: REGION }), keyring: keyring(), bucket, now: () => new Date('2026-12-03T03:00:00.000Z'), write: (l) => lines.push(l) },
    );
  beforeEach(async () => {
    shop = await shopAccount();
    lines.length = 0;
  });
  afterEach(() => shop.account.stop());

  it('writes one encrypted snapshot and its index entry, and nothing else', async () => {
    const entry = await backup();
    expect(entry.id).toMatch(/^20261203T030000Z-[0-9a-f]{8}$/);
    expect([...shop.account.objects.keys()].sort()).toEqual([indexKey(entry.id), snapshotKey(entry.id)]);
    const stored = shop.account.objects.get(snapshotKey(entry.id))![0]!;
    expect(stored.body.byteLength).toBe(entry.length);
    expect(stored.checksum).toBe('SHA256');
    expect(Buffer.from(stored.body).includes(Buffer.from('inventory-agent'))).toBe(false);
    // read-only: no write call reached IAM, KMS or the kill switch
    expect(shop.account.writes).toEqual([]);
  });

  it('holds the manifest, Cedar, every warden role with trust, boundary, inline and attached policies, the policies, keys, API policies, alarms and kill switch', async () => {
    const entry = await backup();
    const opened = await openSnapshot(keyring(), shop.account.objects.get(snapshotKey(entry.id))![0]!.body, { project: 'shop', environment: 'prod', snapshotId: entry.id, length: entry.length });
    if (!opened.ok) throw new Error(opened.detail);
    const r = opened.snapshot.resources as Record<string, any>;
    const keys = Object.keys(r);
    const caller = agentRoleNames('shop', 'prod', 'inventory-agent').caller;
    const data = agentRoleNames('shop', 'prod', 'inventory-agent').data;
    expect(r.manifest.project).toBe('shop');
    expect(r['cedar/generated']['permit:inventory-agent:commerce/search_products']).toMatch(/permit \(/);
    expect(r['cedar/team']).toEqual([{ file: 'policies/team.cedar', text: expect.stringContaining('team:no-refunds') }]);
    expect(r[`iam/role/${caller}`]).toMatchObject({
      trust: { Statement: [{ Principal: { Service: 'ecs-tasks.amazonaws.com' } }] },
      boundary: expect.stringMatching(/WardenPermissionsBoundary/),
      attached: [shop.invokePolicyArn],
      tags: { 'warden:agent': 'inventory-agent' },
    });
    expect(r[`iam/role/${data}`].inline.DataAccess.Statement[0].Action).toBe('dynamodb:GetItem');
    expect(r['iam/policy/shop-prod-servers-ServercommerceCallerInvokePolicy-XYZ'].document.Statement[0].Action).toBe('execute-api:Invoke');
    // the boundary's document, not only its ARN on each role
    expect(r['iam/policy/shop-prod-identity-WardenPermissionsBoundary-ABC']).toEqual({
      arn: r[`iam/role/${caller}`].boundary,
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] },
    });
    expect(keys.filter((k) => k.startsWith('iam/policy/')).sort()).toEqual(['iam/policy/shop-prod-identity-WardenPermissionsBoundary-ABC', 'iam/policy/shop-prod-servers-ServercommerceCallerInvokePolicy-XYZ']);
    expect(keys.filter((k) => k.startsWith('iam/role/'))).toHaveLength(shop.manifest.agents.length * 2 + 2);
    expect(keys).not.toContain('iam/role/payments-team-ci');
    const keyIds = keys.filter((k) => k.startsWith('kms/key/'));
    expect(keyIds.map((k) => r[k].aliases[0]).sort()).toEqual(['alias/shop-prod-backups', 'alias/shop-prod-restricted']);
    expect(r[`kms/key/${shop.classKeyArn.split('/')[1]}`]).toMatchObject({ policy: { Statement: [{ Sid: 'ClassKey' }] }, rotation: true, keyState: 'Enabled' });
    expect(r['api/shop-prod-commerce-mcp'].policy.Statement[0]).toMatchObject({ Effect: 'Deny', Resource: 'execute-api:/*' });
    expect(keys).not.toContain('api/unrelated-api');
    const alarms = keys.filter((k) => k.startsWith('alarm/'));
    expect(alarms).toEqual(['alarm/warden/shop-prod/high/agent/fraud-agent/denied', 'alarm/warden/shop-prod/high/deployment/backup/missed']);
    // definitions, not state: a snapshot does not change because an alarm fired
    expect(r[alarms[0]!]).toEqual({ AlarmName: 'warden/shop-prod/high/agent/fraud-agent/denied', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(r['kill-switch/inventory-agent']).toEqual({ agent: { S: 'inventory-agent' }, status: { S: 'active' } });
    expect(opened.context[CONTEXT_KEYS.digest]).toBe(opened.digest);
  });

  it('asks KMS for a data key only under the project\'s encryption context', async () => {
    await backup();
    const generate = shop.account.kms.calls.filter((c) => c.op === 'GenerateDataKey');
    expect(generate).toHaveLength(1);
    expect(generate[0]).toMatchObject({ keyId: shop.backupKeyArn, context: { 'warden:project': 'shop', 'warden:environment': 'prod' } });
  });

  it('emits one EMF line with SnapshotsWritten = 1 for the deployment', async () => {
    const entry = await backup();
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws);
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'McpWarden', Dimensions: [['Deployment']] });
    expect(emf._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual([...BACKUP_METRIC_NAMES]);
    expect(emf).toMatchObject({ Deployment: 'shop-prod', SnapshotsWritten: 1, SnapshotBytes: entry.length, SnapshotResources: entry.resources, CollectionWarnings: 0 });
  });

  it('fails the run (no snapshot, no metric) when a read is refused, so the alarms fire', async () => {
    shop.account.refused.add('GetRole');
    await expect(backup()).rejects.toThrow(/not authorized to perform: iam:GetRole/);
    expect([...shop.account.objects.keys()]).toEqual([]);
    expect(lines.some((l) => l.includes('SnapshotsWritten'))).toBe(false);
  });
});
