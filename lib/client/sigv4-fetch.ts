/**
 * A `fetch` that signs every request with AWS Signature Version 4, so an MCP client can call
 * an API Gateway API protected by `AWS_IAM` auth. The body is hashed into the signature: a
 * request altered in transit is refused by API Gateway.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FetchLike } from '@modelcontextprotocol/client';
import { CallerProofSigner, resolveServerId } from './caller-proof';
import { resolveRegion } from './execute-api-region';

/** Static credentials or a provider (called per request; providers cache and refresh themselves). */
export type SigV4Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface SigV4FetchOptions {
  /** Region of the API. @default - read from the execute-api host name, else AWS_REGION */
  readonly region?: string;
  /**
   * Credentials to sign with.
   * @default - the standard Node.js credential chain (environment, SSO, shared profile, web identity, ECS/EC2 role)
   */
  readonly credentials?: SigV4Credentials;
  /** Signing name of the service. @default 'execute-api' */
  readonly service?: string;
  /** The fetch that sends the signed request. @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /**
   * Send a caller proof with each request (a presigned, server-bound `sts:GetCallerIdentity`;
   * docs/isolation.md): mcp-warden servers refuse requests without one. Turn off only for APIs
   * that are not mcp-warden servers.
   * @default true
   */
  readonly callerProof?: boolean;
  /**
   * The server id the proof is bound to: the REST API id of the mcp-warden server.
   * @default - read from the execute-api host name of each request's URL
   */
  readonly serverId?: string;
  /** Validity of a caller proof, in seconds (it is reused until a minute before). @default 300 */
  readonly proofExpiresInSeconds?: number;
}

/** Headers that proxies and fetch itself may rewrite; signing them would break the signature. */
const UNSIGNABLE = new Set(['host', 'connection', 'content-length', 'user-agent', 'accept-encoding', 'expect', 'x-amzn-trace-id']);

export function createSigV4Fetch(options: SigV4FetchOptions = {}): FetchLike {
  // one provider for both signatures: the proof must name the principal that signs the request
  const credentials = options.credentials ?? fromNodeProviderChain();
  const signer = new SignatureV4({
    service: options.service ?? 'execute-api',
    // per-request region below; this one is only the fallback the signer requires
    region: options.region ?? 'us-east-1',
    credentials,
    sha256: Sha256,
  });
  const provers = new Map<string, CallerProofSigner>();
  const proofHeaders = async (url: URL, region: string): Promise<Record<string, string>> => {
    if (options.callerProof === false) return {};
    let prover = provers.get(region);
    if (!prover) provers.set(region, (prover = new CallerProofSigner({ region, credentials, expiresInSeconds: options.proofExpiresInSeconds })));
    return prover.headersFor(resolveServerId(url, options.serverId));
  };
  const send = options.fetch ?? ((url, init) => fetch(url, init));

  return async (input, init = {}) => {
    const url = typeof input === 'string' ? new URL(input) : input;
    const method = (init.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      if (!UNSIGNABLE.has(name)) headers[name] = value;
    });
    const signingRegion = resolveRegion(url, options.region);
    // signed with the request: API Gateway refuses it if a proof header is swapped in transit
    Object.assign(headers, await proofHeaders(url, signingRegion));
    headers.host = url.host;

    const query: Record<string, string | string[]> = {};
    url.searchParams.forEach((value, key) => {
      const seen = query[key];
      query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    });

    const signed = await signer.sign(
      new HttpRequest({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query,
        headers,
        body: signableBody(init.body),
      }),
      { signingRegion },
    );

    // fetch derives Host from the URL (identical to the signed value) and refuses to be told it
    const { host: _host, ...sendHeaders } = signed.headers;
    return send(url, { ...init, method, headers: sendHeaders });
  };
}

function signableBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  // streams and forms can't be hashed without consuming them; MCP only ever sends JSON text
  throw new Error('SigV4 signing needs the request body as a string or Uint8Array');
}
