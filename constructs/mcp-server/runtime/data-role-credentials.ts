/**
 * Credentials of each agent's data role, for running that agent's tools. The server's own role
 * has no access to any dataset: it can only become the calling agent's data role, so a bug in
 * tool code reaches at most what that agent was granted (DESIGN.md, "Isolation is IAM first").
 *
 * Every session is tagged with the server this function serves (`warden:server`): the data role's
 * trust admits this function's role only with its own server's name, and the role's policy grants
 * per server, so a session reaches only the datasets this server's tools use for the agent.
 *
 * Sessions are cached per server, agent and access level until `refreshMarginMs` before expiry; callers
 * arriving while an AssumeRole is in flight share it, so a burst costs one STS call.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { SESSION_TAG_ACCESS, SESSION_TAG_AGENT, SESSION_TAG_SERVER } from '../../agent-identity/session-tags';
import { sdkAssumeRole, type AssumeRoleApi } from './sts-assume-role';

export interface DataRoleSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export type DataAccess = 'read' | 'write';

export interface DataRoleCredentialsOptions {
  /** Sends AssumeRole: the function's own STS call (sts-assume-role.ts), or an SDK client. */
  readonly sts: AssumeRoleApi | Pick<STSClient, 'send'>;
  /** The MCP server this function serves; sent as the `warden:server` session tag. */
  readonly server: string;
  /** ARN of an agent's data role, e.g. `arn:aws:iam::123456789012:role/shop-prod-inventory-agent-data`. */
  readonly roleArnOf: (agent: string) => string;
  /** Session length. Short, because a contained agent's sessions should die soon. @default 900 (the STS minimum) */
  readonly sessionSeconds?: number;
  /** Refresh this long before expiry, so no call starts with credentials about to lapse. @default 300000 (5 min) */
  readonly refreshMarginMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Read tools get a session narrowed by this session policy: even when the agent's data role may
 * write (because another of its tools writes), a read tool's credentials cannot.
 * Effective permissions are the intersection with the role's policies, so `*` here grants nothing new.
 */
export const READ_ONLY_SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable', 'kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
    },
  ],
});

export class DataRoleCredentials {
  private readonly cache = new Map<string, DataRoleSession>();
  private readonly inFlight = new Map<string, Promise<DataRoleSession>>();
  private readonly sessionSeconds: number;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;
  private readonly sts: AssumeRoleApi;

  constructor(private readonly options: DataRoleCredentialsOptions) {
    this.sts = 'assumeRole' in options.sts ? options.sts : sdkAssumeRole(options.sts);
    this.sessionSeconds = options.sessionSeconds ?? 900;
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
    if (!options.server) throw new Error('DataRoleCredentials needs the server name: the data roles admit a session only with the warden:server tag naming its server');
    if (this.sessionSeconds * 1000 <= this.refreshMarginMs) {
      throw new Error(`sessionSeconds (${this.sessionSeconds}) must be longer than the refresh margin (${this.refreshMarginMs / 1000}s), or every call would assume the role again`);
    }
  }

  /** Credentials for `agent`'s data role, narrowed to reads when `access` is 'read'. */
  public get(agent: string, access: DataAccess): Promise<DataRoleSession> {
    const key = `${this.options.server}\n${agent}\n${access}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiration.getTime() - this.refreshMarginMs > this.now()) return Promise.resolve(cached);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const call = this.assume(agent, access)
      .then((session) => {
        this.cache.set(key, session);
        return session;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call;
  }

  /**
   * Forget cached sessions: one agent's (when the kill switch finds it contained, so nothing
   * cached outlives the containment on this warm function), or every agent's.
   */
  public clear(agent?: string): void {
    if (agent === undefined) {
      this.cache.clear();
      return;
    }
    for (const access of ['read', 'write'] as const) this.cache.delete(`${this.options.server}\n${agent}\n${access}`);
  }

  /** Agents × access levels with a cached session (for tests). */
  public get size(): number {
    return this.cache.size;
  }

  private assume(agent: string, access: DataAccess): Promise<DataRoleSession> {
    return this.sts.assumeRole({
      RoleArn: this.options.roleArnOf(agent),
      // shows up in CloudTrail on every data access: who, and with which access
      RoleSessionName: `warden-${access}-${agent}`.slice(0, 64),
      DurationSeconds: this.sessionSeconds,
      Tags: [
        { Key: SESSION_TAG_AGENT, Value: agent },
        { Key: SESSION_TAG_SERVER, Value: this.options.server },
        { Key: SESSION_TAG_ACCESS, Value: access },
      ],
      Policy: access === 'read' ? READ_ONLY_SESSION_POLICY : undefined,
    });
  }
}
