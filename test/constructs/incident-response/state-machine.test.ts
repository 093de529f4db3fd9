/**
 * The synthesized incident-response definition, executed with aws-local-stepfunctions against a
 * fake account (fake-account.ts) with the task Lambdas' real code. Each test states the path
 * through the machine (the states entered, in order) and what was done to the account.
 */
import { fakeAccountFor, mockTaskClients, runMachine, synthIncidentResponse } from './run-machine';

mockTaskClients();
// a one-second approval timeout, so the timeout path runs in a test
const machine = synthIncidentResponse({ approvalTimeout: 'PT1S', autoContain: ['high', 'critical'] });
const { statusTable, incidentsTable } = machine.names;
const CALLER = 'shop-prod-inventory-agent-caller';
const DATA = 'shop-prod-inventory-agent-data';
const alarm = (severity = 'high') => ({ alarmName: `warden/shop-prod/${severity}/agent/inventory-agent/denied`, alarmTime: '2026-12-03T10:00:00.000Z', reason: 'Threshold Crossed: 1 datapoint [12.0] was >= 10.0' });

const CONTAIN_AND_VERIFY = [
  'Contain',
  'Flag contained',
  'Lock trust',
  'Flag set',
  'Trust locked',
  'Containment policy',
  'Deny caller sessions',
  'Deny data sessions',
  'Sessions denied',
  'Contained both ways?',
  'Simulate caller',
  'Simulate data',
  'Read flag',
  'Containment verified?',
  'Measure time to contain',
  'Record containment',
];
const CLASSIFY_ALARM = ['Classify', 'Parse alarm name', 'Read alarm', 'Apply autoContain', 'Agent alarm?', 'Name roles', 'Record incident', 'Contain at once?'];
const RELEASE = ['Unlock trust', 'Allow caller sessions', 'Allow data sessions', 'Flag active', 'Record release', 'Notify released', 'Released'];
const FAILURE = ['Notify failure', 'Count failure', 'Record failure', 'Incident response failed'];

function statusOf(account: ReturnType<typeof fakeAccountFor>, agent = 'inventory-agent') {
  return account.itemOf(statusTable, agent)?.status?.S;
}
function incident(account: ReturnType<typeof fakeAccountFor>, id = 'inc-test-1') {
  return account.itemOf(incidentsTable, id);
}
function trustLocked(account: ReturnType<typeof fakeAccountFor>, role: string) {
  return JSON.stringify(account.roles.get(role)!.trust).includes('WardenContainedNoNewSessions');
}

describe('the incident-response state machine (synthesized definition, executed locally)', () => {
  it('contains a high-severity alarm at once, verifies, collects evidence, notifies, and releases on a release decision', async () => {
    const account = fakeAccountFor(machine);
    const run = await runMachine(machine, account, alarm('high'), { decisions: [{ decision: 'release', decidedBy: 'alice', reason: 'false positive' }] });

    expect(run.error).toBeUndefined();
    expect(run.states).toEqual([...CLASSIFY_ALARM, ...CONTAIN_AND_VERIFY, 'Collect evidence', 'Record evidence', 'Drill?', 'Notify contained', 'Await decision', 'Decision', ...RELEASE]);
    // containment came first: the flag and the deny were written before anything was collected
    const order = account.calls.map((c) => `${c.service}:${c.action}`);
    expect(order.indexOf('iam:putRolePolicy')).toBeLessThan(order.indexOf('lambda:evidence'));
    expect(order.indexOf('dynamodb:putItem', 1)).toBeLessThan(order.indexOf('lambda:evidence'));
    expect(account.callsOf('iam', 'putRolePolicy').map((c) => [c.input.RoleName, c.input.PolicyName])).toEqual([
      [CALLER, 'warden-containment'],
      [DATA, 'warden-containment'],
    ]);
    const policy = JSON.parse(String(account.callsOf('iam', 'putRolePolicy')[0]!.input.PolicyDocument));
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-12-03T10:00:30.000Z' } } });
    expect(account.callsOf('iam', 'simulatePrincipalPolicy').map((c) => c.input.ActionNames)).toEqual([['execute-api:Invoke'], ['dynamodb:GetItem']]);
    // the contained notification carries the exact commands and the evidence location
    const contained = account.published.find((m) => m.Subject?.includes('Contained'))!;
    expect(contained.Message).toContain('npx warden incident release inc-test-1 --reason');
    expect(contained.Message).toContain('npx warden incident keep inc-test-1 --reason');
    expect(contained.Message).toContain(`s3://${machine.names.bucket}/incidents/inc-test-1/manifest.json`);
    // released: deny removed, trust unlocked, flag active, outcome recorded with its timings
    expect(account.roles.get(CALLER)!.inline.size).toBe(0);
    expect(account.roles.get(DATA)!.inline.size).toBe(0);
    expect(trustLocked(account, CALLER) || trustLocked(account, DATA)).toBe(false);
    expect(statusOf(account)).toBe('active');
    expect(incident(account)).toMatchObject({ status: { S: 'released' }, decidedBy: { S: 'alice' }, decisionReason: { S: 'false positive' }, timeToContainSeconds: { N: '30' }, trustLocked: { S: 'yes' } });
    expect(account.metrics.find((m) => m.MetricName === 'TimeToContain')).toMatchObject({ Value: 30, Dimensions: [{ Name: 'Deployment', Value: 'shop-prod' }, { Name: 'Mode', Value: 'incident' }] });
  });

  it('keeps the agent contained on a keep decision', async () => {
    const account = fakeAccountFor(machine);
    const run = await runMachine(machine, account, alarm('critical'), { decisions: [{ decision: 'keep', decidedBy: 'bob', reason: 'exfiltration confirmed' }] });
    expect(run.error).toBeUndefined();
    expect(run.states.slice(-5)).toEqual(['Await decision', 'Decision', 'Record kept', 'Notify kept', 'Kept contained']);
    expect(statusOf(account)).toBe('contained');
    expect(account.roles.get(CALLER)!.inline.has('warden-containment')).toBe(true);
    expect(trustLocked(account, CALLER) && trustLocked(account, DATA)).toBe(true);
    expect(incident(account)).toMatchObject({ status: { S: 'kept' }, decidedBy: { S: 'bob' } });
  });

  it('on an approval timeout keeps the agent contained and notifies the team again', async () => {
    const account = fakeAccountFor(machine);
    const run = await runMachine(machine, account, alarm('high'), { decisions: [undefined] });
    expect(run.error).toBeUndefined();
    expect(run.states.slice(-6)).toEqual(['Drill?', 'Notify contained', 'Await decision', 'Notify decision overdue', 'Record decision overdue', 'Contained, decision overdue']);
    expect(account.published.map((m) => m.Subject)).toEqual(['warden shop-prod: Contained: decide release or keep', 'warden shop-prod: Decision overdue: still contained']);
    expect(account.published[1]!.Message).toContain('STAYS CONTAINED');
    expect(account.published[1]!.Message).toContain('npx warden incident release inc-test-1');
    expect(statusOf(account)).toBe('contained');
    expect(account.roles.get(DATA)!.inline.has('warden-containment')).toBe(true);
    expect(account.callsOf('iam', 'deleteRolePolicy')).toHaveLength(0);
    expect(incident(account)).toMatchObject({ status: { S: 'contained-decision-overdue' } });
  });

  it('retries a throttled containment call and then contains', async () => {
    const account = fakeAccountFor(machine);
    account.failNext('iam', 'putRolePolicy', 'Iam.ThrottlingException', 2);
    account.failNext('dynamodb', 'putItem', 'DynamoDb.ProvisionedThroughputExceededException', 1);
    const run = await runMachine(machine, account, alarm('high'), { decisions: [{ decision: 'keep', decidedBy: 'alice', reason: 'investigating' }] });
    expect(run.error).toBeUndefined();
    expect(run.retried.filter((s) => s === 'Deny caller sessions')).toHaveLength(2);
    expect(run.retried).toContain('Record incident');
    // two throttled attempts, then the one that succeeded, then the data role's
    expect(account.callsOf('iam', 'putRolePolicy').map((c) => c.input.RoleName)).toEqual([CALLER, CALLER, CALLER, DATA]);
    expect(run.states).toContain('Containment verified?');
    expect(run.states).not.toContain('Notify failure');
    expect(statusOf(account)).toBe('contained');
  });

  it('when evidence collection fails, still leaves the agent contained, counts the failure and notifies', async () => {
    const account = fakeAccountFor(machine);
    account.failNext('cloudtrail', 'lookupEvents', 'AccessDeniedException', 10);
    const run = await runMachine(machine, account, alarm('high'), { decisions: [undefined] });
    expect(run.error).toBeUndefined();
    expect(run.states).toEqual(expect.arrayContaining(['Collect evidence', 'Evidence failed', 'Count evidence failure', 'Record evidence', 'Notify contained']));
    expect(run.states.indexOf('Evidence failed')).toBeGreaterThan(run.states.indexOf('Record containment'));
    expect(statusOf(account)).toBe('contained');
    expect(account.roles.get(CALLER)!.inline.has('warden-containment')).toBe(true);
    expect(account.metrics.map((m) => m.MetricName)).toContain('EvidenceFailures');
    const contained = account.published.find((m) => m.Subject?.includes('Contained'))!;
    expect(contained.Message).toContain('Evidence: NOT COLLECTED');
    expect(incident(account)).toMatchObject({ evidenceLocation: { S: 'NOT COLLECTED (see the evidence-failure alarm)' } });
  });

  it('when containment fails, ends in the failure notification, the failure metric and a failed incident', async () => {
    const account = fakeAccountFor(machine);
    account.failNext('iam', 'putRolePolicy', 'Iam.AccessDeniedException', 10);
    const run = await runMachine(machine, account, alarm('high'));
    expect(run.error).toMatchObject({ name: 'ContainmentFailed' });
    expect(run.states).toContain('Deny failed');
    expect(run.states.slice(-6)).toEqual(['Contained both ways?', 'Containment failed', ...FAILURE]);
    // a permanent error is retried briefly (States.TaskFailed, twice), then caught
    expect(account.callsOf('iam', 'putRolePolicy')).toHaveLength(3);
    expect(run.states).not.toContain('Collect evidence');
    const failure = account.published.at(-1)!;
    expect(failure.Subject).toBe('warden shop-prod: HIGH - incident response FAILED');
    expect(failure.Message).toContain('inventory-agent');
    expect(failure.Message).toContain('ContainmentFailed');
    expect(account.metrics.map((m) => m.MetricName)).toEqual(['IncidentResponseFailures']);
    expect(incident(account)).toMatchObject({ status: { S: 'failed' }, failure: { S: 'ContainmentFailed' } });
    // the other half still held: the flag was set
    expect(statusOf(account)).toBe('contained');
  });

  it('treats a containment it cannot verify as a failure', async () => {
    const account = fakeAccountFor(machine);
    // someone (or something) flips the flag back between containment and verification
    const original = account.call.bind(account);
    account.call = (service, action, input) => {
      if (service === 'dynamodb' && action === 'getItem') account.tables.get(statusTable)!.set('inventory-agent', { agent: { S: 'inventory-agent' }, status: { S: 'active' } });
      return original(service, action, input);
    };
    const run = await runMachine(machine, account, alarm('high'));
    expect(run.error).toMatchObject({ name: 'ContainmentNotVerified' });
    expect(run.states.slice(-5)).toEqual(['Containment not verified', ...FAILURE]);
    expect(account.published.at(-1)!.Message).toContain('flag active (expected explicitDeny, explicitDeny, contained)');
  });

  it('does not contain a medium alarm until a human decides to', async () => {
    const account = fakeAccountFor(machine);
    const run = await runMachine(machine, account, alarm('medium'), { decisions: [{ decision: 'contain', decidedBy: 'carol', reason: 'looks real' }, { decision: 'release', decidedBy: 'carol', reason: 'cleaned up' }] });
    expect(run.error).toBeUndefined();
    expect(run.states.slice(0, 12)).toEqual([...CLASSIFY_ALARM, 'Notify triage', 'Await triage decision', 'Triage decision', 'Contain']);
    expect(account.published[0]!.Message).toContain('npx warden incident contain inc-test-1');
    expect(statusOf(account)).toBe('active');
  });

  it('leaves a medium alarm uncontained when triage is dismissed', async () => {
    const account = fakeAccountFor(machine);
    const run = await runMachine(machine, account, alarm('medium'), { decisions: [{ decision: 'dismiss', decidedBy: 'carol', reason: 'load test' }] });
    expect(run.states.slice(-3)).toEqual(['Triage decision', 'Record dismissed', 'Dismissed']);
    expect(account.callsOf('iam')).toHaveLength(0);
    expect(statusOf(account)).toBeUndefined();
  });

  it('runs a drill end to end against the drill agent: contain, verify, evidence, automatic release', async () => {
    const account = fakeAccountFor(machine);
    const run = await runMachine(machine, account, { mode: 'drill', agent: 'warden-drill', reason: 'scheduled drill', requestedBy: 'schedule' }, { name: 'drill-1', now: new Date(Date.now() + 60_000).toISOString() /* the runner's own StartTime is the real clock */ });
    expect(run.error).toBeUndefined();
    expect(run.states).toEqual(['Classify', 'Read request', 'Name roles', 'Record incident', 'Contain at once?', ...CONTAIN_AND_VERIFY, 'Collect evidence', 'Record evidence', 'Drill?', 'Drill release', ...RELEASE]);
    expect(account.callsOf('iam', 'putRolePolicy').map((c) => c.input.RoleName)).toEqual(['shop-prod-warden-drill-caller', 'shop-prod-warden-drill-data']);
    expect(incident(account, 'drill-1')).toMatchObject({ mode: { S: 'drill' }, status: { S: 'released' }, decidedBy: { S: 'drill' }, containedAt: { S: expect.any(String) }, verifiedAt: { S: expect.any(String) }, evidenceAt: { S: expect.any(String) }, releasedAt: { S: expect.any(String) } });
    expect(statusOf(account, 'warden-drill')).toBe('active');
  });

  it('releases an agent whose decision wait expired, from a release request', async () => {
    const account = fakeAccountFor(machine);
    await runMachine(machine, account, alarm('high'), { decisions: [undefined] });
    const run = await runMachine(machine, account, { mode: 'release', incidentId: 'inc-test-1', agent: 'inventory-agent', requestedBy: 'alice', reason: 'fixed' }, { name: 'release-1' });
    expect(run.error).toBeUndefined();
    expect(run.states).toEqual(['Classify', 'Read release request', 'Name roles to release', ...RELEASE]);
    expect(statusOf(account)).toBe('active');
    expect(incident(account)).toMatchObject({ status: { S: 'released' }, decidedBy: { S: 'alice' } });
  });

  it('does nothing but notify for an alarm that is not about an agent', async () => {
    const account = fakeAccountFor(machine);
    const run = await runMachine(machine, account, { alarmName: 'warden/shop-prod/high/deployment/trail/stopped', alarmTime: '2026-12-03T10:00:00.000Z', reason: 'x' });
    expect(run.states).toEqual(['Classify', 'Parse alarm name', 'Read alarm', 'Apply autoContain', 'Agent alarm?', 'Notify deployment alarm', 'Not an agent alarm']);
    expect(account.callsOf('iam')).toHaveLength(0);
  });
});
