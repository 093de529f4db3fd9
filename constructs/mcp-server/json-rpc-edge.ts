/**
 * The API Gateway edge of an MCP server speaks JSON-RPC too. API Gateway answers some requests
 * itself, before the Lambda's checks run (a bad signature, a resource-policy denial, a throttled
 * or oversized request, a body the request model refuses, a method with no route); its own
 * pages ("Missing Authentication Token", `{"message": ...}`) are not JSON-RPC, so an MCP client
 * could not parse them. Here every such answer becomes a JSON-RPC error object with `id: null`
 * (the request was not read), content type application/json and a message that says what to
 * fix without naming internals; and every method of the MCP path other than POST gets a 405
 * with `Allow: POST` from a MOCK integration, so no Lambda runs for it.
 */
import * as apigw from 'aws-cdk-lib/aws-apigateway';

/** JSON-RPC codes as the Lambda runtime uses them (lib/runtime/json-rpc-errors.ts). */
const INVALID_REQUEST = -32600;
const INTERNAL_ERROR = -32603;
/** Implementation-defined server error, the code of the runtime's transport refusals (405, 413, 415...). */
const SERVER_ERROR = -32000;

export interface EdgeResponse {
  readonly type: apigw.ResponseType;
  /** HTTP status; unset keeps the one API Gateway chose (the DEFAULT_* catch-alls). */
  readonly status?: number;
  readonly code: number;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What API Gateway answers instead of its own error pages. DEFAULT_4XX and DEFAULT_5XX cover
 * every type not listed (API keys, authorizers, WAF and quotas are not used by warden APIs).
 */
export const EDGE_RESPONSES: readonly EdgeResponse[] = [
  {
    type: apigw.ResponseType.BAD_REQUEST_BODY,
    status: 400,
    code: INVALID_REQUEST,
    message: 'Invalid Request: the body must be one JSON-RPC 2.0 message, a JSON object with "jsonrpc": "2.0"',
  },
  { type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, status: 400, code: INVALID_REQUEST, message: 'Invalid Request: the request parameters are not valid' },
  // API Gateway gives this for unsigned requests and for paths that do not exist: it cannot tell them apart
  {
    type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: 403,
    code: SERVER_ERROR,
    message: 'Forbidden: sign the request with SigV4 (service execute-api) and send it to POST /mcp',
  },
  { type: apigw.ResponseType.INVALID_SIGNATURE, status: 403, code: SERVER_ERROR, message: 'Forbidden: the SigV4 signature does not match the request; sign it for service execute-api in this region' },
  { type: apigw.ResponseType.EXPIRED_TOKEN, status: 403, code: SERVER_ERROR, message: 'Forbidden: the credentials that signed the request have expired; refresh them and retry' },
  {
    type: apigw.ResponseType.ACCESS_DENIED,
    status: 403,
    code: SERVER_ERROR,
    message: 'Forbidden: this caller may not use this MCP server; call it with the caller role of an agent granted a tool here, through the VPC endpoint',
  },
  { type: apigw.ResponseType.RESOURCE_NOT_FOUND, status: 404, code: SERVER_ERROR, message: 'Not Found: the MCP endpoint is POST /mcp' },
  { type: apigw.ResponseType.REQUEST_TOO_LARGE, status: 413, code: SERVER_ERROR, message: 'Request body too large for this MCP server' },
  { type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, code: SERVER_ERROR, message: 'Unsupported Media Type: Content-Type must be application/json' },
  // the stage throttle refills every second
  { type: apigw.ResponseType.THROTTLED, status: 429, code: SERVER_ERROR, message: 'Too Many Requests: the server is throttling calls; retry after 1 second', headers: { 'Retry-After': '1' } },
  { type: apigw.ResponseType.INTEGRATION_FAILURE, status: 502, code: INTERNAL_ERROR, message: 'Internal error: the MCP server failed to answer; retry later' },
  { type: apigw.ResponseType.INTEGRATION_TIMEOUT, status: 504, code: INTERNAL_ERROR, message: 'Internal error: the MCP server did not answer in time; retry later' },
  { type: apigw.ResponseType.DEFAULT_4XX, code: SERVER_ERROR, message: 'The request was refused by the MCP endpoint; send a SigV4-signed JSON-RPC POST to /mcp' },
  { type: apigw.ResponseType.DEFAULT_5XX, code: INTERNAL_ERROR, message: 'Internal error: the MCP endpoint failed; retry later' },
];

/** The JSON-RPC error object as text (also a valid API Gateway mapping template: no `$` or `#`). */
export function jsonRpcErrorBody(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } });
}

/** A header value as API Gateway response parameters take it: a quoted literal. */
const literal = (value: string) => `'${value}'`;

/** Makes every API Gateway-generated error of `api` a JSON-RPC error object (see the file comment). */
export function addJsonRpcGatewayResponses(api: apigw.RestApi): void {
  for (const r of EDGE_RESPONSES) {
    api.addGatewayResponse(`JsonRpc${r.type.responseType}`, {
      type: r.type,
      statusCode: r.status === undefined ? undefined : String(r.status),
      responseHeaders: Object.fromEntries(
        Object.entries({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...r.headers }).map(([name, value]) => [name, literal(value)]),
      ),
      templates: { 'application/json': jsonRpcErrorBody(r.code, r.message) },
    });
  }
}

export const METHOD_NOT_ALLOWED_MESSAGE = 'Method not allowed: this MCP endpoint accepts POST only';

/**
 * `ANY` on `resource` (API Gateway prefers the explicit `POST` for POST): a MOCK integration
 * answering 405 with `Allow: POST` and a JSON-RPC body, the same answer the Lambda would give,
 * without invoking it. Same `AWS_IAM` authorization, so only admitted callers get this far.
 */
export function addMethodNotAllowed(resource: apigw.IResource): apigw.Method {
  const headers = { Allow: 'POST', 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
  return resource.addMethod(
    'ANY',
    new apigw.MockIntegration({
      // whatever the request's content type, the one (default) integration response below applies
      requestTemplates: { 'application/json': '{"statusCode": 405}' },
      passthroughBehavior: apigw.PassthroughBehavior.WHEN_NO_MATCH,
      integrationResponses: [
        {
          statusCode: '405',
          responseParameters: Object.fromEntries(Object.entries(headers).map(([name, value]) => [`method.response.header.${name}`, literal(value)])),
          responseTemplates: { 'application/json': jsonRpcErrorBody(SERVER_ERROR, METHOD_NOT_ALLOWED_MESSAGE) },
        },
      ],
    }),
    {
      authorizationType: apigw.AuthorizationType.IAM,
      methodResponses: [{ statusCode: '405', responseParameters: Object.fromEntries(Object.keys(headers).map((name) => [`method.response.header.${name}`, true])) }],
    },
  );
}
