/**
 * A deployed incident response, locally: the synthesized state machine (run-machine.ts) run by a
 * fake Step Functions that `warden incident` talks to through a mocked SFNClient, over a fake
 * account whose incidents and agent-status tables are DynamoDB tables in dynalite on loopback.
 *
 * - StartExecution runs the definition with the request as input and the execution name as
 *   incident id; a name already used is ExecutionAlreadyExists, another state machine ARN is
 *   StateMachineDoesNotExist (as in Step Functions).
 * - A `.waitForTaskToken` task does its call (the incident record gets the token) and waits;
 *   SendTaskSuccess with that token resumes it with the output; an unknown or spent token is
 *   TaskDoesNotExist.
 * - STS: GetCallerIdentity answers for the credentials the client has (alice's user, or the
 *   admin role's session once AssumeRole succeeded with an MFA serial and code).
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { IncidentClients } from '../../../lib/cli/incident';
import { AwsError, type FakeAccount } from '../../constructs/incident-response/fake-account';
import { fakeAccountFor, type Run, runMachine, type SynthesizedMachine } from '../../constructs/incident-response/run-machine';

// dynalite ships no types; the calls used here
type DynaliteServer = { listen(port: number, host: string, cb: () => void): void; close(cb: () => void): void; address(): AddressInfo | string | null };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, number>) => DynaliteServer;

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const ADMIN_ROLE = 'shop-prod-warden-admin';
export const MFA = ['--mfa-serial', `arn:aws:iam::${ACCOUNT}:mfa/alice`, '--mfa-code', '123456'];

interface Execution {
  readonly input: Record<string, unknown>;
  readonly run: Promise<Run>;
  done: boolean;
}

export class IncidentDeployment {
  public readonly account: FakeAccount;
  public readonly executions = new Map<string, Execution>();
  /** Task tokens waiting for SendTaskSuccess → resume. */
  private readonly waiting = new Map<string, (output: unknown) => void>();
  /** Called whenever an execution parks at a wait or finishes. */
  private readonly idle = new Set<() => void>();
  private server?: DynaliteServer;
  public dynamodb!: DynamoDBClient;
  private readonly mocks: { restore(): void }[] = [];
  /** The mocked clients, whose calls a test can read. */
  public sfn!: ReturnType<typeof mockClient>;
  public sts!: ReturnType<typeof mockClient>;
  public readonly stateMachineArn: string;

  constructor(public readonly machine: SynthesizedMachine) {
    this.account = fakeAccountFor(machine);
    this.stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:shop-prod-incident-response`;
  }

  public async start(): Promise<void> {
    this.server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const { port } = this.server.address() as AddressInfo;
    this.dynamodb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    for (const [table, key] of [[this.machine.names.statusTable, 'agent'], [this.machine.names.incidentsTable, 'id']] as const) {
      await this.dynamodb.send(new CreateTableCommand({ TableName: table, KeySchema: [{ AttributeName: key, KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
    }
    this.account.dynamodb = this.dynamodb;

    const sfn = (this.sfn = mockClient(SFNClient));
    sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string; input: string }) => this.startExecution(input));
    sfn.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) => {
      const resume = this.waiting.get(input.taskToken);
      if (!resume) throw new AwsError('TaskDoesNotExist', 'Task does not exist anymore');
      this.waiting.delete(input.taskToken);
      resume(JSON.parse(input.output));
      return {};
    });
    const sts = (this.sts = mockClient(STSClient));
    sts.on(GetCallerIdentityCommand).callsFake(async (_input: unknown, getClient: () => STSClient) => {
      const credentials = await getClient().config.credentials();
      const admin = credentials.accessKeyId === 'ASIAADMIN';
      return { Account: ACCOUNT, Arn: admin ? `arn:aws:sts::${ACCOUNT}:assumed-role/${ADMIN_ROLE}/warden-incident` : ALICE };
    });
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string; SerialNumber?: string; TokenCode?: string }) => {
      // the admin role's trust: MFA present (WardenAdminRole)
      if (input.RoleArn !== `arn:aws:iam::${ACCOUNT}:role/${ADMIN_ROLE}` || !input.SerialNumber || !input.TokenCode) throw new AwsError('AccessDenied', `not authorized to perform sts:AssumeRole on ${input.RoleArn}`);
      return { Credentials: { AccessKeyId: 'ASIAADMIN', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600e3) } };
    });
    this.mocks.push(sfn, sts);
  }

  public async stop(): Promise<void> {
    // executions still waiting are answered "keep", so none outlives the test
    for (const [token, resume] of [...this.waiting]) {
      this.waiting.delete(token);
      resume({ decision: 'keep', decidedBy: 'test teardown', reason: 'end of test' });
    }
    await Promise.all([...this.executions.values()].map((e) => e.run));
    for (const m of this.mocks) m.restore();
    this.dynamodb?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Clients the CLI gets: real SDK clients, the SFN and STS ones mocked, DynamoDB on dynalite. */
  public clients = (region: string, credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): IncidentClients => ({
    sfn: new SFNClient({ region }),
    sts: new STSClient({ region, credentials: credentials ?? { accessKeyId: 'AKIAALICE', secretAccessKey: 's' } }),
    dynamodb: this.dynamodb,
  });

  private startExecution(input: { stateMachineArn: string; name: string; input: string }) {
    if (input.stateMachineArn !== this.stateMachineArn) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
    if (this.executions.has(input.name)) throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${input.name}'`);
    const request = JSON.parse(input.input) as Record<string, unknown>;
    const token = `token-of-${input.name}`;
    const execution: Execution = {
      input: request,
      done: false,
      run: runMachine(this.machine, this.account, request, {
        name: input.name,
        taskToken: token,
        // the runner's $$.Execution.StartTime is the real clock, and its $$.State.EnteredTime fixed:
        // a minute later, so the deny's timestamp follows the start, as in Step Functions
        now: new Date(Date.now() + 60_000).toISOString(),
        awaitDecision: (t) =>
          new Promise((resume) => {
            this.waiting.set(t, resume);
            this.notifyIdle();
          }),
      }).finally(() => {
        execution.done = true;
        this.notifyIdle();
      }),
    };
    this.executions.set(input.name, execution);
    return { executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:shop-prod-incident-response:${input.name}`, startDate: new Date() };
  }

  private notifyIdle(): void {
    for (const f of [...this.idle]) f();
  }

  /** Resolves when every execution has finished or waits for a decision. */
  public async settled(): Promise<void> {
    const quiet = () => [...this.executions.entries()].every(([name, e]) => e.done || this.waiting.has(`token-of-${name}`));
    while (!quiet()) {
      await new Promise<void>((resolve) => {
        const once = () => {
          this.idle.delete(once);
          resolve();
        };
        this.idle.add(once);
      });
    }
  }

  /** The one execution started (by the CLI) whose name starts with `prefix`. */
  public execution(prefix: string): [string, Execution] {
    const found = [...this.executions.entries()].filter(([name]) => name.startsWith(prefix));
    if (found.length !== 1) throw new Error(`${found.length} executions start with ${prefix}: ${[...this.executions.keys()].join(', ')}`);
    return found[0]!;
  }
}
