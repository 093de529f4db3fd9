/**
 * API Gateway REST proxy events for the server Lambda's tests, built as the private API hands
 * them over: POST /mcp, JSON content negotiation, the caller's assumed-role ARN in
 * `requestContext.identity` and a fresh request id each time.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { defineTools, type ToolSet } from '../../../../lib/runtime';
import shopTools from '../../../../examples/shop/tools';

export interface ProxyEventOptions {
  /** The JSON-RPC body: serialised unless already a string; `null` for a request with none. */
  readonly body: unknown;
  /** `requestContext.identity.userArn`: what API Gateway reports (null for an unsigned caller). */
  readonly caller: string | null;
  /** Extra headers, after the defaults (a caller proof, protocol and routing headers). */
  readonly headers?: Record<string, string>;
  /**
   * Send `headers` alone, in the client's spelling (API Gateway keeps the case), also copied
   * into `multiValueHeaders` as the REST API does. @default false: lower-case defaults first
   */
  readonly asSent?: boolean;
  readonly httpMethod?: string;
  readonly base64?: boolean;
  readonly userAgent?: string;
}

let requests = 0;

export function proxyEvent(options: ProxyEventOptions): APIGatewayProxyEvent {
  const text = options.body === null ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers = options.asSent ? { ...options.headers } : { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...options.headers };
  return {
    httpMethod: options.httpMethod ?? 'POST',
    path: '/mcp',
    resource: '/mcp',
    headers,
    multiValueHeaders: options.asSent ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) : {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: options.base64 && text !== null ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: options.base64 ?? false,
    requestContext: {
      requestId: `req-${++requests}`,
      identity: { userArn: options.caller, sourceIp: '10.0.1.20', ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}) },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** The example shop's tools, resources and prompts with `get_customer` replaced by `tool`. */
export function shopToolsWithCustomer(tool: Parameters<typeof defineTools>[0][number]): ToolSet {
  return defineTools([
    ...[...shopTools.tools.values()].filter((t) => t.name !== 'get_customer'),
    ...(shopTools.resources?.values() ?? []),
    ...(shopTools.prompts?.values() ?? []),
    tool,
  ]);
}
