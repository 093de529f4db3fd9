import { Match, Template } from 'aws-cdk-lib/assertions';
import { backupPlanCron } from '../../../constructs/data-plane';
import { buildWardenStacks } from '../../../lib/stacks';
import { WardenDataStack } from '../../../lib/stacks/data-stack';
import { defaultManifest, newTestApp, testManifest } from './warden-test-app';

/** The AWS Backup plan of the data stack, built from a manifest's `backups` section. */
function backupRule(backups: { schedule?: string; retainDays?: number }) {
  const stack = new WardenDataStack(newTestApp(), { manifest: testManifest({ backups }) });
  const plans = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupPlan'));
  expect(plans).toHaveLength(1);
  return (plans[0]!.Properties as { BackupPlan: { BackupPlanRule: Array<Record<string, unknown>> } }).BackupPlan.BackupPlanRule;
}

describe('dataset backups from the manifest', () => {
  it('keeps recovery points for backups.retainDays (365), not the construct default of 35', () => {
    expect(backupRule({ retainDays: 365 })).toEqual([expect.objectContaining({ Lifecycle: { DeleteAfterDays: 365 } })]);
  });

  it('honours any retainDays the schema admits', () => {
    for (const retainDays of [1, 35, 90, 2555]) expect(backupRule({ retainDays })[0]).toMatchObject({ Lifecycle: { DeleteAfterDays: retainDays } });
  });

  it('runs on backups.schedule, rates turned into the cron AWS Backup requires', () => {
    expect(backupRule({ schedule: 'cron(0 3 * * ? *)' })[0]).toMatchObject({ ScheduleExpression: 'cron(0 3 * * ? *)' });
    expect(backupRule({ schedule: 'rate(1 day)' })[0]).toMatchObject({ ScheduleExpression: 'cron(0 5 * * ? *)' });
    expect(backupRule({ schedule: 'rate(12 hours)' })[0]).toMatchObject({ ScheduleExpression: 'cron(0 0/12 * * ? *)' });
  });
});

describe('kill-switch backups', () => {
  const loaded = defaultManifest();
  const servers = buildWardenStacks(newTestApp(), { ...loaded, manifest: { ...loaded.manifest, backups: { schedule: 'rate(12 hours)', retainDays: 90 } } }).servers[0]!;
  const template = Template.fromStack(servers);
  const status = servers.agentStatus!;

  it('backs the agent-status table up into a vault of its own, on the manifest schedule and retention', () => {
    const selection = Object.values(template.findResources('AWS::Backup::BackupSelection'));
    expect(selection).toHaveLength(1);
    expect(JSON.stringify(selection[0]!.Properties.BackupSelection.Resources)).toContain(servers.getLogicalId(status.table.node.defaultChild as never));
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanName: 'shop-prod-agent-status', BackupPlanRule: [Match.objectLike({ ScheduleExpression: 'cron(0 0/12 * * ? *)', Lifecycle: { DeleteAfterDays: 90 } })] },
    });
    template.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'shop-prod-agent-status', EncryptionKeyArn: servers.resolve(status.backup!.vaultKey.keyArn) });
  });

  it('lets only AWS Backup of this account use the vault key, and the backup role is bounded', () => {
    const keyPolicy = template.toJSON().Resources[servers.getLogicalId(status.backup!.vaultKey.node.defaultChild as never)].Properties.KeyPolicy;
    const uses = (keyPolicy.Statement as Array<{ Action: string | string[]; Condition?: { StringEquals?: Record<string, unknown> } }>).filter((s) => [s.Action].flat().some((a) => /Decrypt|GenerateDataKey|CreateGrant/.test(a)));
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(JSON.stringify(use.Condition?.StringEquals?.['kms:ViaService'])).toContain('"backup."');
    const role = template.toJSON().Resources[servers.getLogicalId(status.backup!.role.node.defaultChild as never)].Properties;
    expect(role.PermissionsBoundary).toBeDefined();
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
  });
});

describe('backupPlanCron', () => {
  it('maps rates to crons of the same cadence', () => {
    expect(backupPlanCron('rate(1 hour)')).toBe('cron(0 * * * ? *)');
    expect(backupPlanCron('rate(120 minutes)')).toBe('cron(0 0/2 * * ? *)');
    expect(backupPlanCron('rate(2 days)')).toBe('cron(0 5 1/2 * ? *)');
    expect(backupPlanCron('rate(48 hours)')).toBe('cron(0 5 1/2 * ? *)');
  });

  it('refuses what AWS Backup cannot run, naming the manifest field and the fix', () => {
    expect(() => backupPlanCron('rate(5 minutes)')).toThrow(/backups.schedule: AWS Backup runs at most once an hour.*rate\(1 hour\)/);
    expect(() => backupPlanCron('rate(36 hours)')).toThrow(/backups.schedule: .*not a whole number of days/);
    expect(() => backupPlanCron('rate(60 days)')).toThrow(/longer than a month; write a cron/);
  });
});
