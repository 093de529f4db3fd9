/**
 * STS and IAM for the data roles, in memory: AssumeRole issues expiring session credentials for
 * `<project>-<env>-<agent>-data` roles, and `authorize` (plugged into FakeDynamoDB) allows a call
 * only when the role's grants for the session's server (from the access model: the datasets the
 * agent's tools on that server use, write only where such a tool writes) AND the session policy
 * sent with AssumeRole both allow it — as IAM evaluates them. AssumeRole requires the warden:agent
 * and warden:server session tags, as the data role's trust does.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { Manifest } from '../../../../lib/config/schema';
import { AccessModel } from '../../../../lib/policy/access-model';
import type { Authorizer } from './fake-dynamodb';

interface Session {
  readonly agent: string;
  readonly server: string;
  readonly expiresAtMs: number;
  /** Actions the session policy allows; undefined = no session policy. */
  readonly sessionActions?: readonly string[];
}

const accessDenied = (message: string) => Object.assign(new Error(message), { name: 'AccessDeniedException' });

export class FakeDataRoles {
  public readonly assumeRoleCalls: Array<{ RoleArn?: string; RoleSessionName?: string; Tags?: Array<{ Key?: string; Value?: string }>; Policy?: string; DurationSeconds?: number }> = [];
  private readonly sessions = new Map<string, Session>();
  private readonly model: AccessModel;
  private issued = 0;

  constructor(
    private readonly manifest: Manifest,
    private readonly tables: Readonly<Record<string, string>>,
    private readonly now: () => number = Date.now,
  ) {
    this.model = new AccessModel(manifest);
  }

  public roleArnOf = (agent: string) => `arn:aws:iam::123456789012:role/${this.manifest.project}-${this.manifest.environment}-${agent}-data`;

  public install(sts: AwsClientStub<STSClient>): void {
    sts.on(AssumeRoleCommand).callsFake(async (input) => {
      this.assumeRoleCalls.push(input);
      const prefix = `role/${this.manifest.project}-${this.manifest.environment}-`;
      const name = String(input.RoleArn ?? '').split(':').pop() ?? '';
      const agent = name.startsWith(prefix) && name.endsWith('-data') ? name.slice(prefix.length, -'-data'.length) : undefined;
      if (!agent || !this.manifest.agents.some((a) => a.name === agent)) throw accessDenied(`not authorized to perform sts:AssumeRole on ${input.RoleArn}`);
      // the data role's trust policy requires the warden:agent session tag to name its agent
      const tag = (key: string) => input.Tags?.find((t: { Key?: string; Value?: string }) => t.Key === key)?.Value;
      if (tag('warden:agent') !== agent) throw accessDenied('sts:TagSession: warden:agent must name the role\'s agent');
      // ... and warden:server to name a server the agent has tools on (the one assuming it)
      const server = tag('warden:server');
      if (!server || !this.model.grantsOf(agent).some((g) => g.server === server)) throw accessDenied(`sts:AssumeRole: no trust statement admits warden:server=${server ?? '(none)'} for ${agent}`);
      const id = `ASIAFAKE${String(++this.issued).padStart(8, '0')}`;
      const expiresAtMs = this.now() + (input.DurationSeconds ?? 3600) * 1000;
      const sessionActions = input.Policy ? (JSON.parse(input.Policy) as { Statement: Array<{ Action: string[] }> }).Statement.flatMap((s) => s.Action) : undefined;
      this.sessions.set(id, { agent, server, expiresAtMs, sessionActions });
      return { Credentials: { AccessKeyId: id, SecretAccessKey: `secret-${id}`, SessionToken: `token-${id}`, Expiration: new Date(expiresAtMs) } };
    });
  }

  public agentOf(accessKeyId: string | undefined): string | undefined {
    return accessKeyId ? this.sessions.get(accessKeyId)?.agent : undefined;
  }

  public readonly authorize: Authorizer = ({ action, table, accessKeyId }) => {
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    if (!session) throw accessDenied(`${accessKeyId ?? 'anonymous'} is not authorized to perform dynamodb:${action} on ${table}`);
    if (session.expiresAtMs <= this.now()) throw Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' });
    const grants = this.model.grantsOf(session.agent).filter((g) => g.server === session.server && this.tables[g.dataset] === table);
    const writes = ['PutItem', 'UpdateItem', 'DeleteItem'].includes(action);
    const roleAllows = grants.length > 0 && (!writes || grants.some((g) => g.access === 'write'));
    const sessionAllows = session.sessionActions === undefined || session.sessionActions.includes(`dynamodb:${action}`);
    if (!roleAllows || !sessionAllows) throw accessDenied(`${session.agent}-data is not authorized to perform dynamodb:${action} on ${table}`);
  };
}
