/**
 * The MCP Streamable HTTP client transport (SDK v2, `@modelcontextprotocol/client`), signing
 * each request with SigV4. An agent connects to its mcp-warden server with:
 *
 *   const transport = new SigV4StreamableHTTPClientTransport(new URL(apiUrl), { region });
 *   const client = new Client({ name: 'inventory-agent', version: '1.0.0' });
 *   await client.connect(transport);
 *
 * The client negotiates per its options: 2026-07-28 (stateless, `server/discover`, the
 * `Mcp-Method`/`Mcp-Name` headers are signed like any other) or 2025-11-25 (`initialize`).
 */
import { StreamableHTTPClientTransport, type StreamableHTTPClientTransportOptions } from '@modelcontextprotocol/client';
import { resolveServerId } from './caller-proof';
import { resolveRegion } from './execute-api-region';
import { createSigV4Fetch, type SigV4FetchOptions } from './sigv4-fetch';

/** The SDK's options, minus OAuth: IAM is the authentication here, a bearer token would replace the signature. */
export type SigV4StreamableHTTPClientTransportOptions = Omit<StreamableHTTPClientTransportOptions, 'authProvider' | 'fetch'> &
  SigV4FetchOptions;

export class SigV4StreamableHTTPClientTransport extends StreamableHTTPClientTransport {
  /** The region requests are signed for. */
  public readonly region: string;

  constructor(url: URL, options: SigV4StreamableHTTPClientTransportOptions = {}) {
    const { region, credentials, service, fetch, callerProof, serverId, proofExpiresInSeconds, ...transportOptions } = options;
    // resolved now so a missing region or server id fails at construction, not on the first call
    const resolved = resolveRegion(url, region);
    const server = callerProof === false ? serverId : resolveServerId(url, serverId);
    super(url, { ...transportOptions, fetch: createSigV4Fetch({ region: resolved, credentials, service, fetch, callerProof, serverId: server, proofExpiresInSeconds }) });
    this.region = resolved;
  }
}
