/**
 * The server half of the caller proof (lib/caller-proof): is the principal API Gateway put in the
 * event (`requestContext.identity.userArn`) the one that signed the request? A direct
 * `lambda:InvokeFunction` caller can write any event, but cannot sign a `GetCallerIdentity` as an
 * agent without that agent's credentials.
 *
 * Per request: the proof's shape is checked without I/O (check-proof.ts), then it is sent to STS
 * with this server's id in the signed server-id header, so a proof made for another server fails
 * STS's signature check. What STS answered is cached per proof until the proof expires: an agent
 * reuses its proof for minutes, so the hot path costs a hash and a map lookup, and STS is asked
 * about once per agent per proof lifetime per function instance.
 */
import { createHash } from 'node:crypto';
import { CALLER_PROOF_HEADER, checkProof, principalOf, SERVER_ID_HEADER } from '../../../lib/caller-proof';
import type { StsFetch } from './sts-https';

export interface CallerProofVerifierOptions {
  /** This server's id (its REST API id): the value its callers' proofs must be signed with. */
  readonly serverId: string;
  /** This function's region: proofs must be for its regional STS endpoint. */
  readonly region: string;
  /** Sends the proof to STS. */
  readonly fetch: StsFetch;
  /** @default Date.now */
  readonly now?: () => number;
  /** Proofs remembered at once (one per agent and proof lifetime is typical). @default 1024 */
  readonly maxCachedProofs?: number;
  /** How long STS may take. @default 3000 */
  readonly timeoutMs?: number;
}

export type ProofVerdict =
  /** The proof names the principal the event claims. */
  | { readonly ok: true; readonly principalArn: string }
  /** Refused: 401 without a proof, 403 with a proof that proves nothing or someone else. A forgery attempt. */
  | { readonly ok: false; readonly status: 401 | 403; readonly forgery: true; readonly reason: string }
  /** STS could not be asked (network, throttling, 5xx): nothing is proven, nothing is forged. */
  | { readonly ok: false; readonly status: 503; readonly forgery: false; readonly reason: string };

type Proven = { readonly arn: string } | { readonly refused: string };

const shown = (value: string, max = 80) => JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);

export class CallerProofVerifier {
  private readonly cache = new Map<string, { proven: Proven; expiresAtMs: number }>();
  private readonly now: () => number;
  private readonly maxCached: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: CallerProofVerifierOptions) {
    if (!options.serverId) throw new Error('CallerProofVerifier needs the server id its callers sign their proofs for');
    this.now = options.now ?? Date.now;
    this.maxCached = options.maxCachedProofs ?? 1024;
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  /** Checks the proof in `headers` (lower-case names) against the principal the event claims. */
  public async verify(headers: Readonly<Record<string, string | string[] | undefined>>, claimedArn: string | undefined): Promise<ProofVerdict> {
    const forged = (status: 401 | 403, reason: string): ProofVerdict => ({ ok: false, status, forgery: true, reason });
    // REST events carry every header as a list too (multiValueHeaders); one value is one value
    const one = (value: string | string[] | undefined) => (Array.isArray(value) && value.length === 1 ? value[0] : value);
    const proof = one(headers[CALLER_PROOF_HEADER]);
    const serverId = one(headers[SERVER_ID_HEADER]);
    if (proof === undefined || proof === '') return forged(401, 'no caller proof');
    if (typeof proof !== 'string' || typeof serverId !== 'string') return forged(403, `more than one caller proof or server id, or no ${SERVER_ID_HEADER}`);
    if (serverId !== this.options.serverId) return forged(403, `the caller proof is for server ${shown(serverId, 40)}, not this one`);
    const nowMs = this.now();
    const checked = checkProof(proof, { region: this.options.region, nowMs });
    if (!checked.ok) return forged(403, checked.reason);

    const key = createHash('sha256').update(checked.url).digest('base64url');
    let entry = this.cache.get(key);
    if (entry && entry.expiresAtMs <= nowMs) {
      this.cache.delete(key);
      entry = undefined;
    }
    if (!entry) {
      const asked = await this.ask(checked.url);
      if ('unavailable' in asked) return { ok: false, status: 503, forgery: false, reason: asked.unavailable };
      entry = { proven: asked, expiresAtMs: checked.expiresAtMs };
      this.cache.set(key, entry);
      if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
    }
    if ('refused' in entry.proven) return forged(403, entry.proven.refused);
    if (claimedArn === undefined) return forged(403, `the event names no caller; the proof is of ${shown(entry.proven.arn, 200)}`);
    if (principalOf(entry.proven.arn) !== principalOf(claimedArn)) {
      return forged(403, `the event claims ${shown(claimedArn, 200)} but the caller proof is of ${shown(entry.proven.arn, 200)}`);
    }
    return { ok: true, principalArn: entry.proven.arn };
  }

  /** Executes the presigned request; STS verifies the signature and the server-id header it covers. */
  private async ask(url: string): Promise<Proven | { unavailable: string }> {
    let status: number;
    let body: string;
    try {
      const response = await this.options.fetch(url, {
        headers: { [SERVER_ID_HEADER]: this.options.serverId, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      body = await response.text();
    } catch (err) {
      return { unavailable: `STS did not answer (${err instanceof Error ? err.name : 'error'})` };
    }
    if (status === 200) {
      const arn = arnOf(body);
      return arn ? { arn } : { unavailable: 'STS answered without an ARN' };
    }
    const code = errorCodeOf(body);
    // throttling and server errors say nothing about the proof
    if (status >= 500 || status === 429 || /Throttl/i.test(code ?? '')) return { unavailable: `STS answered ${status}${code ? ` ${code}` : ''}` };
    return { refused: `STS refused the caller proof (${status}${code ? ` ${code}` : ''})` };
  }
}

/** The Arn of a GetCallerIdentity answer, JSON (as asked with Accept) or XML (the query API's default). */
function arnOf(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as { GetCallerIdentityResponse?: { GetCallerIdentityResult?: { Arn?: unknown } } };
    const arn = json.GetCallerIdentityResponse?.GetCallerIdentityResult?.Arn;
    return typeof arn === 'string' && arn.startsWith('arn:') ? arn : undefined;
  } catch {
    const arn = /<GetCallerIdentityResult>[\s\S]*?<Arn>(arn:[^<]+)<\/Arn>/.exec(body)?.[1];
    return arn;
  }
}

function errorCodeOf(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { Error?: { Code?: unknown } }).Error?.Code;
    return typeof code === 'string' ? code.slice(0, 64) : undefined;
  } catch {
    return /<Code>([^<]{1,64})<\/Code>/.exec(body)?.[1];
  }
}
