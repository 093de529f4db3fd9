/**
 * The client half of the caller proof (lib/caller-proof): a presigned `sts:GetCallerIdentity`
 * request, signed with the agent's own credentials and the server-id header, sent with every
 * request. Nothing is sent to STS here: the server executes the request, STS checks the
 * signature. A proof is reused until shortly before it expires, so the server, which caches
 * what STS said per proof, asks STS about once per proof lifetime, not once per call.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { CALLER_PROOF_HEADER, GET_CALLER_IDENTITY, PROOF_DEFAULT_SECONDS, PROOF_MAX_SECONDS, SERVER_ID_HEADER, stsHost } from '../caller-proof';

/** What `credentials` may be: static credentials or a provider, as for the SigV4 signer. */
export type CallerProofCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface CallerProofSignerOptions {
  /** The region of the server (and of the STS endpoint it verifies against). */
  readonly region: string;
  /** The agent's credentials: the same ones that sign its requests. */
  readonly credentials: CallerProofCredentials;
  /** Validity of a proof. @default 300 (5 minutes); at most 900 */
  readonly expiresInSeconds?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** A proof is replaced this long before it expires, so none arrives expired. */
const RENEW_BEFORE_MS = 60_000;

/** An agent talks to a handful of servers; rotated credentials leave stale entries behind. */
const MAX_CACHED = 32;

/** RFC 3986 encoding, as SigV4 canonicalizes the query. */
const uriEscape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export class CallerProofSigner {
  private readonly cache = new Map<string, { headers: Record<string, string>; renewAtMs: number }>();
  private readonly expiresInSeconds: number;
  private readonly now: () => number;
  private readonly credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;

  constructor(private readonly options: CallerProofSignerOptions) {
    this.expiresInSeconds = options.expiresInSeconds ?? PROOF_DEFAULT_SECONDS;
    if (!Number.isInteger(this.expiresInSeconds) || this.expiresInSeconds * 1000 <= RENEW_BEFORE_MS || this.expiresInSeconds > PROOF_MAX_SECONDS) {
      throw new Error(`expiresInSeconds must be a whole number of seconds from ${RENEW_BEFORE_MS / 1000 + 1} to ${PROOF_MAX_SECONDS} (got ${options.expiresInSeconds})`);
    }
    this.now = options.now ?? Date.now;
    const given = options.credentials;
    this.credentials = typeof given === 'function' ? async () => given() : async () => given;
  }

  /** The proof headers for `serverId` (the server's REST API id). */
  public async headersFor(serverId: string): Promise<Record<string, string>> {
    const credentials = await this.credentials();
    const key = `${credentials.accessKeyId}\n${serverId}`;
    const cached = this.cache.get(key);
    if (cached && cached.renewAtMs > this.now()) return cached.headers;
    const nowMs = this.now();
    // never valid beyond the credentials themselves: STS would refuse it then anyway
    const lifetime = credentials.expiration ? Math.floor((credentials.expiration.getTime() - nowMs) / 1000) : this.expiresInSeconds;
    const expiresIn = Math.max(1, Math.min(this.expiresInSeconds, lifetime));
    const host = stsHost(this.options.region);
    const signer = new SignatureV4({ service: 'sts', region: this.options.region, credentials, sha256: Sha256 });
    const presigned = await signer.presign(
      new HttpRequest({ method: 'GET', protocol: 'https:', hostname: host, path: '/', query: { ...GET_CALLER_IDENTITY }, headers: { host, [SERVER_ID_HEADER]: serverId } }),
      { expiresIn, signingDate: new Date(nowMs) },
    );
    const query = Object.entries(presigned.query ?? {})
      .map(([k, v]) => `${uriEscape(k)}=${uriEscape(String(v))}`)
      .join('&');
    const headers = { [CALLER_PROOF_HEADER]: `https://${host}/?${query}`, [SERVER_ID_HEADER]: serverId };
    this.cache.set(key, { headers, renewAtMs: nowMs + expiresIn * 1000 - RENEW_BEFORE_MS });
    // one live proof per server and key: old keys (rotated credentials) fall out first
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    return headers;
  }
}

/**
 * The REST API id in an execute-api host name (`{api}.execute-api.{region}.amazonaws.com`, or the
 * private-endpoint form `{api}-{vpce-id}.execute-api.{region}.vpce.amazonaws.com`): the server id
 * an mcp-warden server expects in its callers' proofs.
 */
export function apiIdFromExecuteApiUrl(url: URL | string): string | undefined {
  const host = (typeof url === 'string' ? new URL(url) : url).hostname;
  return /^([a-z0-9]{10})(?:-vpce-[0-9a-f]+)?\.execute-api\.[a-z0-9-]+\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

/** Explicit server id, else the API id in the URL; throws a message that says how to fix it. */
export function resolveServerId(url: URL | string, explicit?: string): string {
  const id = explicit ?? apiIdFromExecuteApiUrl(url);
  if (!id) {
    throw new Error(
      `cannot tell which mcp-warden server ${String(url)} is: pass { serverId: '<REST API id>' } to the transport (the McpServer's api.restApiId), or { callerProof: false } for an API that is not an mcp-warden server`,
    );
  }
  return id;
}
