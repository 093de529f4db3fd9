/**
 * `warden incident start|list|show|contain|dismiss|release|keep` and `warden drill [AGENT]`: the
 * human side of the incident-response state machine (IncidentResponse).
 *
 * - `start AGENT --reason` contains an agent now (an execution in `incident` mode);
 * - `drill [AGENT]` runs a drill (contain, verify, evidence, automatic release; default: the
 *   drill agent, which has no data access);
 * - `list` and `show ID` read the incidents table;
 * - `contain|dismiss ID` answer a triage wait, `release|keep ID` a decision wait, by sending the
 *   decision with the task token stored in the incident; a `release` after the wait expired
 *   starts a release execution instead (the state machine's role is the only writer of the kill
 *   switch, so even a release goes through it).
 *
 * Every command that changes something (start, contain, dismiss, release, keep, drill) runs as the
 * MFA-gated admin role `<project>-<environment>-warden-admin` (WardenAdminRole; its trust needs
 * MFA at most an hour old), the only human principal IncidentDeciderPolicy lets start the state
 * machine and answer its waits. Pass `--mfa-serial` and `--mfa-code` and the CLI assumes it, or run
 * the CLI in a session of that role already opened with MFA; any other identity is refused before
 * a call is made. `list`, `show` and `drill --status` only read, with whatever credentials can.
 */
import { DynamoDBClient, GetItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SFNClient, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { randomBytes } from 'node:crypto';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Command } from 'commander';
import { DEFAULT_MANIFEST_FILE, loadManifest } from '../config';
import { adminRoleHelp, assumeAdminRole } from './admin-session';
import { DRILL_AGENT, incidentsTableName, incidentStateMachineName, wardenAdminRoleName } from '../config/deployment-names';
import { drillStatus, readDrills } from './drill-status';

export interface IncidentClients {
  readonly sfn: SFNClient;
  readonly dynamodb: DynamoDBClient;
  readonly sts: STSClient;
}

export interface IncidentCliDeps {
  /** Builds the clients for a region and credentials. @default - real AWS SDK clients */
  readonly clients?: (region: string, credentials?: AwsCredentialIdentity) => IncidentClients;
  /** Clock and randomness of incident ids. @default - the real ones */
  readonly now?: () => Date;
  readonly random?: () => string;
}

interface CommonOptions {
  readonly config: string;
  readonly region?: string;
  readonly mfaSerial?: string;
  readonly mfaCode?: string;
}

/** Which wait a decision answers. */
const DECISIONS = { contain: 'contain-or-dismiss', dismiss: 'contain-or-dismiss', release: 'release-or-keep', keep: 'release-or-keep' } as const;
type DecisionName = keyof typeof DECISIONS;

const realClients = (region: string, credentials?: AwsCredentialIdentity): IncidentClients => {
  const options = { region, ...(credentials ? { credentials } : {}) };
  return { sfn: new SFNClient(options), dynamodb: new DynamoDBClient(options), sts: new STSClient(options) };
};

async function open(options: CommonOptions, deps: IncidentCliDeps, writes = false) {
  const { manifest } = loadManifest(options.config);
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('no region: pass --region or set AWS_REGION');
  const make = deps.clients ?? realClients;
  let clients = make(region);
  let identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  if (!identity.Account || !identity.Arn) throw new Error('could not tell which account the credentials belong to (sts:GetCallerIdentity)');
  const partition = identity.Arn.split(':')[1] ?? 'aws';
  const credentials = await assumeAdminRole(clients.sts, options, { project: manifest.project, environment: manifest.environment, account: identity.Account, partition, sessionPrefix: 'warden-incident' });
  if (credentials) {
    clients = make(region, credentials);
    identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  }
  const { project, environment } = manifest;
  const admin = wardenAdminRoleName(project, environment);
  if (writes && !isSessionOf(identity.Arn ?? '', admin)) {
    throw new Error(`this command runs as the MFA-gated admin role ${admin}, not ${identity.Arn}: pass --mfa-serial and --mfa-code (the CLI assumes the role with them), or use a session of that role opened with MFA`);
  }
  return {
    manifest,
    clients,
    caller: identity.Arn ?? 'unknown',
    stateMachineArn: `arn:${partition}:states:${region}:${identity.Account}:stateMachine:${incidentStateMachineName(project, environment)}`,
    table: incidentsTableName(project, environment),
  };
}

type Opened = Awaited<ReturnType<typeof open>>;

/** `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`: a session of that role. */
function isSessionOf(arn: string, roleName: string): boolean {
  const parts = arn.split(':');
  return parts[2] === 'sts' && (parts[5] ?? '').split('/')[0] === 'assumed-role' && (parts[5] ?? '').split('/')[1] === roleName;
}

/** `inc-20261203T100000Z-inventory-agent-3f9a`: sortable, names the agent, at most 80 characters (StartExecution's limit). */
export function incidentId(kind: 'inc' | 'drill', agent: string, now: Date, random: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stamp}-${agent}`.slice(0, 75) + `-${random.slice(0, 4)}`;
}

const plain = (item: Record<string, AttributeValue> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(item ?? {}).map(([k, v]) => [k, v.S ?? v.N ?? (v.BOOL === undefined ? JSON.stringify(v) : String(v.BOOL))]));

async function readIncident(ctx: Opened, id: string): Promise<Record<string, string>> {
  const { Item } = await ctx.clients.dynamodb.send(new GetItemCommand({ TableName: ctx.table, Key: { id: { S: id } }, ConsistentRead: true }));
  if (!Item) throw new Error(`no incident ${id} in ${ctx.table} (see \`warden incident list\`)`);
  return plain(Item);
}

async function startExecution(ctx: Opened, name: string, input: Record<string, string>): Promise<string> {
  const { executionArn } = await ctx.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: ctx.stateMachineArn, name, input: JSON.stringify(input) }));
  return executionArn ?? name;
}

function checkAgent(ctx: Opened, agent: string): void {
  const names = ctx.manifest.agents.map((a) => a.name);
  if (agent !== DRILL_AGENT && !names.includes(agent)) throw new Error(`unknown agent "${agent}"; agents are ${names.join(', ')} (and the drill agent ${DRILL_AGENT})`);
}

/** Sends a decision to the wait the incident is in, or (release after an expired wait) starts a release. */
export async function decide(ctx: Opened, id: string, decision: DecisionName, reason: string, deps: IncidentCliDeps): Promise<string> {
  const incident = await readIncident(ctx, id);
  const token = incident.taskToken && incident.taskToken !== 'none' ? incident.taskToken : undefined;
  if (token && incident.awaiting === DECISIONS[decision]) {
    await ctx.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ decision, decidedBy: ctx.caller, reason }) }));
    return `incident ${id}: sent "${decision}" for agent ${incident.agent}; follow it with \`warden incident show ${id}\``;
  }
  if (decision === 'release' && (incident.status === 'contained-decision-overdue' || incident.status === 'kept' || incident.status === 'failed')) {
    const name = incidentId('inc', `release-${incident.agent}`, (deps.now ?? (() => new Date()))(), (deps.random ?? randomSuffix)());
    const arn = await startExecution(ctx, name, { mode: 'release', incidentId: id, agent: incident.agent!, requestedBy: ctx.caller, reason });
    return `incident ${id}: no decision is pending (status ${incident.status}); started release ${arn}`;
  }
  const waiting = token ? `it waits for ${incident.awaiting === 'contain-or-dismiss' ? '`contain` or `dismiss`' : '`release` or `keep`'}` : `no decision is pending (status ${incident.status})`;
  throw new Error(`incident ${id}: cannot ${decision}: ${waiting}`);
}

const randomSuffix = () => randomBytes(2).toString('hex');

function withCommon(command: Command): Command {
  return command
    .option('-c, --config <file>', 'the manifest', DEFAULT_MANIFEST_FILE)
    .option('--region <region>', 'AWS region of the deployment (default: AWS_REGION)')
    .option('--mfa-serial <arn>', 'MFA device: assume the warden admin role with it')
    .option('--mfa-code <code>', 'the six digits the MFA device shows now');
}

export function registerIncident(program: Command, deps: IncidentCliDeps = {}): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const incident = program.command('incident').description('contain an agent, list and show incidents, decide (contain, dismiss, release, keep)');

  withCommon(incident.command('start').description('contain an agent now').argument('<agent>', 'the agent to contain').requiredOption('--reason <text>', 'why (recorded and notified)')).addHelpText('after', adminRoleHelp('`warden incident start`')).action(
    async (agent: string, options: CommonOptions & { reason: string }) => {
      const ctx = await open(options, deps, true);
      checkAgent(ctx, agent);
      const id = incidentId('inc', agent, (deps.now ?? (() => new Date()))(), (deps.random ?? randomSuffix)());
      const arn = await startExecution(ctx, id, { mode: 'incident', agent, reason: options.reason, requestedBy: ctx.caller });
      out(`incident ${id}: containing ${agent} (${arn})`);
      out(`  follow: npx warden incident show ${id}`);
    },
  );

  withCommon(incident.command('list').description('incidents, newest first').option('--limit <n>', 'at most this many', '20')).action(async (options: CommonOptions & { limit: string }) => {
    const ctx = await open(options, deps);
    const items: Record<string, string>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await ctx.clients.dynamodb.send(new ScanCommand({ TableName: ctx.table, ExclusiveStartKey: start, ProjectionExpression: 'id, #a, #m, #s, startedAt, timeToContainSeconds, severity', ExpressionAttributeNames: { '#a': 'agent', '#m': 'mode', '#s': 'status' } }));
      items.push(...(page.Items ?? []).map(plain));
      start = page.LastEvaluatedKey;
    } while (start);
    items.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
    if (items.length === 0) out(`no incidents in ${ctx.table}`);
    for (const i of items.slice(0, Number(options.limit))) {
      out(`${i.id}  ${i.mode}  ${i.agent}  ${i.status}  started ${i.startedAt}${i.timeToContainSeconds ? `  contained in ${i.timeToContainSeconds} s` : ''}`);
    }
  });

  withCommon(incident.command('show').description('one incident: timings, evidence, decision').argument('<id>')).action(async (id: string, options: CommonOptions) => {
    const ctx = await open(options, deps);
    const { taskToken, ...shown } = await readIncident(ctx, id);
    void taskToken; // a capability to decide: never printed
    const width = Math.max(...Object.keys(shown).map((k) => k.length));
    for (const key of Object.keys(shown).sort()) out(`${key.padEnd(width)}  ${shown[key]}`);
    if (shown.awaiting && shown.awaiting !== 'none') {
      const [a, b] = shown.awaiting.split('-or-');
      out(`decide: npx warden incident ${a} ${id} --reason "..."   or   npx warden incident ${b} ${id} --reason "..."`);
    }
  });

  for (const decision of Object.keys(DECISIONS) as DecisionName[]) {
    withCommon(incident.command(decision).description(`${decision} (answers the incident's pending decision; needs MFA)`).argument('<id>').requiredOption('--reason <text>', 'why (recorded and notified)')).addHelpText('after', adminRoleHelp(`\`warden incident ${decision}\``)).action(
      async (id: string, options: CommonOptions & { reason: string }) => {
        const ctx = await open(options, deps, true);
        out(await decide(ctx, id, decision, options.reason, deps));
      },
    );
  }

  withCommon(program.command('drill').description(`run an incident-response drill: contain, verify, collect evidence, release (default agent: ${DRILL_AGENT}, no data access); --status: are drills current`).argument('[agent]', 'the agent to drill', DRILL_AGENT))
    .option('--status', 'start nothing: report the last successful drill and exit 1 when it is older than incidentResponse.drillEvery')
    .addHelpText('after', adminRoleHelp('`warden drill` (without --status)'))
    .action(async (agent: string, options: CommonOptions & { status?: boolean }) => {
      if (options.status) {
        const ctx = await open(options, deps);
        const status = drillStatus(await readDrills(ctx.clients.dynamodb, ctx.table), ctx.manifest.incidentResponse.drillEvery, (deps.now ?? (() => new Date()))());
        out(status.summary);
        if (!status.current) process.exitCode = 1;
        return;
      }
      const ctx = await open(options, deps, true);
      checkAgent(ctx, agent);
      if (agent !== DRILL_AGENT) process.stderr.write(`warning: drilling ${agent} contains it for real until the drill releases it (about a minute)\n`);
      const id = incidentId('drill', agent, (deps.now ?? (() => new Date()))(), (deps.random ?? randomSuffix)());
      const arn = await startExecution(ctx, id, { mode: 'drill', agent, reason: 'drill on demand', requestedBy: ctx.caller });
      out(`drill ${id}: started (${arn})`);
      out(`  result: npx warden incident show ${id}`);
    });
}
