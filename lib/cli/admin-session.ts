/**
 * The MFA-gated admin role as the CLI uses it. Every write command (`warden backup restore
 * --apply`, `warden incident release|keep`, `warden approve`) and reading backups run as
 * `<project>-<environment>-warden-admin` (ConfigBackup's WardenAdminRole): assumable only with MFA
 * at most an hour old and, where the manifest lists `admins.principals`, only by those. Pass
 * `--mfa-serial` and `--mfa-code` and the CLI assumes it; or run the command in a session of that
 * role already opened with MFA (then pass neither).
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Command } from 'commander';
import { wardenAdminRoleName } from '../config/deployment-names';

export interface AdminRoleOptions {
  readonly mfaSerial?: string;
  readonly mfaCode?: string;
  readonly roleArn?: string;
}

/** The help paragraph of a command that needs the admin role. */
export function adminRoleHelp(what: string): string {
  return [
    '',
    `${what} needs the MFA-gated admin role <project>-<environment>-warden-admin`,
    '(assumable only with MFA, and only by the manifest\'s admins.principals when it names them).',
    'Pass --mfa-serial and --mfa-code and the CLI assumes it, or run in a session of that role opened with MFA.',
    'See docs/runbooks/backup-restore.md.',
  ].join('\n');
}

/**
 * Adds --mfa-serial, --mfa-code and --role-arn and, given `what` ("Restoring"), says in the help
 * that the command needs the admin role.
 */
export function withAdminRole(command: Command, what?: string): Command {
  const c = command
    .option('--mfa-serial <arn>', 'your MFA device; with --mfa-code, the CLI assumes the admin role with it')
    .option('--mfa-code <digits>', 'the code your MFA device shows now')
    .option('--role-arn <arn>', 'the role to assume with MFA (default: <project>-<environment>-warden-admin of this account)');
  return what === undefined ? c : c.addHelpText('after', adminRoleHelp(what));
}

export interface AdminRoleTarget {
  readonly project: string;
  readonly environment: string;
  readonly account: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** Names the session in CloudTrail, e.g. `warden-backup`. */
  readonly sessionPrefix: string;
}

/** `arn:<partition>:iam::<account>:role/<project>-<environment>-warden-admin`. */
export function adminRoleArn(target: Omit<AdminRoleTarget, 'sessionPrefix'>): string {
  return `arn:${target.partition ?? 'aws'}:iam::${target.account}:role/${wardenAdminRoleName(target.project, target.environment)}`;
}

/**
 * The admin role's credentials, assumed with the MFA code; `undefined` when neither MFA option
 * was given (the caller's own session is used, which must then be the admin role's).
 */
export async function assumeAdminRole(sts: STSClient, options: AdminRoleOptions, target: AdminRoleTarget): Promise<AwsCredentialIdentity | undefined> {
  if (options.mfaSerial === undefined && options.mfaCode === undefined) return undefined;
  if (!options.mfaSerial || !options.mfaCode) throw new Error('pass both --mfa-serial and --mfa-code (the six digits your MFA device shows now)');
  const roleArn = options.roleArn ?? adminRoleArn(target);
  const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `${target.sessionPrefix}-${Date.now()}`, SerialNumber: options.mfaSerial, TokenCode: options.mfaCode, DurationSeconds: 3600 }));
  const c = assumed.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`assuming ${roleArn} returned no credentials`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
}
