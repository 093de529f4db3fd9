/**
 * The trigger, end to end in the default app: a warden agent alarm of the agent-alarms stack
 * changes to ALARM; CloudWatch puts its "CloudWatch Alarm State Change" event on the account's
 * default bus (the only bus CloudWatch delivers to); the incident-response rule there matches it
 * (pattern from the synthesized template, judged by EventBridge's matching rules); the target's
 * input transformer turns it into the state machine's input; and the synthesized machine, run
 * locally, contains that agent with that severity.
 */
import { type CfnTemplate, TemplateResolver } from '../../support/iam';
import { matchesEventPattern } from '../../support/event-pattern';
import { buildWardenStacks } from '../../../lib/stacks';
import { defaultManifest, newTestApp } from '../../lib/stacks/warden-test-app';
import { fakeAccountFor, mockTaskClients, runMachine, synthIncidentResponse } from './run-machine';

mockTaskClients();
const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';

const app = newTestApp({ context: {} });
const stacks = buildWardenStacks(app, defaultManifest());
const assembly = app.synth();
const templates: Record<string, CfnTemplate> = Object.fromEntries(stacks.all.map((s) => [s.stackName, assembly.getStackByName(s.stackName).template as CfnTemplate]));
const resolver = new TemplateResolver(templates);
const resources = (stack: string, type: string) => Object.entries(templates[stack]!.Resources).filter(([, r]) => r.Type === type);

const irStack = stacks.incidentResponse.stackName;
const machineId = stacks.incidentResponse.getLogicalId(stacks.incidentResponse.incidentResponse.stateMachine.node.defaultChild as never);
const [, rule] = resources(irStack, 'AWS::Events::Rule').find(([, r]) => JSON.stringify(r.Properties?.Targets).includes(machineId))!;
const ruleProps = rule.Properties as { EventBusName?: unknown; EventPattern: Record<string, unknown>; Targets: { InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string } }[] };

/** The agent alarms the agent-alarms stacks define, by name. */
const agentAlarms = stacks.agentAlarms.flatMap((s) => resources(s.stackName, 'AWS::CloudWatch::Alarm').map(([id, r]) => String(resolver.resolve(s.stackName, r.Properties!.AlarmName) ?? id)));

/** The event CloudWatch sends when an alarm changes state (CloudWatch User Guide, "Alarm events and EventBridge"). */
function alarmStateChange(alarmName: string, value = 'ALARM', previous = 'OK') {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: '2026-12-03T10:00:05Z',
    region: REGION,
    resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value, reason: 'Threshold Crossed: 1 out of the last 1 datapoints [12.0 (03/12/26 09:59:00)] was greater than or equal to the threshold (10.0).', reasonData: '{"version":"1.0"}', timestamp: '2026-12-03T10:00:05.123+0000' },
      previousState: { value: previous, reason: 'Threshold Crossed', timestamp: '2026-12-03T09:10:05.123+0000' },
      configuration: { description: 'warden alarm', metrics: [{ id: 'm1', metricStat: { metric: { namespace: 'McpWarden', name: 'Denied', dimensions: {} }, period: 60, stat: 'Sum' }, returnData: true }] },
    },
  };
}

/** The input the rule's target builds (EventBridge input transformer: JSON values in place of <name>). */
function transform(event: Record<string, unknown>): Record<string, unknown> {
  const { InputPathsMap, InputTemplate } = ruleProps.Targets[0]!.InputTransformer;
  const at = (path: string) => path.replace(/^\$\./, '').split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], event);
  return JSON.parse(InputTemplate.replace(/<([\w-]+)>/g, (_m, name: string) => JSON.stringify(at(InputPathsMap[name]!)))) as Record<string, unknown>;
}

describe('alarm → rule → state machine', () => {
  it('puts the rule on the default bus, where CloudWatch delivers alarm state changes', () => {
    expect(ruleProps.EventBusName).toBeUndefined();
    expect(rule.Properties!.State ?? 'ENABLED').toBe('ENABLED');
  });

  it('matches every agent alarm of the app entering ALARM, and nothing else', () => {
    const agentNames = agentAlarms.filter((n) => n.includes('/agent/'));
    expect(agentNames.length).toBeGreaterThan(0);
    for (const name of agentNames) {
      expect({ name, matched: matchesEventPattern(ruleProps.EventPattern, alarmStateChange(name)) }).toEqual({ name, matched: true });
      expect({ name, back: matchesEventPattern(ruleProps.EventPattern, alarmStateChange(name, 'OK', 'ALARM')) }).toEqual({ name, back: false });
    }
    const others = [
      'warden/shop-prod/high/server/commerce/errors',
      'warden/shop-prod/high/deployment/incident-response/failed',
      'warden/shop-staging/high/agent/inventory-agent/denied',
      'billing/high/agent/inventory-agent/denied',
    ];
    expect(others.filter((name) => matchesEventPattern(ruleProps.EventPattern, alarmStateChange(name)))).toEqual([]);
    // the same alarm name from another source (a forged custom event) does not start containment
    expect(matchesEventPattern(ruleProps.EventPattern, { ...alarmStateChange(agentNames[0]!), source: 'custom.app' })).toBe(false);
  });

  it('hands the machine the alarm name, time and reason; a high agent alarm is contained at once', async () => {
    const name = agentAlarms.find((n) => /\/high\/agent\/inventory-agent\//.test(n))!;
    expect(name).toBeDefined();
    const input = transform(alarmStateChange(name));
    expect(input).toEqual({ alarmName: name, alarmTime: '2026-12-03T10:00:05.123+0000', reason: expect.stringMatching(/^Threshold Crossed/) });

    const machine = synthIncidentResponse();
    const account = fakeAccountFor(machine);
    const run = await runMachine(machine, account, input, { decisions: [{ decision: 'keep', decidedBy: 'alice', reason: 'investigating' }] });
    expect(run.error).toBeUndefined();
    expect(run.states).toContain('Flag contained');
    expect(account.itemOf(machine.names.incidentsTable, 'inc-test-1')).toMatchObject({ agent: { S: 'inventory-agent' }, severity: { S: 'high' }, alarmName: { S: name }, status: { S: 'kept' } });
    expect(account.itemOf(machine.names.statusTable, 'inventory-agent')?.status?.S).toBe('contained');
  });

  it('a medium agent alarm waits for a human: nothing is contained before the triage decision', async () => {
    const name = agentAlarms.find((n) => /\/medium\/agent\//.test(n));
    if (name === undefined) return expect(agentAlarms.some((n) => n.includes('/medium/'))).toBe(false);
    const machine = synthIncidentResponse();
    const account = fakeAccountFor(machine);
    const run = await runMachine(machine, account, transform(alarmStateChange(name)), { decisions: [{ decision: 'dismiss', decidedBy: 'alice', reason: 'expected' }] });
    expect(run.states).toContain('Await triage decision');
    expect(run.states).not.toContain('Flag contained');
    expect(account.callsOf('iam', 'putRolePolicy')).toHaveLength(0);
  });
});
