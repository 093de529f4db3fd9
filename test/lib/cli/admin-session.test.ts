import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { adminRoleArn, assumeAdminRole } from '../../../lib/cli/admin-session';
import { registerBackup } from '../../../lib/cli/backup';
import { registerIncident } from '../../../lib/cli/incident';

/** The full `--help` text of `warden <path...>`, as commander prints it (help text added after included). */
function helpOf(register: (program: Command) => void, path: readonly string[]): string {
  const program = new Command();
  register(program);
  let command = program;
  for (const name of path) command = command.commands.find((c) => c.name() === name)!;
  let out = '';
  command.configureOutput({ writeOut: (s) => (out += s) });
  command.outputHelp();
  return out;
}

describe('the admin role in the CLI', () => {
  const target = { project: 'shop', environment: 'prod', account: '111122223333', sessionPrefix: 'warden-test' };
  let sts: ReturnType<typeof mockClient>;
  beforeEach(() => {
    sts = mockClient(STSClient);
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIAADMIN', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(0) } });
  });
  afterEach(() => sts.restore());

  it('is <project>-<environment>-warden-admin of the account, in its partition', () => {
    expect(adminRoleArn(target)).toBe('arn:aws:iam::111122223333:role/shop-prod-warden-admin');
    expect(adminRoleArn({ ...target, partition: 'aws-us-gov' })).toBe('arn:aws-us-gov:iam::111122223333:role/shop-prod-warden-admin');
  });

  it('is assumed with the MFA serial and code, for at most an hour', async () => {
    const credentials = await assumeAdminRole(new STSClient({ region: 'eu-west-1' }), { mfaSerial: 'arn:aws:iam::111122223333:mfa/alice', mfaCode: '123456' }, target);
    expect(credentials).toEqual({ accessKeyId: 'ASIAADMIN', secretAccessKey: 's', sessionToken: 't', expiration: new Date(0) });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: 'arn:aws:iam::111122223333:role/shop-prod-warden-admin',
      SerialNumber: 'arn:aws:iam::111122223333:mfa/alice',
      TokenCode: '123456',
      DurationSeconds: 3600,
      RoleSessionName: expect.stringMatching(/^warden-test-\d+$/),
    });
  });

  it('is not assumed without MFA options (the caller\'s own session is used), and half the options is an error', async () => {
    const client = new STSClient({ region: 'eu-west-1' });
    expect(await assumeAdminRole(client, {}, target)).toBeUndefined();
    await expect(assumeAdminRole(client, { mfaSerial: 'arn:aws:iam::111122223333:mfa/alice' }, target)).rejects.toThrow(/pass both --mfa-serial and --mfa-code/);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('--role-arn names another role to assume with MFA', async () => {
    await assumeAdminRole(new STSClient({ region: 'eu-west-1' }), { mfaSerial: 'm', mfaCode: '1', roleArn: 'arn:aws:iam::111122223333:role/SecOps' }, target);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input.RoleArn).toBe('arn:aws:iam::111122223333:role/SecOps');
  });

  it.each([['restore'], ['verify'], ['diff']])('`warden backup %s --help` says it needs the MFA-gated admin role and how to pass MFA', (name) => {
    const help = helpOf((p) => registerBackup(p), ['backup', name]);
    expect(help).toMatch(/needs the MFA-gated admin role <project>-<environment>-warden-admin/);
    expect(help).toMatch(/admins\.principals/);
    expect(help).toMatch(/--mfa-serial <arn>/);
    expect(help).toMatch(/--mfa-code <digits>/);
  });

  it('`warden backup restore --help` says nothing changes without --apply', () => {
    expect(helpOf((p) => registerBackup(p), ['backup', 'restore'])).toMatch(/--apply\s+make the changes \(default: only show them\)/);
  });

  it.each([['release'], ['keep'], ['contain'], ['dismiss'], ['start']])('`warden incident %s --help` says it needs the MFA-gated admin role', (name) => {
    const help = helpOf((p) => registerIncident(p), ['incident', name]);
    expect(help).toContain(`\`warden incident ${name}\` needs the MFA-gated admin role <project>-<environment>-warden-admin`);
    expect(help).toMatch(/--mfa-serial <arn>/);
  });

  it('`warden backup list --help` does not claim it needs the admin role (it reads the index only)', () => {
    expect(helpOf((p) => registerBackup(p), ['backup', 'list'])).not.toMatch(/needs the MFA-gated admin role/);
  });
});
