/**
 * The MCP request handler shared by the Lambda and the dev server. Transport-neutral: it
 * takes an HTTP-shaped request and an already-authenticated caller, and returns an
 * HTTP-shaped response. Everything with an effect (guard adapters, datasets, logging) is
 * injected.
 *
 * Per request: pre-checks (request-checks.ts) → identify → kill switch → a fresh, stateless
 * MCP SDK server whose `tools/list` shows only the agent's tools and whose `tools/call`
 * goes through `guard.callTool`. Sharing one server across agents would risk leaking one
 * agent's view into another's request. The common tools/call and tools/list are answered
 * without that server, with the same bytes, by the SDK's own wire codec (direct-dispatch.ts);
 * a per-request server and transport cost more than the runtime's own checks.
 *
 * The low-level SDK `Server` is used rather than `McpServer` on purpose: McpServer validates
 * arguments and answers "tool not found" itself, before the guard could authorize and audit
 * the call. Here the guard decides first, then validates (see the contract).
 */
import { randomUUID } from 'node:crypto';
import { createMcpHandler as createSdkHandler, Server, type CallToolResult } from '@modelcontextprotocol/server';
import { JsonExchangeTransport } from './json-exchange-transport';
import { directRequest, resultResponse, sdkCodec, withContent, type DirectRequest, type SdkCodec } from './direct-dispatch';
import type { AgentSpec, DatasetSpec, Manifest, ServerSpec, ToolSpec } from '../config/schema';
import type { CallerInfo, Guard, RequestInfo, ToolCallResult } from '../guard/contract';
import { RETRY_AFTER_META } from '../guard/guard';
import { readOnlyDataset, DatasetAccessError, DatasetConflictError, type DatasetClient } from './dataset-client';
import { ToolError, type ToolContext } from './define-tools';
import { DEFAULT_READ_UNITS_PER_CALL, ReadBudget, ReadBudgetExceeded } from './read-budget';
import { headerOf, type HttpRequestLike, type HttpResponseLike } from './http-types';
import { JSON_RPC, jsonRpcError, PROTOCOL_DATA_CODES } from './json-rpc-errors';
import { checkHttp, checkProtocolVersionHeader, MODERN_PROTOCOL_VERSION, parseMessage } from './request-checks';
import { buildCatalog, describeInvalidArguments, type CatalogServer, type CatalogTool } from './tool-catalog';
import { jsonLogger, leastClearedLogger, type ToolLogger } from './tool-logger';
import { redact, redactEcho, redactionPolicy } from '../guard/redact';
import { toolErrorResult, toToolResult } from './tool-result';
import type { FeatureContext, ResourceContext } from './define-resources';
import { registerFeatureHandlers } from './feature-handlers';
import { FIRST_ROUND, type InputRound } from './input-required';
import { requestStateSeal, type RequestStateKey } from './request-state';
import { isInputRequiredResult } from '../guard/input-request-shape';
import { approvalFromMeta, approvalFromState, approvalRound, heldApprovalOf } from './approval-round';

/** What the dataset factory is asked for: one tool's dataset, on behalf of one agent. */
export interface DatasetRequest {
  readonly agent: AgentSpec;
  readonly server: ServerSpec;
  readonly tool: ToolSpec;
  readonly dataset: DatasetSpec;
}

/**
 * Gives a tool its dataset. Lambda: a DynamoDB client under the agent's data role. Dev: the
 * in-memory dataset. The handler wraps the result read-only when the tool's access is `read`.
 */
export type DatasetFactory = (request: DatasetRequest) => DatasetClient | Promise<DatasetClient>;

export interface McpHandlerOptions {
  readonly manifest: Manifest;
  readonly guard: Guard;
  /** Each server's tool module export (`defineTools(...)`), by server name. */
  readonly tools: Readonly<Record<string, unknown>>;
  readonly datasets: DatasetFactory;
  /** How to name the manifest in start-up errors. @default 'the manifest' */
  readonly manifestFile?: string;
  /**
   * Time a request may take, tool included, in ms. A tool still running then gets its
   * `ctx.signal` aborted and the agent an error. @default 25000 (under API Gateway's 29 s)
   */
  readonly deadlineMs?: number;
  /** Reads one tool call may cause, in DynamoDB read units. @default - the manifest's `guard.readUnitsPerCall` (256) */
  readonly readUnitsPerCall?: number;
  /** Tool and runtime logs. @default JSON lines on stderr */
  readonly logger?: ToolLogger;
  /**
   * HMAC key (32 bytes or more) that seals the `requestState` of input_required rounds, or a
   * function giving it on first use; every instance that may receive a retried round must share
   * it (Lambda: derived from the server's KMS HMAC key, constructs/mcp-server/runtime/server-keys.ts).
   * @default - random per process: a round must come back to the same dev server or Lambda instance
   */
  readonly requestStateKey?: RequestStateKey;
  /** Reported as serverInfo.version. @default '0.1.0' */
  readonly version?: string;
  /**
   * Answer tools/call and tools/list without a per-request SDK `Server` (direct-dispatch.ts),
   * with the same bytes. `false` sends every method through the SDK (the differential tests
   * compare the two). @default true
   */
  readonly directDispatch?: boolean;
}

export interface McpCall {
  /** Which manifest server the request is for. */
  readonly server: string;
  readonly caller: CallerInfo;
  readonly request: HttpRequestLike;
  /** @default - a random UUID (Lambda: the API Gateway request id) */
  readonly requestId?: string;
  readonly sourceIp?: string;
}

export interface McpHandler {
  /** Names of the servers this handler serves, in manifest order. */
  readonly servers: readonly string[];
  handle(call: McpCall): Promise<HttpResponseLike>;
}

const DEFAULT_DEADLINE_MS = 25_000;
/** How long a client may keep a list (2026-07-28 `ttlMs`) when the manifest sets none. */
export const DEFAULT_LIST_TTL_MS = 60_000;
/** Methods that run through `guard.callTool` (rate-counted and audited there). */
const GUARDED_CALLS: ReadonlySet<string> = new Set(['tools/call', 'resources/read', 'prompts/get', 'completion/complete']);
/** Request headers the SDK reads to pick the revision and check the routing (`Mcp-Method` must match the body). */
const FORWARDED_HEADERS = ['mcp-protocol-version', 'mcp-method', 'mcp-name'] as const;
/** After the tool deadline, how long the guard may take to redact and audit before the request is abandoned. */
const FINISH_GRACE_MS = 2_000;

/** @throws ToolBindingError when tool code and the manifest disagree (the runtime must not start). */
export function createMcpHandler(options: McpHandlerOptions): McpHandler {
  const catalog = buildCatalog(options.manifest, options.tools, options.manifestFile);
  const datasets = new Map(options.manifest.datasets.map((d) => [d.name, d]));
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  // every log line (tool code's and the runtime's own) is redacted as for the least-cleared
  // reader: logs are read by operators, not the agent, and errors carry whatever failed
  const logger = leastClearedLogger(options.logger ?? jsonLogger(), options.manifest);
  // a refusal made before the guard ran may quote the request (a method name): what it sends
  // back is redacted as for the least-cleared reader, like the guard's own refusals
  const redaction = redactionPolicy(options.manifest);
  const leastCleared = options.manifest.dataClasses[0]!;
  const redactedRefusal = (response: HttpResponseLike): HttpResponseLike => ({ ...response, body: redactErrorBody(response.body) });
  /** An error body: its message read as names too (a glued `x-4111…` header value), then the whole body. */
  const redactErrorBody = (body: string): string => {
    let text = body;
    try {
      const parsed = JSON.parse(body) as { error?: { message?: unknown } };
      if (typeof parsed?.error?.message === 'string') {
        const message = redactEcho(parsed.error.message, leastCleared, redaction).text;
        if (message !== parsed.error.message) text = JSON.stringify({ ...parsed, error: { ...parsed.error, message } });
      }
    } catch {
      // not JSON: the text redaction below still reads it
    }
    return redact(text, leastCleared, redaction).text;
  };
  const maxBodyBytes = options.manifest.guard.maxBodyBytes;
  const readUnitsPerCall = options.readUnitsPerCall ?? options.manifest.guard.readUnitsPerCall ?? DEFAULT_READ_UNITS_PER_CALL;
  const { guard } = options;
  const direct = options.directDispatch ?? true;
  const serverInfoOf = (server: CatalogServer) => ({ name: `${options.manifest.project}-${server.spec.name}`, version: options.version ?? '0.1.0' });
  /** The SDK's wire codecs per server and revision, made on first use (direct-dispatch.ts). */
  const codecs = new Map<string, { readonly legacy: SdkCodec; readonly modern: SdkCodec }>();
  const codecsOf = (server: CatalogServer) => {
    let pair = codecs.get(server.spec.name);
    if (!pair) {
      pair = { legacy: sdkCodec(serverInfoOf(server), 'legacy'), modern: sdkCodec(serverInfoOf(server), MODERN_PROTOCOL_VERSION) };
      codecs.set(server.spec.name, pair);
    }
    return pair;
  };

  async function handle(call: McpCall): Promise<HttpResponseLike> {
    const requestId = call.requestId ?? randomUUID();
    const info = (method: string): RequestInfo => ({
      requestId,
      method,
      traceparent: headerOf(call.request.headers, 'traceparent'),
      sourceIp: call.sourceIp,
      userAgent: headerOf(call.request.headers, 'user-agent'),
      claimedPrincipal: call.caller.principalArn,
    });

    const server = catalog.get(call.server);
    if (!server) {
      // the name comes from the client's URL: quoted bounded and redacted, and the refusal audited
      guard.auditRefusal(info('-'), `http 404: unknown MCP server "${call.server.slice(0, 128)}"`);
      return redactedRefusal(jsonRpcError(404, JSON_RPC.SERVER_ERROR, `Unknown MCP server "${call.server.slice(0, 128)}": this endpoint serves ${[...catalog.keys()].join(', ')}`));
    }
    const httpProblem = checkHttp(call.request, maxBodyBytes, { version: false });
    if (httpProblem) {
      guard.auditRefusal(info('-'), `http ${httpProblem.status}`);
      return redactedRefusal(httpProblem);
    }
    const parsed = parseMessage(call.request.body, headerOf(call.request.headers, 'mcp-protocol-version') === MODERN_PROTOCOL_VERSION);
    if (!parsed.ok) {
      guard.auditRefusal(info(parsed.method ?? '-'), `invalid message (http ${parsed.response.status})`);
      return redactedRefusal(parsed.response);
    }
    const versionProblem = parsed.modern ? undefined : checkProtocolVersionHeader(call.request);
    if (versionProblem) {
      guard.auditRefusal(info(parsed.method), `http ${versionProblem.status}`);
      // it quotes the header the client sent
      return redactedRefusal(versionProblem);
    }
    const requestInfo = info(parsed.method);
    const identified = guard.identify(call.caller, requestInfo);
    if (!identified) {
      return jsonRpcError(403, JSON_RPC.SERVER_ERROR, 'Forbidden: the caller is not an agent of this manifest', parsed.id ?? null);
    }
    const agent = identified.agent;
    // kill switch and rate limit for every request (tools/call, resources/read, prompts/get and
    // completion/complete are counted by the guard's callTool, which they go through)
    const admission = await guard.admitRequest(requestInfo, agent.name, { countRate: !GUARDED_CALLS.has(parsed.method) });
    if (!admission.admitted) {
      const retry: Record<string, string> = admission.retryAfterSeconds === undefined ? {} : { 'retry-after': String(admission.retryAfterSeconds) };
      return jsonRpcError(admission.status, JSON_RPC.SERVER_ERROR, admission.message, parsed.id ?? null, retry);
    }

    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('deadline')), deadlineMs);
    let abandon: NodeJS.Timeout | undefined;
    try {
      const giveUpAfterMs = deadlineMs + FINISH_GRACE_MS;
      const abandoned = new Promise<'abandoned'>((resolve) => {
        abandon = setTimeout(() => resolve('abandoned'), giveUpAfterMs);
      });
      const audit: { byTool: boolean; refusal?: string } = { byTool: false };
      const response = await Promise.race([dispatch(server, agent, call.caller, parsed.message, parsed.modern, call.request, requestInfo, deadline.signal, audit), abandoned]);
      if (response === 'abandoned') {
        // never a 504 without an audit line; the guard drops its own event if it finishes later
        guard.auditAbandoned(requestInfo, agent.name, `the request did not finish within ${giveUpAfterMs} ms`);
        return jsonRpcError(504, JSON_RPC.INTERNAL_ERROR, `The request did not finish within ${Math.round(giveUpAfterMs / 1000)} s (request id ${requestId})`, parsed.id ?? null);
      }
      // one audit event per request: tools/call is audited by the guard; everything else here
      if (!audit.byTool) {
        // a requestState refused before any handler ran (tampered, expired, foreign) is a refusal, not an answer
        if (audit.refusal !== undefined) guard.auditRefusal(requestInfo, audit.refusal, agent.name);
        else guard.auditRequest?.(requestInfo, agent.name);
      }
      return response;
    } catch (err) {
      logger.error('mcp request failed', { requestId, server: call.server, agent: agent.name, error: err });
      return jsonRpcError(500, JSON_RPC.INTERNAL_ERROR, `Internal error (request id ${requestId})`, parsed.id ?? null);
    } finally {
      clearTimeout(timer);
      if (abandon) clearTimeout(abandon);
    }
  }

  async function dispatch(
    server: CatalogServer,
    agent: AgentSpec,
    caller: CallerInfo,
    message: Record<string, unknown>,
    modern: boolean,
    request: HttpRequestLike,
    requestInfo: RequestInfo,
    deadline: AbortSignal,
    audit: { byTool: boolean; refusal?: string },
  ): Promise<HttpResponseLike> {
    const listHint = { ttlMs: server.spec.listTtlMs ?? DEFAULT_LIST_TTL_MS, cacheScope: 'private' as const };
    // requestState of input_required rounds: sealed for this agent on this server
    const seal = requestStateSeal(`${agent.name}\u0000${options.manifest.project}-${options.manifest.environment}/${server.spec.name}`, options.requestStateKey);
    /** A rate-limited tool call's wait, also sent as a `retry-after` header (the result stays a tool error, HTTP 200). */
    const retryAfter: { seconds?: number } = {};
    /** @param result a result response this runtime wrote itself: it has no error member for safeSdkBody to check */
    const answer = (status: number, text: string, contentType: string | null, result = false): HttpResponseLike => {
      const body = result ? text : safeSdkBody(text, requestInfo.requestId, logger, redactErrorBody);
      const out: Record<string, string> = { 'cache-control': 'no-store' };
      if (retryAfter.seconds !== undefined) out['retry-after'] = String(retryAfter.seconds);
      if (contentType) out['content-type'] = contentType;
      return { status, headers: out, body };
    };
    const listTools = () => ({
      tools: guard.visibleTools(agent.name, server.spec.name).flatMap((spec) => {
        const tool = server.tools.get(spec.name);
        if (!tool) return [];
        return [
          {
            name: spec.name,
            description: tool.definition.description || spec.description,
            inputSchema: tool.inputSchema,
            annotations: { readOnlyHint: spec.access === 'read', destructiveHint: false, openWorldHint: false },
          },
        ];
      }),
    });
    /** What the guard answered for a tools/call (or threw), before it is projected for the wire. */
    type CallOutcome = { readonly result: ToolCallResult } | { readonly error: unknown };
    /** One tools/call through the guard; the same for the SDK handler and the direct path. */
    const callThroughGuard = async (params: { name: string; arguments?: Record<string, unknown>; _meta?: unknown }, round: InputRound, signal: AbortSignal): Promise<ToolCallResult> => {
      const tool = server.tools.get(params.name);
      // a held call's retry (lib/approvals): its sealed state, or `_meta`, names the approval;
      // the tool never sees the approval round's state or answers
      const approvalInState = approvalFromState(round.state);
      const approvalReference = approvalInState ?? approvalFromMeta(params._meta);
      const input = approvalInState !== undefined ? FIRST_ROUND : round;
      return guard.callTool({
        inputResponses: input === FIRST_ROUND ? undefined : input.responses,
        agent,
        caller,
        server: server.spec.name,
        tool: params.name,
        args: params.arguments ?? {},
        request: requestInfo,
        validate: (args) => {
          if (!tool) return { ok: false, message: `unknown tool "${params.name}"` };
          const checked = tool.definition.input.safeParse(args);
          return checked.success ? { ok: true, value: checked.data } : { ok: false, message: describeInvalidArguments(checked.error) };
        },
        run: (args) => (tool ? runTool(server, tool, agent, args, requestInfo, signal, input) : Promise.resolve(toolErrorResult(`unknown tool "${params.name}"`))),
        ...(approvalReference !== undefined ? { approvalReference } : {}),
      });
    };
    /** A plain answer (not held, not input_required): its `retry-after`, and whether the wire can take it as it is. */
    const isPlainResult = (result: ToolCallResult): boolean => {
      if (heldApprovalOf(result) || isInputRequiredResult(result)) return false;
      const wait = (result._meta as Record<string, unknown> | undefined)?.[RETRY_AFTER_META];
      if (typeof wait === 'number') retryAfter.seconds = wait;
      return true;
    };

    let outcome: CallOutcome | undefined;
    if (direct) {
      const codecPair = codecsOf(server);
      const { codec, identity } = modern ? codecPair.modern : codecPair.legacy;
      const asked = directRequest(message, modern, request, codec);
      if (asked) {
        const encoded = await directAnswer(asked);
        if (encoded !== undefined) return answer(200, resultResponse(asked.id, encoded), 'application/json', true);
      }

      /** The encoded result, or undefined when the SDK must write this answer (`outcome` then holds the call's result). */
      async function directAnswer(asked: DirectRequest): Promise<unknown> {
        if (asked.method === 'tools/list') {
          const listed = listTools();
          // 2026-07-28: the list's cache hint, as the SDK's configured hint fills it
          return codec.encodeResult('tools/list', modern ? { ...listed, resultType: 'complete', ttlMs: listHint.ttlMs, cacheScope: listHint.cacheScope } : listed, identity);
        }
        audit.byTool = true;
        const params = asked.request.params as { name: string; arguments?: Record<string, unknown>; _meta?: unknown };
        // 2026-07-28: the round the SDK handler would see (no requestState, no inputResponses, the envelope's capabilities)
        const round = modern ? seal.round({ mcpReq: { requestState: () => undefined, envelope: asked.envelope } } as unknown as Parameters<typeof seal.round>[0], 'tool', params.name) : FIRST_ROUND;
        try {
          outcome = { result: await callThroughGuard(params, round, deadline) };
        } catch (error) {
          outcome = { error };
          return undefined;
        }
        if (!isPlainResult(outcome.result)) return undefined;
        const checked = codec.validateResult('tools/call', withContent(codec.projectCallToolResult(outcome.result as CallToolResult, undefined)));
        if (!checked.ok) return undefined;
        try {
          return codec.encodeResult('tools/call', checked.value as never, identity);
        } catch {
          return undefined;
        }
      }
    }

    const mcp = new Server(serverInfoOf(server), {
      capabilities: {
        tools: { listChanged: false },
        ...(server.resources.size > 0 ? { resources: { listChanged: false, subscribe: false } } : {}),
        ...(server.prompts.size > 0 ? { prompts: { listChanged: false } } : {}),
        ...(server.prompts.size > 0 || server.resources.size > 0 ? { completions: {} } : {}),
      },
      // 2026-07-28: lists differ per agent, so no shared cache may keep them (SEP-2549); a
      // read is redacted for its agent, so private and not kept
      requestState: {
        verify: async (state, ctx) => {
          try {
            return await seal.verify(state, ctx);
          } catch (err) {
            audit.refusal = 'requestState refused: tampered, expired or sealed for another agent or server';
            throw err;
          }
        },
      },
      // answers come back on a retried 2026-07-28 request; never pushed to a 2025 client
      inputRequired: { legacyShim: false },
      cacheHints: {
        'tools/list': listHint,
        'resources/list': listHint,
        'resources/templates/list': listHint,
        'prompts/list': listHint,
        'resources/read': { ttlMs: 0, cacheScope: 'private' },
        'server/discover': { ttlMs: 0, cacheScope: 'private' },
      },
    });
    mcp.setRequestHandler('tools/list', listTools);
    mcp.setRequestHandler('tools/call', async (req, ctx) => {
      audit.byTool = true;
      let round: InputRound;
      try {
        round = modern ? seal.round(ctx, 'tool', req.params.name) : FIRST_ROUND;
      } catch (err) {
        audit.byTool = false;
        audit.refusal = 'requestState refused: sealed for another tool or prompt';
        throw err;
      }
      let result: ToolCallResult;
      if (outcome) {
        // the direct path ran this call already: the SDK only writes the answer (the tool never runs twice)
        if ('error' in outcome) throw outcome.error;
        result = outcome.result;
      } else {
        result = await callThroughGuard(req.params, round, AbortSignal.any([deadline, ctx.mcpReq.signal]));
      }
      const held = heldApprovalOf(result);
      if (held) {
        const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
        if (modern) return (await seal.seal(approvalRound(held, text, round.clientCapabilities), ctx, 'tool', req.params.name)) as never;
        return mcp.projectCallToolResult({ content: result.content, structuredContent: result.structuredContent, _meta: result._meta } as CallToolResult, undefined);
      }
      if (isInputRequiredResult(result)) {
        // 2025-11-25 has no way to carry the answers back to a stateless server
        if (!modern) return toolErrorResult(`tool "${req.params.name}" needs input from the client (elicitation, sampling or roots), which only MCP 2026-07-28 clients can give a stateless server`) as CallToolResult;
        return (await seal.seal(result, ctx, 'tool', req.params.name)) as never;
      }
      isPlainResult(result);
      return mcp.projectCallToolResult(result as CallToolResult, undefined);
    });

    registerFeatureHandlers(mcp, {
      server,
      agent,
      caller,
      guard,
      requestInfo,
      audited: () => {
        audit.byTool = true;
      },
      modern,
      seal,
      run: (kind, name, uri, input, code) => runFeature(server, kind, name, uri, agent, requestInfo, deadline, input, code),
    });

    // 2026-07-28 (a `_meta` envelope): the SDK's entry owns discover, envelope, header
    // (-32020) and capability (-32021) checks. 2025-11-25: the server answers in memory, as the
    // SDK's stateless JSON transport would (json-exchange-transport.ts says why and what it keeps).
    const sdk = modern ? createSdkHandler(() => mcp, { legacy: 'reject', maxRequestBodySize: maxBodyBytes, onerror: () => {} }) : undefined;
    try {
      if (sdk) {
        const headers = new Headers({ accept: 'application/json, text/event-stream', 'content-type': 'application/json' });
        for (const name of FORWARDED_HEADERS) {
          const value = headerOf(request.headers, name);
          if (value !== undefined) headers.set(name, value);
        }
        // no body: the SDK reads the message from parsedBody (it was parsed once, by request-checks)
        const response = await sdk.fetch(new Request(request.url ?? 'http://localhost/mcp', { method: 'POST', headers }), { parsedBody: message });
        return answer(response.status, await response.text(), response.headers.get('content-type'));
      }
      const exchange = new JsonExchangeTransport();
      await mcp.connect(exchange);
      const exchanged = await exchange.exchange(message);
      return exchanged.kind === 'response' ? answer(200, JSON.stringify(exchanged.message), 'application/json') : answer(202, '', null);
    } finally {
      // a 2025-11-25 exchange is over once it answered (its handler has returned): closing the
      // server would only build a "Connection closed" error with its stack, per request, for
      // nothing in flight; server and exchange are garbage now
      if (sdk) {
        await sdk.close();
        await mcp.close();
      }
    }
  }

  /** Runs resource or prompt code as runTool runs a tool: its context, the deadline, safe errors. */
  async function runFeature(
    server: CatalogServer,
    kind: 'resource' | 'prompt',
    name: string,
    uri: string | undefined,
    agent: AgentSpec,
    requestInfo: RequestInfo,
    signal: AbortSignal,
    input: InputRound,
    code: (ctx: FeatureContext & Partial<ResourceContext>) => Promise<ToolCallResult>,
  ): Promise<ToolCallResult> {
    const featureLogger = logger.child({ requestId: requestInfo.requestId, agent: agent.name, server: server.spec.name, [kind]: name });
    try {
      const base: FeatureContext = { agent: agent.name, logger: featureLogger, requestId: requestInfo.requestId, signal, input };
      let ctx: FeatureContext & Partial<ResourceContext> = base;
      const resource = kind === 'resource' ? server.resources.get(name) : undefined;
      if (resource) {
        const spec = { name, dataset: resource.spec.dataset, access: 'read' as const };
        const client = await options.datasets({ agent, server: server.spec, tool: spec, dataset: datasets.get(spec.dataset)! });
        ctx = { ...base, dataset: readOnlyDataset(client, name), uri };
      }
      return await untilAborted(Promise.resolve().then(() => code(ctx)), signal);
    } catch (err) {
      if (signal.aborted) return toolErrorResult(`${kind} "${name}" did not finish before the request deadline (${Math.round(deadlineMs / 1000)} s)`);
      if (err instanceof ToolError || err instanceof DatasetAccessError || err instanceof DatasetConflictError) return toolErrorResult(err.message);
      featureLogger.error(`${kind} failed`, { error: err });
      return toolErrorResult(`${kind} "${name}" failed (request id ${requestInfo.requestId}); the server log has the details`);
    }
  }

  async function runTool(server: CatalogServer, tool: CatalogTool, agent: AgentSpec, args: unknown, requestInfo: RequestInfo, signal: AbortSignal, input: InputRound = FIRST_ROUND): Promise<ToolCallResult> {
    const name = tool.spec.name;
    const toolLogger = logger.child({ requestId: requestInfo.requestId, agent: agent.name, server: server.spec.name, tool: name });
    try {
      const datasetSpec = datasets.get(tool.spec.dataset)!;
      const given = await options.datasets({ agent, server: server.spec, tool: tool.spec, dataset: datasetSpec });
      // one budget per call: however the tool pages, it reads at most this much (plus one page)
      const readBudget = new ReadBudget(readUnitsPerCall);
      const client = given.withReadBudget ? given.withReadBudget(readBudget) : given;
      const dataset = tool.spec.access === 'write' ? client : readOnlyDataset(client, name);
      const ctx: ToolContext = { dataset, agent: agent.name, logger: toolLogger, requestId: requestInfo.requestId, signal, readBudget, input };
      const output = await untilAborted(Promise.resolve().then(() => tool.definition.handler(args as never, ctx)), signal);
      return toToolResult(output);
    } catch (err) {
      if (signal.aborted) return toolErrorResult(`tool "${name}" did not finish before the request deadline (${Math.round(deadlineMs / 1000)} s)`);
      if (err instanceof ToolError || err instanceof DatasetAccessError || err instanceof DatasetConflictError || err instanceof ReadBudgetExceeded) return toolErrorResult(err.message);
      toolLogger.error('tool failed', { error: err });
      return toolErrorResult(`tool "${name}" failed (request id ${requestInfo.requestId}); the server log has the details`);
    }
  }

  return { servers: [...catalog.keys()], handle };
}

/** Messages the SDK may put in an error that are fine to show a client (not a zod dump, a stack or a path). */
const SAFE_SDK_MESSAGE = /^[^\n]{1,300}$/;
const INTERNALS = /\bat [\w.<>]+ \(|\/work\/|\/tmp\/|\/var\/task|node_modules|\.[jt]s:\d+/;

/**
 * A JSON-RPC error the SDK produced (a handler that threw, its own validation) is passed on
 * with its code but without `data` and, unless its message is short and plain, with a message
 * naming only the request id; the original goes to the log.
 */
function safeSdkBody(body: string, requestId: string, logger: ToolLogger, redactError: (text: string) => string): string {
  // a body without the text "error" in quotes has no error member (the SDK writes keys plainly): a result is passed on unparsed
  if (!body.includes('"error"')) return body;
  let parsed: { error?: { code?: unknown; message?: unknown; data?: unknown } } | undefined;
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return body;
  }
  const error = parsed?.error;
  if (!error || typeof error !== 'object') return body;
  // an error may quote the request (a URI, a prompt name): redacted as for the least-cleared reader
  body = redactError(body);
  const message = typeof error.message === 'string' ? error.message : '';
  // what is passed on is rebuilt from the redacted body, never from the original parse
  const redacted = JSON.parse(body) as { error: { code?: unknown; message?: unknown; data?: unknown } };
  const plain = error.code !== JSON_RPC.INTERNAL_ERROR && SAFE_SDK_MESSAGE.test(message) && !INTERNALS.test(message);
  if (plain && (error.data === undefined || (typeof error.code === 'number' && PROTOCOL_DATA_CODES.has(error.code)) || isPlainErrorData(error.data))) return body;
  if (!plain) logger.error('mcp sdk error', { requestId, code: error.code, message, data: error.data });
  delete redacted.error.data;
  if (!plain) redacted.error.message = `Internal error (request id ${requestId})`;
  return JSON.stringify(redacted);
}

/**
 * `data` the SDK attaches to a -32602 that is fine to pass on: the URI of a resource not found
 * (the client's own input) or the fixed reason of a refused requestState.
 */
function isPlainErrorData(data: unknown): boolean {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const entries = Object.entries(data);
  return entries.length === 1 && (entries[0]![0] === 'uri' || entries[0]![0] === 'reason') && typeof entries[0]![1] === 'string' && entries[0]![1].length <= 2048;
}

/** Rejects as soon as `signal` aborts, even if the work never settles (a hung tool). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
