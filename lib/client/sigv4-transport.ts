/**
 * The MCP Streamable HTTP client transport, signing each request with SigV4. An agent built on
 * the MCP SDK connects to its mcp-warden server with:
 *
 *   const transport = new SigV4StreamableHTTPClientTransport(new URL(apiUrl), { region });
 *   const client = new Client({ name: 'inventory-agent', version: '1.0.0' });
 *   await client.connect(transport);
 */
import {
  StreamableHTTPClientTransport,
  type StreamableHTTPClientTransportOptions,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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
