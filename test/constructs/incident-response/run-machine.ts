/**
 * Synthesizes IncidentResponse, takes the state machine definition out of the template (resolved
 * for one account and region) and runs it with aws-local-stepfunctions. Each Task state gets a
 * local handler that does what the task's Resource says against a FakeAccount: aws-sdk
 * integrations call the fake service; Lambda tasks run the functions' real code with their SDK
 * clients mocked (aws-sdk-client-mock) onto the same fake account; `.waitForTaskToken` tasks do
 * their call and then wait for the test's decision.
 */
import '../../support/promise-with-resolvers';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { StateMachine } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { IncidentResponse } from '../../../constructs/incident-response';
import { recordContainmentTiming } from '../../../constructs/incident-response/runtime/containment-timing';
import { collectEvidence } from '../../../constructs/incident-response/runtime/evidence';
import { trustLock } from '../../../constructs/incident-response/runtime/trust-lock';
import type { Manifest } from '../../../lib/config/schema';
import { type CfnTemplate, TemplateResolver } from '../../support/iam';
import { shopManifest } from '../mcp-server/shop-manifest';
import { FakeAccount } from './fake-account';

export const STACK = 'IncidentResponse';

/** One entry of the local runner's event log (its type is not exported). */
interface EventLog {
  readonly type: string;
  readonly state?: { readonly name: string };
}

export interface SynthesizedMachine {
  readonly manifest: Manifest;
  readonly template: Template;
  readonly stack: Stack;
  readonly construct: IncidentResponse;
  /** The ASL, resolved for account 111122223333 in eu-west-1. */
  readonly definition: { StartAt: string; States: Record<string, { Type: string; Resource?: string; [k: string]: unknown }> };
  /** Lambda function ARN → which task function it is. */
  readonly functions: ReadonlyMap<string, 'evidence' | 'trustLock' | 'timing'>;
  readonly names: { readonly statusTable: string; readonly incidentsTable: string; readonly bucket: string; readonly topicArn: string };
}

export function synthIncidentResponse(incidentResponse: Partial<Manifest['incidentResponse']> = {}): SynthesizedMachine {
  const base = shopManifest();
  const manifest: Manifest = { ...base, incidentResponse: { ...base.incidentResponse, ...incidentResponse } };
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, STACK, { env: { account: '111122223333', region: 'eu-west-1' } });
  const construct = new IncidentResponse(stack, 'IR', { manifest });
  const template = Template.fromStack(stack);
  const resolver = new TemplateResolver({ [STACK]: template.toJSON() as CfnTemplate });
  const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  const definition = JSON.parse(resolver.resolve(STACK, (template.toJSON() as CfnTemplate).Resources[logicalId(construct.stateMachine)]!.Properties!.DefinitionString) as string);
  const functions = new Map<string, 'evidence' | 'trustLock' | 'timing'>([
    [resolver.getAtt(STACK, logicalId(construct.evidenceFunction), 'Arn'), 'evidence'],
    [resolver.getAtt(STACK, logicalId(construct.trustLockFunction), 'Arn'), 'trustLock'],
    [resolver.getAtt(STACK, logicalId(construct.timingFunction), 'Arn'), 'timing'],
  ]);
  const prefix = `${manifest.project}-${manifest.environment}`;
  return {
    manifest,
    template,
    stack,
    construct,
    definition,
    functions,
    names: {
      statusTable: `${prefix}-agent-status`,
      incidentsTable: `${prefix}-incidents`,
      bucket: resolver.ref(STACK, logicalId(construct.evidenceBucket)),
      topicArn: `arn:aws:sns:eu-west-1:111122223333:${prefix}-warden-alerts`,
    },
  };
}

/** A fake account holding the deployment's tables and the roles of every shop agent and the drill agent. */
export function fakeAccountFor(machine: SynthesizedMachine): FakeAccount {
  const account = new FakeAccount({ [machine.names.statusTable]: 'agent', [machine.names.incidentsTable]: 'id' });
  const prefix = `${machine.manifest.project}-${machine.manifest.environment}`;
  for (const agent of [...machine.manifest.agents.map((a) => a.name), 'warden-drill']) {
    account.addRole(`${prefix}-${agent}-caller`, ['execute-api:Invoke']);
    account.addRole(`${prefix}-${agent}-data`, ['dynamodb:GetItem', 'dynamodb:Query']);
  }
  account.logGroups = [`${prefix}-servers-ServercommerceFunctionLogs1A2B3C`];
  return account;
}

// ---- SDK clients of the Lambda code, routed to the current fake account
let current: FakeAccount | undefined;
const route = (service: string, action: string) => (input: object) => {
  if (!current) throw new Error('no fake account is active');
  return current.call(service, action, input as Record<string, unknown>);
};
export function mockTaskClients(): void {
  mockClient(IAMClient).on(GetRoleCommand).callsFake(route('iam', 'getRole')).on(UpdateAssumeRolePolicyCommand).callsFake(route('iam', 'updateAssumeRolePolicy'));
  mockClient(CloudTrailClient).on(LookupEventsCommand).callsFake(route('cloudtrail', 'lookupEvents'));
  mockClient(CloudWatchLogsClient)
    .on(DescribeLogGroupsCommand)
    .callsFake(route('logs', 'describeLogGroups'))
    .on(StartQueryCommand)
    .callsFake(route('logs', 'startQuery'))
    .on(GetQueryResultsCommand)
    .callsFake(route('logs', 'getQueryResults'));
  mockClient(S3Client).on(PutObjectCommand).callsFake(route('s3', 'putObject'));
  mockClient(CloudWatchClient).on(PutMetricDataCommand).callsFake(route('cloudwatch', 'putMetricData'));
}

export interface Decision {
  readonly decision: string;
  readonly decidedBy: string;
  readonly reason: string;
}

export interface RunOptions {
  /** Answers each `.waitForTaskToken` task in turn; undefined = nobody answers (the task times out). */
  readonly decisions?: readonly (Decision | undefined)[];
  /** Execution name (the incident id). @default inc-test-1 */
  readonly name?: string;
  /**
   * Answers `.waitForTaskToken` tasks instead of `decisions`: called with the execution's task
   * token once the task's own call is done (a fake Step Functions resolves it on SendTaskSuccess).
   */
  readonly awaitDecision?: (taskToken: string) => Promise<unknown>;
  /** $$.Task.Token. @default task-token-1 */
  readonly taskToken?: string;
  /** $$.State.EnteredTime as the local runner reports it (it does not track it per state). */
  readonly now?: string;
}

export interface Run {
  readonly output?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  /** Names of the states entered, in order (branch states included). */
  readonly states: readonly string[];
  readonly retried: readonly string[];
  readonly events: readonly EventLog[];
}

export async function runMachine(machine: SynthesizedMachine, account: FakeAccount, input: object, options: RunOptions = {}): Promise<Run> {
  current = account;
  const decisions = [...(options.decisions ?? [])];
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const visit = (states: SynthesizedMachine['definition']['States']) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Parallel') for (const branch of state.Branches as { States: SynthesizedMachine['definition']['States'] }[]) visit(branch.States);
      if (state.Type !== 'Task') continue;
      handlers[name] = (taskInput) => runTask(machine, account, String(state.Resource), taskInput as Record<string, unknown>, decisions, options.awaitDecision && (() => options.awaitDecision!(options.taskToken ?? 'task-token-1')));
    }
  };
  visit(machine.definition.States);
  const sm = new StateMachine(machine.definition as never, { validationOptions: { checkArn: false } });
  const now = options.now ?? '2026-12-03T10:00:30.000Z';
  const execution = sm.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((n) => [n, 0])) },
    context: { Execution: { Name: options.name ?? 'inc-test-1' }, State: { EnteredTime: now }, Task: { Token: options.taskToken ?? 'task-token-1' } },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const e of execution.eventLogs) events.push(e as unknown as EventLog);
  })();
  let output: unknown;
  let error: Run['error'];
  try {
    output = await execution.result;
  } catch (err) {
    const cause = (err as { cause?: { name?: string; message?: string } }).cause;
    error = { name: cause?.name ?? (err as Error).name, message: cause?.message ?? (err as Error).message };
  }
  await collecting;
  current = undefined;
  return {
    output,
    error,
    states: events.filter((e) => e.type === 'StateEntered').map((e) => e.state!.name),
    retried: events.filter((e) => e.type === 'StateRetried').map((e) => e.state!.name),
    events,
  };
}

async function runTask(machine: SynthesizedMachine, account: FakeAccount, resource: string, input: Record<string, unknown>, decisions: (Decision | undefined)[], awaitDecision?: () => Promise<unknown>): Promise<unknown> {
  if (resource.endsWith(':lambda:invoke')) {
    const fn = machine.functions.get(String(input.FunctionName));
    const payload = input.Payload as never;
    account.calls.push({ service: 'lambda', action: String(fn), input: payload });
    const result =
      fn === 'trustLock'
        ? await trustLock(new IAMClient({}), payload)
        : fn === 'evidence'
          ? await collectEvidence(payload, { bucket: machine.names.bucket, auditLogGroupPrefix: `${machine.manifest.project}-${machine.manifest.environment}-servers` }, { cloudTrail: new CloudTrailClient({}), logs: new CloudWatchLogsClient({}), s3: new S3Client({}), sleep: async () => {} })
          : fn === 'timing'
            ? await recordContainmentTiming(new CloudWatchClient({}), `${machine.manifest.project}-${machine.manifest.environment}`, payload)
            : undefined;
    if (fn === undefined) throw new Error(`unknown function ${String(input.FunctionName)}`);
    return { StatusCode: 200, Payload: result };
  }
  const sdk = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z]+)(\.waitForTaskToken)?$/.exec(resource);
  if (!sdk) throw new Error(`task resource ${resource} is not modelled`);
  const [, service, action, wait] = sdk as unknown as [string, string, string, string | undefined];
  const result = await account.call(service, action, input);
  if (!wait) return result;
  if (awaitDecision) return awaitDecision();
  const decision = decisions.shift();
  if (decision === undefined) return new Promise(() => {}); // nobody answers: the task's timeout decides
  return decision;
}
