/**
 * `warden approve ID [--reason]`, `warden deny ID [--reason]`, `warden approvals list`: decide
 * tool calls held for human approval (lib/approvals, docs/approvals.md).
 *
 * AWS: the CLI first reads who you are (sts:GetCallerIdentity, your own credentials: that
 * principal is the approver, checked against the tool's approvers and never the agent's), then
 * assumes the deciding role with MFA (`--mfa-serial`, `--mfa-code`): the admin role
 * `<project>-<environment>-warden-admin`, the manifest's `approvals.deciderRoleArn`, or
 * `--role-arn`. Only that role may write decisions to the approvals table. Each decision's audit
 * event (and each refused attempt's) is written with that session to the decisions log stream
 * (constructs/approvals/runtime/decision-audit-log.ts) and echoed on stderr.
 *
 * Dev: `--dev http://127.0.0.1:8787 --token wapr_…` decides against a running `warden dev`.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Command } from 'commander';
import { ApprovalDecisionError, decideApproval, type ApprovalVerdict } from '../approvals';
import { DEFAULT_MANIFEST_FILE, loadManifest } from '../config';
import { approvalsTableName } from '../config/deployment-names';
import { DynamoApprovalsStore } from '../../constructs/approvals/runtime';
import { DecisionAuditLog } from '../../constructs/approvals/runtime/decision-audit-log';
import { listing, type ApprovalListing } from '../dev/dev-approvals';
import { type AdminRoleOptions, assumeAdminRole, withAdminRole } from './admin-session';

export interface ApprovalsCliDeps {
  /** @default - real clients */
  readonly sts?: (region: string) => STSClient;
  readonly documentClient?: (region: string, credentials?: AwsCredentialIdentity) => DynamoDBDocumentClient;
  /** Where decisions are audited (the deciding role's session). @default - a real client */
  readonly logsClient?: (region: string, credentials?: AwsCredentialIdentity) => CloudWatchLogsClient;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default Date.now */
  readonly now?: () => number;
}

interface ApprovalsCliOptions extends AdminRoleOptions {
  readonly config: string;
  readonly region?: string;
  readonly reason?: string;
  readonly dev?: string;
  readonly token?: string;
}

/** How far back `approvals list` looks: the longest approval timeout. */
const LIST_WINDOW_MS = 7 * 24 * 3_600_000;

const options = (c: Command) =>
  withAdminRole(
    c
      .option('--config <file>', 'the manifest (names the project, environment and the tools\' approvers)', DEFAULT_MANIFEST_FILE)
      .option('--region <region>', 'region of the deployment (default: AWS_REGION)')
      .option('--dev <url>', 'decide against a running `warden dev` (e.g. http://127.0.0.1:8787) instead of AWS')
      .option('--token <token>', 'with --dev: the approver token the dev server printed (default: WARDEN_DEV_APPROVER_TOKEN)'),
    'Deciding',
  );

async function awsStore(o: ApprovalsCliOptions, deps: ApprovalsCliDeps) {
  const loaded = loadManifest(o.config);
  const { project, environment } = loaded.manifest;
  const region = o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('no region: pass --region or set AWS_REGION');
  const sts = (deps.sts ?? ((r) => new STSClient({ region: r })))(region);
  // who decides: your own principal, before the deciding role hides it
  const me = await sts.send(new GetCallerIdentityCommand({}));
  if (!me.Arn || !me.Account) throw new Error('could not tell who you are (sts:GetCallerIdentity)');
  const roleArn = o.roleArn ?? loaded.manifest.approvals?.deciderRoleArn;
  const credentials = await assumeAdminRole(sts, { ...o, ...(roleArn ? { roleArn } : {}) }, { project, environment, account: me.Account, sessionPrefix: 'warden-approve' });
  const client = (deps.documentClient ?? ((r, c) => DynamoDBDocumentClient.from(new DynamoDBClient({ region: r, ...(c ? { credentials: c } : {}) }))))(region, credentials);
  // every decision (and refused attempt) is audited with the same session, to the decisions log stream
  const audit = new DecisionAuditLog({
    client: (deps.logsClient ?? ((r, c) => new CloudWatchLogsClient({ region: r, ...(c ? { credentials: c } : {}) })))(region, credentials),
    project,
    environment,
    echo: (event) => void process.stderr.write(`${JSON.stringify(event)}\n`),
  });
  return { manifest: loaded.manifest, me: me.Arn, store: new DynamoApprovalsStore({ client, tableName: approvalsTableName(project, environment) }), audit };
}

async function devCall(o: ApprovalsCliOptions, deps: ApprovalsCliDeps, path: string, body?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const token = o.token ?? process.env.WARDEN_DEV_APPROVER_TOKEN;
  if (!token) throw new Error('pass --token with the approver token `warden dev` printed (or set WARDEN_DEV_APPROVER_TOKEN)');
  const url = new URL(path, o.dev);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error('--dev must be the dev server on 127.0.0.1');
  const response = await (deps.fetch ?? fetch)(url, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const parsed = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new ApprovalDecisionError(String(parsed.error ?? `the dev server answered ${response.status}`));
  return parsed;
}

const line = (a: ApprovalListing) =>
  `${a.id}  ${a.status.padEnd(8)}  ${a.agent} → ${a.tool}  expires ${a.expiresAt}  request ${a.requestId}  args ${a.args ?? `sha256 ${a.argsSha256.slice(0, 12)}…`}  ${a.reason}${a.decidedBy ? `  decided by ${a.decidedBy}${a.decisionReason ? ` (${a.decisionReason})` : ''}` : ''}`;

/**
 * Writes the decision's audit events. The decision item is already written (it is the control);
 * a missing audit record is an error the operator must see: exit code 2, the event is on stderr.
 */
async function flushAudit(audit: DecisionAuditLog, name: string): Promise<void> {
  try {
    await audit.flush();
  } catch (err) {
    process.stderr.write(
      `warden ${name}: the audit event could NOT be written to ${audit.logGroupName}/${audit.logStreamName} (${err instanceof Error ? err.name : 'error'}: ${err instanceof Error ? err.message : String(err)}); ` +
        'any decision above stands and is in the approvals table; keep the event printed above\n',
    );
    process.exitCode = 2;
  }
}

function decideCommand(program: Command, name: 'approve' | 'deny', verdict: ApprovalVerdict, deps: ApprovalsCliDeps): void {
  options(program.command(`${name} <id>`).description(`${name} a tool call held for human approval; the agent may then retry it ${verdict === 'approved' ? 'once' : 'in vain'}`).option('--reason <text>', 'why (kept with the decision and in the audit log)')).action(
    async (id: string, o: ApprovalsCliOptions) => {
      try {
        let decided: ApprovalListing;
        if (o.dev) {
          decided = (await devCall(o, deps, `/warden/approvals/${encodeURIComponent(id)}/${name}`, o.reason ? { reason: o.reason } : {})).approval as ApprovalListing;
        } else {
          const { manifest, me, store, audit } = await awsStore(o, deps);
          const now = deps.now ?? Date.now;
          try {
            decided = listing(await decideApproval({ manifest, store, audit, now }, { id, verdict, decidedBy: me, ...(o.reason ? { reason: o.reason } : {}) }), now());
          } finally {
            await flushAudit(audit, name);
          }
        }
        process.stdout.write(`${verdict} ${decided.id}: ${decided.agent} → ${decided.tool}; ${verdict === 'approved' ? `the agent's retry with the same arguments runs once, until ${decided.expiresAt}` : 'a retry is refused'}\n`);
      } catch (err) {
        if (!(err instanceof ApprovalDecisionError)) throw err;
        process.stderr.write(`warden ${name}: refused: ${err.message}\n`);
        process.exitCode = process.exitCode === 2 ? 2 : 1;
      }
    },
  );
}

export function registerApprovals(program: Command, deps: ApprovalsCliDeps = {}): void {
  decideCommand(program, 'approve', 'approved', deps);
  decideCommand(program, 'deny', 'denied', deps);
  const approvals = program.command('approvals').description('tool calls held for human approval');
  options(approvals.command('list').description('pending and recent approvals (7 days): id, status, agent, tool, expiry, decision')).option('--json', 'one JSON object per approval').action(async (o: ApprovalsCliOptions & { json?: boolean }) => {
    let listed: ApprovalListing[];
    if (o.dev) {
      listed = (await devCall(o, deps, '/warden/approvals')).approvals as ApprovalListing[];
    } else {
      const { store } = await awsStore(o, deps);
      const now = (deps.now ?? Date.now)();
      listed = (await store.list(now - LIST_WINDOW_MS)).map((s) => listing(s, now));
    }
    if (o.json) for (const a of listed) process.stdout.write(`${JSON.stringify(a)}\n`);
    else process.stdout.write(listed.length === 0 ? 'no approvals in the last 7 days\n' : `${listed.map(line).join('\n')}\n`);
  });
}
