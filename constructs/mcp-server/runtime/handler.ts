/**
 * The server Lambda: API Gateway REST proxy event → the shared MCP handler → proxy result.
 *
 * Everything expensive (Cedar policy set, tool catalog, SDK clients) is built once per cold
 * start in `createLambdaHandler`; each invocation only adapts the event. The caller is the IAM
 * principal API Gateway verified (`requestContext.identity.userArn`), but only once the request's
 * caller proof (a presigned, server-bound sts:GetCallerIdentity; lib/caller-proof) shows the same
 * principal signed it: a direct `lambda:InvokeFunction` caller can write any event, not that proof.
 * The proof is checked first, before any other work and any AWS call; a missing or mismatched one
 * is refused (401/403) and audited as an identity forgery. The guard then maps the principal to an
 * agent or refuses with 403. Responses never carry stack traces or file paths: unexpected errors
 * become a JSON-RPC internal error naming only the request id.
 */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { STSClient } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { agentRoleNames } from '../../../lib/config/role-names';
import { injectionSettings, type Manifest } from '../../../lib/config/schema';
import { createGuard } from '../../../lib/guard/guard';
import { principalResolver } from '../../../lib/guard/identify';
import { jsonLinesAuditSink } from '../../../lib/guard/audit-sinks';
import { lineBuffer } from '../../../lib/guard/line-buffer';
import { emfMetricsSink } from '../../../lib/guard/metrics-emf';
import type { AuditSink, InjectionEngine, MetricsSink } from '../../../lib/guard/contract';
import type { DecisionTable } from '../../../lib/policy/decision-table';
import { createMcpHandler } from '../../../lib/runtime/mcp-handler';
import { JSON_RPC, jsonRpcError } from '../../../lib/runtime/json-rpc-errors';
import type { HttpResponseLike } from '../../../lib/runtime/http-types';
import { jsonLogger, leastClearedLogger, type ToolLogger } from '../../../lib/runtime/tool-logger';
import { DynamoAgentStatusStore } from './agent-status-store';
import { DataRoleCredentials } from './data-role-credentials';
import { DynamoDatasetFactory, type CredentialsProvider } from './dynamo-dataset-factory';
import { CallerProofVerifier, type ProofVerdict } from './caller-proof-verifier';
import { DynamoRateLimiter } from './rate-limiter';
import { httpsStsFetch, type StsFetch } from './sts-https';
import { RUNTIME_ENV } from './runtime-env';
import { createApprovalGate, type ApprovalGate } from '../../../lib/approvals';
import { documentCalls, type DocumentClientLike } from './document-calls';
import { dynamoJsonClient } from './dynamodb-json-client';
import { lazyApprovalAdapters } from './lazy-approvals';
import { httpsAssumeRole, type AssumeRoleApi } from './sts-assume-role';
import { datasetTableName } from './dataset-table-name';
import { ServerKeys } from './server-keys';

export interface LambdaHandlerOptions {
  /** The validated manifest, inlined into the bundle at synth. */
  readonly manifest: Manifest;
  /** The manifest server this function serves. */
  readonly server: string;
  /** The server's tool module export (`defineTools(...)`). */
  readonly tools: unknown;
  readonly extraPolicies?: readonly string[];
  /** Cedar's decisions for this server, computed at synth (inlined by the entry). @default - Cedar evaluates */
  readonly decisions?: DecisionTable;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * AWS clients and sinks; tests inject them. @default - the function's own DynamoDB JSON and
   * STS AssumeRole clients (node:https, SigV4) in the Lambda's region, SDK clients loaded on first
   * use for the rest, stdout sinks
   */
  readonly clients?: {
    /** Kill switch, rate limit (and, when an SDK document client, approvals). */
    readonly dynamodb?: DocumentClientLike;
    /** AssumeRole of the agents' data roles. */
    readonly sts?: AssumeRoleApi | Pick<STSClient, 'send'>;
    /** For `guard.injection.engine: bedrock-guardrails`. @default - a client in the Lambda's region */
    readonly bedrock?: BedrockRuntimeClient;
    readonly documentClient?: (credentials: CredentialsProvider) => DocumentClientLike;
    /** Sends caller proofs to STS. @default - node:https to the regional STS host (or AWS_ENDPOINT_URL_STS) */
    readonly stsFetch?: StsFetch;
    /** Approval notices. @default - a client in the Lambda's region, when a tool needs approval */
    readonly sns?: SNSClient;
    /** Derives the server's shared secrets from its HMAC key (kms:GenerateMac). @default - a client in the Lambda's region */
    readonly kms?: Pick<KMSClient, 'send'>;
  };
  readonly audit?: AuditSink;
  readonly metrics?: MetricsSink;
  readonly logger?: ToolLogger;
  /** @default Date.now */
  readonly now?: () => number;
}

export type LambdaHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export function createLambdaHandler(options: LambdaHandlerOptions): LambdaHandler {
  const env = options.env ?? process.env;
  const { manifest, server } = options;
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is not set; deploy this function with the McpServer construct`);
    return value;
  };
  if (env[RUNTIME_ENV.server] !== undefined && env[RUNTIME_ENV.server] !== server) {
    throw new Error(`this bundle serves "${server}" but ${RUNTIME_ENV.server} says "${env[RUNTIME_ENV.server]}"; redeploy the stack`);
  }
  const stdout = (line: string) => void process.stdout.write(line);
  // audit and EMF lines are written in one call when the invocation's answer is ready
  const records = lineBuffer(stdout);
  const rawLogger = options.logger ?? jsonLogger({ write: stdout });
  // the handler's own lines are redacted like the runtime's (createMcpHandler wraps its copy)
  const logger = leastClearedLogger(rawLogger, manifest);
  const roleArnPrefix = required(RUNTIME_ENV.dataRoleArnPrefix);
  const accountId = accountOfRoleArnPrefix(roleArnPrefix);
  const proofs = new CallerProofVerifier({
    serverId: required(RUNTIME_ENV.serverId),
    region: required('AWS_REGION'),
    fetch: options.clients?.stsFetch ?? httpsStsFetch(env),
    now: options.now,
  });
  // not the AWS SDK: loading its DynamoDB and STS clients was ~80 ms of every cold start
  const dynamodb = options.clients?.dynamodb ?? dynamoJsonClient({ env });
  const sts = options.clients?.sts ?? httpsAssumeRole({ env });
  // A role named like an agent's caller role in another account is not that agent. The API's
  // resource policy already admits only this account's roles; pinning the account here keeps
  // identity sound even if that policy is loosened (e.g. `additionalApiEndpoints`, a hand edit).
  const resolvePrincipal = principalResolver(manifest, { accountId });

  const approvals = approvalGateOf(manifest, server, env, options.clients?.dynamodb, options.clients?.sns, logger);
  // the kill switch's containment drops the agent's cached sessions and clients (set once both exist)
  let forgetAgent: (agent: string) => void = () => undefined;
  const guard = createGuard({
    manifest,
    extraPolicies: options.extraPolicies,
    decisions: options.decisions,
    resolvePrincipal,
    onContained: (agent) => forgetAgent(agent),
    adapters: {
      injectionEngine: injectionEngineOf(manifest, options.clients?.bedrock),
      status: new DynamoAgentStatusStore({ client: documentCalls(dynamodb), tableName: required(RUNTIME_ENV.agentStatusTable) }),
      rateLimiter: new DynamoRateLimiter({ client: documentCalls(dynamodb), tableName: required(RUNTIME_ENV.rateLimitTable) }),
      audit: options.audit ?? jsonLinesAuditSink(records.write),
      metrics: options.metrics ?? emfMetricsSink(records.write),
      now: options.now,
      ...(approvals ? { approvals } : {}),
    },
  });
  const credentials = new DataRoleCredentials({
    sts,
    server,
    roleArnOf: (agent) => `${roleArnPrefix}${agentRoleNames(manifest.project, manifest.environment, agent).data}`,
    now: options.now,
  });
  const serverSpec = manifest.servers.find((s) => s.name === server);
  // the datasets of its tools and of its resources (a resource may read a dataset no tool uses)
  const usedDatasets = new Set([...(serverSpec?.tools ?? []), ...(serverSpec?.resources ?? [])].map((t) => t.dataset));
  const tables = Object.fromEntries(manifest.datasets.filter((d) => usedDatasets.has(d.name)).map((d) => [d.name, datasetTableName(manifest, d)]));
  // every instance of this server derives the same requestState key; other servers cannot (KMS key policy and function policy)
  const serverKeys = new ServerKeys({ client: options.clients?.kms, keyId: required(RUNTIME_ENV.serverKey) });
  const datasets = new DynamoDatasetFactory({
    manifest, server, tables, credentials,
    // a dataset's client drops undefined attributes of an item (as the SDK document client was configured to)
    documentClient: options.clients?.documentClient ?? ((session) => dynamoJsonClient({ env, credentials: session, marshallOptions: { removeUndefinedValues: true } })),
  });
  forgetAgent = (agent) => datasets.forget(agent);
  if (!serverSpec) throw new Error(`server "${server}" is not in the bundled manifest; redeploy the stack`);
  const mcp = createMcpHandler({
    // this function holds only its own server's tool code
    manifest: { ...manifest, servers: [serverSpec] },
    guard,
    tools: { [server]: options.tools },
    datasets: ({ agent, tool }) => datasets.forTool(agent.name, tool),
    logger: rawLogger,
    // leave API Gateway's 29 s integration timeout room for redaction and audit
    deadlineMs: 25_000,
    requestStateKey: () => serverKeys.derive('request-state'),
  });

  const serve = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    // fields API Gateway types as strings can be null or absent (test consoles, other integrations)
    const requestId = text(event.requestContext?.requestId) ?? 'unknown';
    try {
      const headers = headersOf(event);
      const sourceIp = text(event.requestContext?.identity?.sourceIp);
      // first: who signed this? (before any other work, before any data role is assumed)
      const claimed = text(event.requestContext?.identity?.userArn);
      const proven = await proofs.verify(headers, claimed);
      if (!proven.ok) {
        const agent = claimed === undefined ? undefined : resolvePrincipal(claimed);
        guard.auditRefusal({ requestId, method: '-', sourceIp, userAgent: single(headers['user-agent']), traceparent: single(headers.traceparent), claimedPrincipal: claimed }, unprovenReason(proven, claimed), agent);
        return toProxyResult(unprovenResponse(proven));
      }
      const refused = refusedEvent(event, manifest.guard.maxBodyBytes);
      if (refused) {
        // refused before the caller is identified: audited with what is known of it
        guard.auditRefusal(
          { requestId, method: '-', sourceIp, userAgent: text(event.requestContext?.identity?.userAgent), claimedPrincipal: claimed },
          `http ${refused.status}`,
        );
        return toProxyResult(refused);
      }
      const body = event.body == null ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
      const response = await mcp.handle({
        server,
        caller: { principalArn: proven.principalArn },
        request: { method: String(event.httpMethod ?? ''), headers, body, url: 'https://lambda.internal/mcp' },
        requestId,
        sourceIp,
      });
      return toProxyResult(response);
    } catch (err) {
      logger.error('unhandled error', { requestId, error: err });
      return toProxyResult(jsonRpcError(500, JSON_RPC.INTERNAL_ERROR, `Internal error (request id ${requestId})`));
    }
  };
  return async (event) => {
    try {
      return await serve(event);
    } finally {
      // before Lambda freezes the process: this invocation's audit and metric lines, in one write
      records.flush();
    }
  };
}

/**
 * The account of `arn:PARTITION:iam::ACCOUNT:role/`, the prefix the construct sets from the
 * stack's own account at deploy: the account this function (and its agents' roles) live in.
 */
export function accountOfRoleArnPrefix(prefix: string): string {
  const account = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/$/.exec(prefix)?.[1];
  if (!account) {
    throw new Error(`environment variable ${RUNTIME_ENV.dataRoleArnPrefix} must be "arn:PARTITION:iam::ACCOUNT:role/" (got "${prefix.slice(0, 100)}"); deploy this function with the McpServer construct`);
  }
  return account;
}

const MCP_RESOURCE = '/mcp';
/** As the dev server (Node's maxHeaderSize): headers at or above this are 431. */
const MAX_HEADER_BYTES = 16_384;
/** Standard base64 (what API Gateway sends for binary media types), padded. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * What the event itself gets wrong, before the shared handler: a resource other than /mcp (the
 * API routes only POST /mcp here; a hand-made or re-routed event may not), a body whose base64
 * is invalid (Buffer.from would silently drop the bad characters and decode the rest), or a
 * base64 body whose decoded size is already over the limit (refused without decoding it).
 */
export function refusedEvent(event: APIGatewayProxyEvent, maxBodyBytes: number): HttpResponseLike | undefined {
  const route = event.resource ?? event.path;
  if (typeof route === 'string' && route !== MCP_RESOURCE) {
    return jsonRpcError(404, JSON_RPC.SERVER_ERROR, `Not found: the MCP endpoint is POST ${MCP_RESOURCE}`);
  }
  if (headerBytes(event) >= MAX_HEADER_BYTES) {
    // API Gateway caps headers lower (10 KB) before the function runs; this keeps the contract for any other caller
    return jsonRpcError(431, JSON_RPC.SERVER_ERROR, `Request headers too large: the limit is ${MAX_HEADER_BYTES} bytes`);
  }
  if (event.isBase64Encoded && typeof event.body === 'string') {
    const decodedBytes = Math.floor((event.body.length * 3) / 4) - (event.body.endsWith('==') ? 2 : event.body.endsWith('=') ? 1 : 0);
    if (decodedBytes >= maxBodyBytes) {
      return jsonRpcError(413, JSON_RPC.SERVER_ERROR, `Request body too large: it must be smaller than ${maxBodyBytes} bytes (guard.maxBodyBytes in the manifest)`);
    }
    if (!BASE64.test(event.body)) return jsonRpcError(400, JSON_RPC.PARSE_ERROR, 'Parse error: the body is marked base64-encoded but is not valid base64');
  }
  return undefined;
}

/** Size of the headers as sent (REST events carry them twice, in `headers` and `multiValueHeaders`: the larger view counts). */
function headerBytes(event: APIGatewayProxyEvent): number {
  let multi = 0;
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    for (const value of values ?? []) multi += name.length + String(value).length + 4;
  }
  let single = 0;
  for (const [name, value] of Object.entries(event.headers ?? {})) single += name.length + String(value ?? '').length + 4;
  return Math.max(multi, single);
}

/**
 * Headers from `headers`, completed by `multiValueHeaders` (REST proxy events carry both; a
 * repeated header is only complete in the latter, and hand-made events may carry only one).
 */
export function headersOf(event: APIGatewayProxyEvent): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (Array.isArray(values) && values.length > 0) out[name.toLowerCase()] = values.map(String);
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && value !== null && !(name.toLowerCase() in out)) out[name.toLowerCase()] = String(value);
  }
  return out;
}

/** The audit reason of a request without a valid proof; "identity forgery" makes it one (guard outcome, IdentityForgery metric). */
function unprovenReason(verdict: Extract<ProofVerdict, { ok: false }>, claimed: string | undefined): string {
  const claim = claimed === undefined ? 'no caller' : JSON.stringify(claimed.length > 200 ? `${claimed.slice(0, 200)}…` : claimed);
  return verdict.forgery ? `identity forgery: ${verdict.reason} (the event claims ${claim})` : `caller proof unverifiable: ${verdict.reason}`;
}

function unprovenResponse(verdict: Extract<ProofVerdict, { ok: false }>): HttpResponseLike {
  if (verdict.status === 401) {
    return jsonRpcError(401, JSON_RPC.SERVER_ERROR, 'Unauthorized: requests need a caller proof (connect with the mcp-warden/client transport)');
  }
  if (verdict.status === 403) return jsonRpcError(403, JSON_RPC.SERVER_ERROR, 'Forbidden: the caller proof does not prove the calling principal');
  return jsonRpcError(503, JSON_RPC.SERVER_ERROR, 'Service unavailable: the caller proof could not be verified now; retry', null, { 'retry-after': '1' });
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A non-empty string, else undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function toProxyResult(response: HttpResponseLike): APIGatewayProxyResult {
  return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
}

/** The second screening engine the manifest names (`guard.injection.engine`), if any. */
function injectionEngineOf(manifest: Manifest, client: BedrockRuntimeClient | undefined): InjectionEngine | undefined {
  const settings = injectionSettings(manifest.guard);
  if (settings.engine !== 'bedrock-guardrails' || !settings.bedrock) return undefined;
  // loaded only when the manifest uses it: the Bedrock client is not free to load on a cold start
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { BedrockGuardrailScreen } = require('./bedrock-guardrail-screen') as typeof import('./bedrock-guardrail-screen');
  const bedrock = client ?? new (require('@aws-sdk/client-bedrock-runtime') as typeof import('@aws-sdk/client-bedrock-runtime')).BedrockRuntimeClient({});
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new BedrockGuardrailScreen({ client: bedrock, guardrailId: settings.bedrock.guardrailId, guardrailVersion: settings.bedrock.guardrailVersion });
}

/**
 * The approval gate when a tool of this server needs human approval (lib/approvals): the table
 * and topic the McpServer construct names. Missing either, the function does not start: a tool
 * that needs approval must never run without one.
 */
function approvalGateOf(manifest: Manifest, server: string, env: NodeJS.ProcessEnv, dynamodb: DocumentClientLike | undefined, sns: SNSClient | undefined, logger: ToolLogger): ApprovalGate | undefined {
  const needed = manifest.servers.find((s) => s.name === server)?.tools.some((t) => t.approval !== undefined);
  if (!needed) return undefined;
  const tableName = env[RUNTIME_ENV.approvalsTable];
  const topicArn = env[RUNTIME_ENV.approvalsTopic];
  if (!tableName || !topicArn) throw new Error(`a tool of server "${server}" needs approval but ${RUNTIME_ENV.approvalsTable} or ${RUNTIME_ENV.approvalsTopic} is not set; deploy this function with the warden stacks (ApprovalsTable)`);
  // the approvals store and notifier run on the AWS SDK: loaded when a call is first held, not at every cold start
  const { store, notifier } = lazyApprovalAdapters(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { DynamoApprovalsStore, SnsApprovalNotifier } = require('../../approvals/runtime') as typeof import('../../approvals/runtime');
    const sdkClient = dynamodb !== undefined && !('call' in dynamodb) ? dynamodb : undefined;
    const client = sdkClient ?? (require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb')).DynamoDBDocumentClient.from(
      new (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb')).DynamoDBClient({}),
    );
    const snsClient = sns ?? new (require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns')).SNSClient({});
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { store: new DynamoApprovalsStore({ client, tableName }), notifier: new SnsApprovalNotifier({ client: snsClient, topicArn }) };
  });
  return createApprovalGate({
    manifest,
    store,
    notifier,
    onNotifyError: (err, approvalId) => logger.error('approval notice not sent', { approvalId, error: err }),
  });
}
