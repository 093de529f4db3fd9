/**
 * Per-run bearer tokens, one per agent: the dev stand-in for AWS identity. Random per run
 * (printed at start, never stored), so a token from yesterday's run or another machine is
 * worthless.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export class DevTokens {
  /** agent → token, to print. */
  public readonly byAgent: Readonly<Record<string, string>>;
  private readonly byDigest: ReadonlyArray<readonly [Buffer, string]>;

  constructor(agents: readonly string[]) {
    const byAgent: Record<string, string> = {};
    const byDigest: Array<readonly [Buffer, string]> = [];
    for (const agent of agents) {
      const token = `wdev_${randomBytes(24).toString('base64url')}`;
      byAgent[agent] = token;
      byDigest.push([digest(token), agent]);
    }
    this.byAgent = Object.freeze(byAgent);
    this.byDigest = byDigest;
  }

  /** The agent a token stands for, or undefined. Compares digests in constant time. */
  public agentOf(token: string): string | undefined {
    const d = digest(token);
    for (const [known, agent] of this.byDigest) {
      if (timingSafeEqual(known, d)) return agent;
    }
    return undefined;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export type BearerResult = { kind: 'none' } | { kind: 'valid'; agent: string } | { kind: 'invalid' };

/** Reads `Authorization: Bearer <token>`. A header that is present but wrong is `invalid`, never `none`. */
export function readBearer(authorization: string | undefined, tokens: DevTokens): BearerResult {
  if (authorization === undefined) return { kind: 'none' };
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,256})$/i.exec(authorization.trim());
  const agent = match ? tokens.agentOf(match[1]!) : undefined;
  return agent ? { kind: 'valid', agent } : { kind: 'invalid' };
}
