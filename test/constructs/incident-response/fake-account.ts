/**
 * One fake AWS account for incident-response tests, with real behaviour behind each call:
 * IAM roles whose inline policies and trust change and are evaluated (SimulatePrincipalPolicy
 * through the project's IAM evaluator), DynamoDB tables with a SET-expression update, SNS and
 * CloudWatch that remember what they were sent, CloudTrail events, Logs Insights rows, and an S3
 * that checks the SHA-256 checksum it is sent. Every call is recorded in order; `failNext`
 * injects errors (throttling, access denied) by service and action.
 */
import { createHash } from 'node:crypto';
import { type Event as TrailEvent } from '@aws-sdk/client-cloudtrail';
import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { evaluate, RequestContext, type PolicyDocument } from '../../support/iam';

export interface RecordedCall {
  readonly service: string;
  readonly action: string;
  readonly input: Record<string, unknown>;
}

interface FakeRole {
  trust: PolicyDocument;
  readonly inline: Map<string, PolicyDocument>;
  /** The one action the agent is granted (what verification simulates). */
  readonly granted: readonly string[];
}

type Item = Record<string, { S?: string; N?: string; BOOL?: boolean }>;

export class AwsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class FakeAccount {
  public readonly account = '111122223333';
  public readonly calls: RecordedCall[] = [];
  public readonly roles = new Map<string, FakeRole>();
  public readonly tables = new Map<string, Map<string, Item>>();
  private readonly keys = new Map<string, string>();
  public readonly published: { TopicArn: string; Subject?: string; Message: string }[] = [];
  public readonly metrics: { Namespace: string; MetricName: string; Value: number; Dimensions: { Name: string; Value: string }[] }[] = [];
  public readonly objects = new Map<string, { body: string; checksum: string }>();
  public trailEvents: TrailEvent[] = [];
  public auditRows: { field: string; value: string }[][] = [];
  public logGroups: string[] = [];
  private readonly faults: { service: string; action: string; error: string; remaining: number }[] = [];
  /**
   * When set, DynamoDB calls go to this client (dynalite on loopback) instead of the in-memory
   * tables, so the CLI and the guard read what the state machine wrote with DynamoDB's own rules.
   */
  public dynamodb?: DynamoDBClient;

  /** `tables`: table name → partition key attribute. */
  constructor(tables: Readonly<Record<string, string>>) {
    for (const [name, key] of Object.entries(tables)) {
      this.tables.set(name, new Map());
      this.keys.set(name, key);
    }
  }

  public addRole(name: string, granted: readonly string[]): void {
    this.roles.set(name, {
      trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      inline: new Map(),
      granted,
    });
  }

  /** The next `times` calls of service:action throw `error` (e.g. 'Iam.ThrottlingException'). */
  public failNext(service: string, action: string, error: string, times = 1): void {
    this.faults.push({ service, action, error, remaining: times });
  }

  public callsOf(service: string, action?: string): RecordedCall[] {
    return this.calls.filter((c) => c.service === service && (action === undefined || c.action === action));
  }

  /** Runs one API call as the service would; `service` and `action` as in an aws-sdk integration ARN (iam, putRolePolicy). */
  public call(service: string, action: string, input: Record<string, unknown>): unknown {
    this.calls.push({ service, action, input });
    const fault = this.faults.find((f) => f.service === service && f.action === action && f.remaining > 0);
    if (fault) {
      fault.remaining--;
      throw new AwsError(fault.error, `${fault.error} (injected)`);
    }
    if (service === 'dynamodb' && this.dynamodb) return this.realDynamoDb(action, input);
    const handler = (this.handlers as Record<string, ((i: Record<string, unknown>) => unknown) | undefined>)[`${service}:${action}`];
    if (!handler) throw new Error(`fake account: ${service}:${action} is not modelled`);
    return handler(input);
  }

  /** A DynamoDB call on the real client; errors named as Step Functions names them (`DynamoDb.<Exception>`). */
  private async realDynamoDb(action: string, input: Record<string, unknown>): Promise<unknown> {
    const commands: Record<string, (i: never) => object> = {
      putItem: (i) => new PutItemCommand(i),
      getItem: (i) => new GetItemCommand(i),
      updateItem: (i) => new UpdateItemCommand(i),
      deleteItem: (i) => new DeleteItemCommand(i),
    };
    const make = commands[action];
    if (!make) throw new Error(`fake account: dynamodb:${action} is not modelled`);
    try {
      const { $metadata, ...output } = (await this.dynamodb!.send(make(input as never) as never)) as { $metadata: unknown };
      void $metadata;
      return output;
    } catch (err) {
      throw new AwsError(`DynamoDb.${(err as Error).name}`, (err as Error).message);
    }
  }

  private role(name: unknown, service = 'Iam'): FakeRole {
    const role = this.roles.get(String(name));
    if (!role) throw new AwsError(`${service}.NoSuchEntityException`, `The role with name ${String(name)} cannot be found.`);
    return role;
  }

  private table(name: unknown): { items: Map<string, Item>; keyOf: (item: Item) => string } {
    const items = this.tables.get(String(name));
    const key = this.keys.get(String(name));
    if (!items || !key) throw new AwsError('DynamoDb.ResourceNotFoundException', `Requested resource not found: ${String(name)}`);
    return {
      items,
      keyOf: (item) => {
        const value = item[key]?.S;
        if (value === undefined) throw new AwsError('DynamoDb.ValidationException', `The provided key element does not match the schema (${key})`);
        return value;
      },
    };
  }

  private readonly handlers = {
    'iam:getRole': (i: Record<string, unknown>) => ({ Role: { RoleName: i.RoleName, AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(this.role(i.RoleName).trust)) } }),
    'iam:updateAssumeRolePolicy': (i: Record<string, unknown>) => {
      this.role(i.RoleName).trust = JSON.parse(String(i.PolicyDocument)) as PolicyDocument;
      return {};
    },
    'iam:putRolePolicy': (i: Record<string, unknown>) => {
      this.role(i.RoleName).inline.set(String(i.PolicyName), JSON.parse(String(i.PolicyDocument)) as PolicyDocument);
      return {};
    },
    'iam:deleteRolePolicy': (i: Record<string, unknown>) => {
      const role = this.role(i.RoleName);
      if (!role.inline.delete(String(i.PolicyName))) throw new AwsError('Iam.NoSuchEntityException', `The role policy with name ${String(i.PolicyName)} cannot be found.`);
      return {};
    },
    'iam:simulatePrincipalPolicy': (i: Record<string, unknown>) => {
      const arn = String(i.PolicySourceArn);
      const role = this.role(arn.split('/').pop());
      const context = new RequestContext();
      for (const entry of (i.ContextEntries ?? []) as { ContextKeyName: string; ContextKeyValues: string[] }[]) context.set(entry.ContextKeyName, entry.ContextKeyValues);
      const grant = { name: 'granted', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [...role.granted], Resource: '*' }] } as PolicyDocument };
      const inline = [...role.inline].map(([name, document]) => ({ name, document }));
      return {
        EvaluationResults: (i.ActionNames as string[]).map((action) => {
          const decision = evaluate({ principal: { arn, account: this.account }, action, resource: '*', context, identityPolicies: [grant, ...inline] }).decision;
          return { EvalActionName: action, EvalDecision: decision === 'allow' ? 'allowed' : decision === 'explicit-deny' ? 'explicitDeny' : 'implicitDeny' };
        }),
      };
    },
    'dynamodb:putItem': (i: Record<string, unknown>) => {
      const item = i.Item as Item;
      const table = this.table(i.TableName);
      table.items.set(table.keyOf(item), structuredClone(item));
      return {};
    },
    'dynamodb:getItem': (i: Record<string, unknown>) => {
      const table = this.table(i.TableName);
      const item = table.items.get(table.keyOf(i.Key as Item));
      return item ? { Item: structuredClone(item) } : {};
    },
    'dynamodb:updateItem': (i: Record<string, unknown>) => {
      const table = this.table(i.TableName);
      const key = i.Key as Item;
      const item: Item = structuredClone(table.items.get(table.keyOf(key)) ?? key);
      const names = (i.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (i.ExpressionAttributeValues ?? {}) as Item;
      const expression = String(i.UpdateExpression);
      if (!expression.startsWith('SET ')) throw new Error(`fake dynamodb: only SET updates are modelled, not ${expression}`);
      for (const assignment of expression.slice(4).split(',')) {
        const [left, right] = assignment.split('=').map((p) => p.trim()) as [string, string];
        const value = values[right];
        if (value === undefined) throw new AwsError('DynamoDb.ValidationException', `ExpressionAttributeValues has no ${right}`);
        item[names[left] ?? left] = value;
      }
      table.items.set(table.keyOf(key), item);
      return {};
    },
    'sns:publish': (i: Record<string, unknown>) => {
      this.published.push({ TopicArn: String(i.TopicArn), Subject: i.Subject as string | undefined, Message: String(i.Message) });
      return { MessageId: `m-${this.published.length}` };
    },
    'cloudwatch:putMetricData': (i: Record<string, unknown>) => {
      for (const m of i.MetricData as { MetricName: string; Value: number; Dimensions: { Name: string; Value: string }[] }[]) this.metrics.push({ Namespace: String(i.Namespace), ...m });
      return {};
    },
    'cloudtrail:lookupEvents': (i: Record<string, unknown>) => {
      const [attribute] = i.LookupAttributes as { AttributeKey: string; AttributeValue: string }[];
      const matching = this.trailEvents.filter((e) => {
        if (attribute!.AttributeKey === 'AccessKeyId') return e.AccessKeyId === attribute!.AttributeValue;
        if (attribute!.AttributeKey === 'ResourceName') return (e.Resources ?? []).some((r) => r.ResourceName === attribute!.AttributeValue);
        throw new Error(`fake cloudtrail: lookup by ${attribute!.AttributeKey} is not modelled`);
      });
      // pages of 2, to exercise NextToken
      const start = i.NextToken === undefined ? 0 : Number(i.NextToken);
      const page = matching.slice(start, start + 2);
      return { Events: page, NextToken: start + 2 < matching.length ? String(start + 2) : undefined };
    },
    'logs:describeLogGroups': (i: Record<string, unknown>) => ({ logGroups: this.logGroups.filter((g) => g.startsWith(String(i.logGroupNamePrefix))).map((logGroupName) => ({ logGroupName })) }),
    'logs:startQuery': () => ({ queryId: `q-${this.callsOf('logs', 'startQuery').length}` }),
    'logs:getQueryResults': (i: Record<string, unknown>) => {
      // one poll "Running", then the rows
      const polls = this.calls.filter((c) => c.service === 'logs' && c.action === 'getQueryResults' && c.input.queryId === i.queryId).length;
      return polls < 2 ? { status: 'Running', results: [] } : { status: 'Complete', results: this.auditRows };
    },
    's3:putObject': (i: Record<string, unknown>) => {
      const body = String(i.Body);
      const checksum = createHash('sha256').update(body, 'utf8').digest('base64');
      if (i.ChecksumSHA256 !== checksum) throw new AwsError('BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
      this.objects.set(`${String(i.Bucket)}/${String(i.Key)}`, { body, checksum });
      return { VersionId: `v-${this.objects.size}` };
    },
  };

  /** The status attribute of an item, or undefined. */
  public itemOf(table: string, key: string): Item | undefined {
    return this.tables.get(table)?.get(key);
  }
}
