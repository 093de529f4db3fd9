/**
 * `warden incident` and `warden drill` against a deployed incident response, locally
 * (incident-deployment.ts): the CLI's StartExecution runs the synthesized state machine, its
 * SendTaskSuccess resumes the execution's wait, and it reads the incidents table the machine
 * wrote, in dynalite. Every command that changes something runs as the MFA-gated admin role.
 */
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { registerIncident } from '../../../lib/cli/incident';
import { KillSwitch, STATUS_CACHE_MS } from '../../../lib/guard';
import { DynamoAgentStatusStore } from '../../../constructs/mcp-server/runtime/agent-status-store';
import { mockTaskClients, synthIncidentResponse } from '../../constructs/incident-response/run-machine';
import { DEFAULT_MANIFEST_PATH } from '../policy/default-manifest';
import { ACCOUNT, ADMIN_ROLE, IncidentDeployment, MFA, REGION } from './incident-deployment';
import { runCli } from './run-cli';

mockTaskClients();
// long enough that no wait expires while a test decides; the overdue machine expires at once
const machine = synthIncidentResponse({ approvalTimeout: 'PT5M', autoContain: ['high', 'critical'] });
const overdueMachine = synthIncidentResponse({ approvalTimeout: 'PT1S', autoContain: ['high', 'critical'] });
const ADMIN_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/${ADMIN_ROLE}/warden-incident`;
const NOW = new Date('2026-12-03T10:00:00Z');

let deployment: IncidentDeployment;
const cli = (args: readonly string[], now = NOW) =>
  runCli((p) => registerIncident(p, { clients: deployment.clients, now: () => now, random: () => 'a1b2' }), args[0]!, [...args.slice(1), '--config', DEFAULT_MANIFEST_PATH, '--region', REGION]);
async function item(table: string, key: Record<string, string>) {
  const { Item } = await deployment.dynamodb.send(new GetItemCommand({ TableName: table, Key: Object.fromEntries(Object.entries(key).map(([k, v]) => [k, { S: v }])), ConsistentRead: true }));
  return Object.fromEntries(Object.entries(Item ?? {}).map(([k, v]) => [k, v.S ?? v.N]));
}
const incident = (id: string) => item(machine.names.incidentsTable, { id });
const flag = async (agent: string) => (await item(machine.names.statusTable, { agent })).status;

async function open(m = machine) {
  deployment = new IncidentDeployment(m);
  await deployment.start();
}
afterEach(async () => deployment && (await deployment.stop()));

describe('warden incident start', () => {
  it('refuses to start without the admin role, before any call to Step Functions', async () => {
    await open();
    await expect(cli(['incident', 'start', 'inventory-agent', '--reason', 'exfiltration suspected'])).rejects.toThrow(
      /runs as the MFA-gated admin role shop-prod-warden-admin, not arn:aws:iam::111122223333:user\/alice: pass --mfa-serial and --mfa-code/,
    );
    expect(deployment.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('assumes the admin role with MFA, contains the agent, and the guard refuses it within its cache time', async () => {
    await open();
    const killSwitch = new KillSwitch(new DynamoAgentStatusStore({ client: DynamoDBDocumentClient.from(deployment.dynamodb), tableName: machine.names.statusTable }), () => clock);
    let clock = 0;
    expect(await killSwitch.status('inventory-agent')).toBe('active'); // cached from here on

    const run = await cli(['incident', 'start', 'inventory-agent', '--reason', 'exfiltration suspected', ...MFA]);
    const id = 'inc-20261203T100000Z-inventory-agent-a1b2';
    expect(run.stdout).toContain(`incident ${id}: containing inventory-agent (arn:aws:states:${REGION}:${ACCOUNT}:execution:shop-prod-incident-response:${id})`);
    expect(deployment.sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${ADMIN_ROLE}`, SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice`, TokenCode: '123456' });
    const [, execution] = deployment.execution('inc-');
    expect(execution.input).toEqual({ mode: 'incident', agent: 'inventory-agent', reason: 'exfiltration suspected', requestedBy: ADMIN_SESSION });

    await deployment.settled();
    expect(await flag('inventory-agent')).toBe('contained');
    expect(await incident(id)).toMatchObject({ agent: 'inventory-agent', mode: 'incident', status: 'awaiting-release-or-keep', awaiting: 'release-or-keep', taskToken: `token-of-${id}`, requestedBy: ADMIN_SESSION });
    // the servers' kill switch: still the cached "active" just before its cache time ends, contained at it
    clock += STATUS_CACHE_MS - 1;
    expect(await killSwitch.status('inventory-agent')).toBe('active');
    clock += 1;
    expect(await killSwitch.status('inventory-agent')).toBe('contained');
  });

  it('names the agents when the agent is not in the manifest, and starts nothing', async () => {
    await open();
    await expect(cli(['incident', 'start', 'inventroy-agent', '--reason', 'typo', ...MFA])).rejects.toThrow(/unknown agent "inventroy-agent"; agents are .*inventory-agent.* \(and the drill agent warden-drill\)/);
    expect(deployment.executions.size).toBe(0);
  });
});

describe('warden incident list, show, release, keep', () => {
  async function contained(agent = 'inventory-agent'): Promise<string> {
    await cli(['incident', 'start', agent, '--reason', 'exfiltration suspected', ...MFA]);
    await deployment.settled();
    return deployment.execution(`inc-20261203T100000Z-${agent}`)[0];
  }

  it('list: every incident, newest first; show: every field but the task token, and the commands to decide', async () => {
    await open();
    const id = await contained();
    const newer = await contained('fraud-agent');
    const list = await cli(['incident', 'list']);
    expect(list.stdout.split('\n').map((l) => l.split('  ')[0])).toEqual([newer, id, '']);
    expect(list.stdout).toMatch(new RegExp(`^${id}  incident  inventory-agent  awaiting-release-or-keep  started \\S+  contained in [\\d.]+ s$`, 'm'));
    const show = await cli(['incident', 'show', id]);
    expect(show.stdout).toMatch(/^agent +inventory-agent$/m);
    expect(show.stdout).toMatch(/^evidenceLocation +s3:\/\//m);
    expect(show.stdout).not.toContain('token-of-');
    expect(show.stdout).toContain(`decide: npx warden incident release ${id} --reason "..."   or   npx warden incident keep ${id} --reason "..."`);
  });

  it('release: sends the decision with the stored token as the admin session; the machine releases the agent', async () => {
    await open();
    const id = await contained();
    const run = await cli(['incident', 'release', id, '--reason', 'false positive: nightly batch', ...MFA]);
    expect(run.stdout).toContain(`incident ${id}: sent "release" for agent inventory-agent`);
    await deployment.settled();
    expect(await flag('inventory-agent')).toBe('active');
    expect(await incident(id)).toMatchObject({ status: 'released', decidedBy: ADMIN_SESSION, decisionReason: 'false positive: nightly batch', taskToken: 'none' });
    expect(deployment.account.roles.get('shop-prod-inventory-agent-caller')!.inline.size).toBe(0);
    expect(JSON.stringify(deployment.account.roles.get('shop-prod-inventory-agent-data')!.trust)).not.toContain('WardenContainedNoNewSessions');
    // a second release has nothing to answer
    await expect(cli(['incident', 'release', id, '--reason', 'again', ...MFA])).rejects.toThrow(`incident ${id}: cannot release: no decision is pending (status released)`);
  });

  it('refuses a decision the pending wait does not take, and any decision without the admin role', async () => {
    await open();
    const id = await contained();
    await expect(cli(['incident', 'contain', id, '--reason', 'x', ...MFA])).rejects.toThrow(`incident ${id}: cannot contain: it waits for \`release\` or \`keep\``);
    await expect(cli(['incident', 'release', id, '--reason', 'x'])).rejects.toThrow(/runs as the MFA-gated admin role/);
    expect(await incident(id)).toMatchObject({ status: 'awaiting-release-or-keep' });
  });

  it('keep, then a later release: the release runs as its own execution, since no wait is pending', async () => {
    await open();
    const id = await contained();
    await cli(['incident', 'keep', id, '--reason', 'still investigating', ...MFA]);
    await deployment.settled();
    expect(await incident(id)).toMatchObject({ status: 'kept', decidedBy: ADMIN_SESSION });
    expect(await flag('inventory-agent')).toBe('contained');

    const run = await cli(['incident', 'release', id, '--reason', 'root cause fixed', ...MFA], new Date('2026-12-04T09:00:00Z'));
    const [releaseName, release] = deployment.execution('inc-20261204T090000Z-release-inventory-agent');
    expect(run.stdout).toContain(`incident ${id}: no decision is pending (status kept); started release arn:aws:states:${REGION}:${ACCOUNT}:execution:shop-prod-incident-response:${releaseName}`);
    expect(release.input).toEqual({ mode: 'release', incidentId: id, agent: 'inventory-agent', requestedBy: ADMIN_SESSION, reason: 'root cause fixed' });
    await deployment.settled();
    expect((await release.run).states.slice(-7)).toEqual(['Unlock trust', 'Allow caller sessions', 'Allow data sessions', 'Flag active', 'Record release', 'Notify released', 'Released']);
    expect(await flag('inventory-agent')).toBe('active');
    expect(await incident(id)).toMatchObject({ status: 'released', decisionReason: 'root cause fixed' });
  });

  it('show names a missing incident and where it looked', async () => {
    await open();
    await expect(cli(['incident', 'show', 'inc-nope'])).rejects.toThrow('no incident inc-nope in shop-prod-incidents (see `warden incident list`)');
  });
});

describe('an alarm below autoContain: the CLI answers the triage wait', () => {
  it('contain, then release: both decisions go to the same execution', async () => {
    await open();
    // what the alarm rule's target sends (StartExecution by EventBridge)
    const { executionArn } = await new SFNClient({ region: REGION }).send(
      new StartExecutionCommand({ stateMachineArn: deployment.stateMachineArn, name: 'alarm-1', input: JSON.stringify({ alarmName: 'warden/shop-prod/medium/agent/support-agent/denied', alarmTime: '2026-12-03T10:00:00.000Z', reason: 'Threshold Crossed' }) }),
    );
    expect(executionArn).toMatch(/:alarm-1$/);
    await deployment.settled();
    expect(await incident('alarm-1')).toMatchObject({ severity: 'medium', status: 'awaiting-contain-or-dismiss' });
    expect(await flag('support-agent')).toBeUndefined(); // nothing contained yet

    await cli(['incident', 'contain', 'alarm-1', '--reason', 'looks real', ...MFA]);
    await deployment.settled();
    expect(await flag('support-agent')).toBe('contained');
    expect(await incident('alarm-1')).toMatchObject({ status: 'awaiting-release-or-keep' });

    await cli(['incident', 'release', 'alarm-1', '--reason', 'benign', ...MFA]);
    await deployment.settled();
    expect(await flag('support-agent')).toBe('active');
    const sent = deployment.sfn.commandCalls(SendTaskSuccessCommand).map((c) => JSON.parse((c.args[0].input as { output: string }).output).decision);
    expect(sent).toEqual(['contain', 'release']);
  });

  it('dismiss leaves the agent untouched', async () => {
    await open();
    await new SFNClient({ region: REGION }).send(new StartExecutionCommand({ stateMachineArn: deployment.stateMachineArn, name: 'alarm-2', input: JSON.stringify({ alarmName: 'warden/shop-prod/low/agent/support-agent/denied', alarmTime: '2026-12-03T10:00:00.000Z', reason: 'Threshold Crossed' }) }));
    await deployment.settled();
    await cli(['incident', 'dismiss', 'alarm-2', '--reason', 'known test traffic', ...MFA]);
    await deployment.settled();
    expect(await incident('alarm-2')).toMatchObject({ status: 'dismissed', decisionReason: 'known test traffic' });
    expect(await flag('support-agent')).toBeUndefined();
    expect(deployment.account.callsOf('iam', 'putRolePolicy')).toHaveLength(0);
  });
});

describe('a decision wait that expired', () => {
  it('keeps the agent contained; release then starts a release execution', async () => {
    await open(overdueMachine);
    await cli(['incident', 'start', 'fraud-agent', '--reason', 'card testing', ...MFA]);
    const [id, execution] = deployment.execution('inc-');
    const r = await execution.run;
    expect(r.states.slice(-3)).toEqual(['Notify decision overdue', 'Record decision overdue', 'Contained, decision overdue']);
    expect(await incident(id)).toMatchObject({ status: 'contained-decision-overdue' });
    expect(await flag('fraud-agent')).toBe('contained');
    const run = await cli(['incident', 'release', id, '--reason', 'cleared', ...MFA]);
    expect(run.stdout).toContain('no decision is pending (status contained-decision-overdue); started release');
    await deployment.settled();
    expect(await flag('fraud-agent')).toBe('active');
  });
});

describe('warden drill', () => {
  it('runs a drill on the drill agent (contained, verified, released) and --status judges it against drillEvery', async () => {
    await open();
    const before = await cli(['drill', '--status']);
    expect(before.stdout).toContain('no successful incident-response drill on record (0 drills in total); run one: npx warden drill');
    expect(before.exitCode).toBe(1);

    const run = await cli(['drill', ...MFA]);
    const [id, execution] = deployment.execution('drill-');
    expect(run.stdout).toContain(`drill ${id}: started`);
    expect(execution.input).toEqual({ mode: 'drill', agent: 'warden-drill', reason: 'drill on demand', requestedBy: ADMIN_SESSION });
    expect(run.stderr).toBe(''); // no warning: the drill agent has no data access
    await deployment.settled();
    expect(await incident(id)).toMatchObject({ mode: 'drill', status: 'released', decidedBy: 'drill' });

    const releasedAt = Date.parse((await incident(id)).releasedAt!);
    const current = await cli(['drill', '--status'], new Date(releasedAt + 181 * 86400e3));
    expect(current.stdout).toMatch(new RegExp(`^last successful drill ${id} 181.0 days ago \\(within drillEvery P182D\\)$`, 'm'));
    expect(current.exitCode).toBeUndefined();
    const stale = await cli(['drill', '--status'], new Date(releasedAt + 183 * 86400e3));
    expect(stale.stdout).toContain(`STALE: last successful drill ${id} was 183.0 days ago, longer than drillEvery P182D; run one: npx warden drill`);
    expect(stale.exitCode).toBe(1);
  });

  it('warns that drilling a real agent contains it', async () => {
    await open();
    const run = await cli(['drill', 'inventory-agent', ...MFA]);
    expect(run.stderr).toContain('warning: drilling inventory-agent contains it for real until the drill releases it');
    await deployment.settled();
  });
});
