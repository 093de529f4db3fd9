/**
 * `warden dev`: the MCP runtime on the developer's machine. The same handler, guard and
 * tool code as in Lambda, with in-memory adapters and datasets seeded from the sample data.
 *
 * Endpoints: `/mcp/<server>` for each manifest server; `/mcp` is the first server (so a
 * single-server manifest needs no suffix). Bound to 127.0.0.1 only; Host (the SDK's check)
 * and Origin are checked so a web page can't reach it through DNS rebinding.
 *
 * Identity: a per-run bearer token per agent; `agent` makes calls without a token act as
 * that agent. A wrong token is 401 even then: a typo must not silently become another agent.
 */
import { readTeamPolicies } from '../policy/team-policies';
import { createServer, type IncomingMessage, type RequestListener, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import express, { type ErrorRequestHandler, type Request as ExpressRequest } from 'express';
import { sampleDatasets } from '../../examples/shop/sample-data';
import { loadManifest, type Manifest } from '../config';
import { createGuard, InMemoryAgentStatusStore, InMemoryRateLimiter } from '../guard';
import type { CallerInfo, Guard } from '../guard/contract';
import { createMcpHandler, InMemoryDataset, JSON_RPC, jsonLogger, jsonRpcError, loadToolModule, type DatasetItem, type HttpResponseLike, type McpHandler } from '../runtime';
import { DevAuditSink, DevMetrics, type AuditDestination } from './dev-audit';
import { readBearer, DevTokens } from './dev-tokens';
import { hostValidation, isAllowedHost, isAllowedOrigin, LOOPBACK_HOSTNAMES, originValidation, type RefusalListener } from './origin-check';
import { readBody } from './request-body';
import { createDevApprovals, devApprovalRoutes, type DevApprovals } from './dev-approvals';

export interface DevServerOptions {
  /** Manifest file. @default 'warden.config.yaml' */
  readonly config?: string;
  /** An already-parsed manifest instead of `config` (tests); entries resolve against `baseDir`. */
  readonly manifest?: Manifest;
  /** @default the manifest's folder, or the working directory with `manifest` */
  readonly baseDir?: string;
  /** @default 8787; 0 picks a free port */
  readonly port?: number;
  /** The agent that calls without a bearer token act as. @default - such calls are refused (403) */
  readonly agent?: string;
  /** @default 'stderr' */
  readonly audit?: AuditDestination;
  /** Tool log lines. @default stderr */
  readonly log?: (line: string) => void;
  /** Tool modules by server name, instead of loading each server's `entry` (tests). */
  readonly tools?: Readonly<Record<string, unknown>>;
  /** Initial items per dataset name. @default the example shop's sample data */
  readonly seedData?: Readonly<Record<string, readonly DatasetItem[]>>;
  /** @default 25000 */
  readonly deadlineMs?: number;
  /** Principal ARNs to mint approver tokens for besides those the manifest's approvers name (lib/dev/dev-approvals.ts). @default - none */
  readonly approvers?: readonly string[];
}

export interface DevServer {
  /** `http://127.0.0.1:PORT/mcp` (the first server). */
  readonly url: string;
  /** Endpoint of each server. */
  readonly urls: Readonly<Record<string, string>>;
  readonly port: number;
  /** Bearer token of each agent, valid for this run only. */
  readonly tokens: Readonly<Record<string, string>>;
  readonly manifest: Manifest;
  /** Recent audit events (most recent last, bounded). */
  readonly auditEvents: readonly Record<string, unknown>[];
  /** The kill-switch store: `status.set(agent, 'contained')` contains an agent. */
  readonly status: InMemoryAgentStatusStore;
  readonly metrics: DevMetrics;
  readonly datasets: Readonly<Record<string, InMemoryDataset>>;
  readonly guard: Guard;
  /** Human approval of held calls: the store, the notices and in-process decisions (docs/approvals.md). */
  readonly approvals: DevApprovals;
  close(): Promise<void>;
}

/** Timeouts that keep a slow or idle client from holding connections (slowloris). */
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 15_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** Request headers above this are answered 431 by Node itself. */
export const MAX_HEADER_BYTES = 16_384;

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  let manifest: Manifest;
  let baseDir: string;
  let manifestFile: string;
  if (options.manifest) {
    manifest = options.manifest;
    baseDir = resolve(options.baseDir ?? '.');
    manifestFile = 'the manifest';
  } else {
    const loaded = loadManifest(options.config ?? 'warden.config.yaml');
    manifest = loaded.manifest;
    baseDir = options.baseDir ?? loaded.dir;
    manifestFile = options.config ?? 'warden.config.yaml';
  }
  if (options.agent !== undefined && !manifest.agents.some((a) => a.name === options.agent)) {
    throw new Error(`--agent "${options.agent}" is not an agent of ${manifestFile}; choose one of ${manifest.agents.map((a) => a.name).join(', ')}`);
  }

  const audit = new DevAuditSink(options.audit ?? 'stderr');
  const metrics = new DevMetrics();
  const status = new InMemoryAgentStatusStore();
  let port = options.port ?? 8787;
  const approvals = createDevApprovals({ manifest, audit, log: options.log ?? ((line) => process.stderr.write(line)), url: () => `http://127.0.0.1:${port}`, ...(options.approvers ? { approvers: options.approvers } : {}) });
  const guard = createGuard({
    manifest,
    extraPolicies: readTeamPolicies(manifest, baseDir),
    adapters: { status, rateLimiter: new InMemoryRateLimiter(), audit, metrics, approvals: approvals.gate },
  });

  const seed = options.seedData ?? sampleDatasets(undefined, Object.fromEntries(manifest.datasets.map((d) => [d.name, d.partitionKey ?? 'pk'])));
  const datasets: Record<string, InMemoryDataset> = {};
  for (const d of manifest.datasets) {
    datasets[d.name] = new InMemoryDataset({ name: d.name, partitionKey: d.partitionKey, sortKey: d.sortKey, items: seed[d.name] ?? [] });
  }
  const tools = options.tools ?? Object.fromEntries(manifest.servers.map((s) => [s.name, loadToolModule(resolve(baseDir, s.entry))]));
  const handler = createMcpHandler({
    manifest,
    guard,
    tools,
    datasets: ({ dataset }) => datasets[dataset.name]!,
    manifestFile,
    deadlineMs: options.deadlineMs,
    logger: jsonLogger({ write: options.log }),
  });

  const tokens = new DevTokens(manifest.agents.map((a) => a.name));
  const app = buildApp({ handler, guard, tokens, defaultAgent: options.agent, maxBodyBytes: manifest.guard.maxBodyBytes, port: () => port, approvals });

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 }, app.listener);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await listen(server, port);
  port = (server.address() as AddressInfo).port;

  const base = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: `${base}/mcp`,
    urls: Object.fromEntries(handler.servers.map((s) => [s, `${base}/mcp/${s}`])),
    port,
    tokens: tokens.byAgent,
    manifest,
    auditEvents: audit.events,
    status,
    metrics,
    datasets,
    guard,
    approvals,
    close: () => {
      closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }).then(() => audit.close());
      return closing;
    },
  };
}

interface AppOptions {
  readonly handler: McpHandler;
  readonly guard: Guard;
  readonly tokens: DevTokens;
  readonly defaultAgent?: string;
  readonly maxBodyBytes: number;
  readonly port: () => number;
  readonly approvals: DevApprovals;
}

/**
 * Not `createMcpExpressApp`: it installs `express.json()` (100 kB limit, its own error
 * pages, parses before our checks). We use the SDK v2 Host check and read the raw body ourselves.
 */
function buildApp(o: AppOptions): { readonly listener: RequestListener } {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // exactly /mcp and /mcp/<server>: not /MCP, not /mcp/ (Express matches both by default)
  app.enable('case sensitive routing');
  app.enable('strict routing');
  // DNS rebinding and cross-site pages are refusals like any other: audited
  const refused: RefusalListener = (req, reason) =>
    o.guard.auditRefusal({ requestId: crypto.randomUUID(), method: '-', sourceIp: req.socket.remoteAddress, userAgent: req.headers['user-agent'] }, reason);
  app.use(hostValidation(LOOPBACK_HOSTNAMES, refused));
  app.use(originValidation(o.port, refused));

  /** @param path the request path without its query string */
  const serve = async (req: IncomingMessage, res: ServerResponse, server: string, path: string) => {
    const requestId = crypto.randomUUID();
    const bearer = readBearer(req.headers.authorization, o.tokens);
    if (bearer.kind === 'invalid') {
      o.guard.auditRefusal({ requestId, method: '-', sourceIp: req.socket.remoteAddress, userAgent: req.headers['user-agent'] }, 'invalid bearer token');
      return send(res, {
        status: 401,
        headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="mcp-warden-dev"' },
        body: JSON.stringify({ jsonrpc: '2.0', error: { code: JSON_RPC.SERVER_ERROR, message: 'Unauthorized: invalid bearer token (use one printed when the dev server started)' }, id: null }),
      });
    }
    const caller: CallerInfo = bearer.kind === 'valid' ? { devAgent: bearer.agent } : o.defaultAgent ? { devAgent: o.defaultAgent } : {};
    let body: Buffer | undefined;
    if (req.method === 'POST') {
      const read = await readBody(req, o.maxBodyBytes);
      if (!read.ok) {
        if (read.reason === 'aborted') return;
        o.guard.auditRefusal({ requestId, method: '-', sourceIp: req.socket.remoteAddress, userAgent: req.headers['user-agent'] }, 'http 413');
        res.setHeader('connection', 'close');
        return send(res, jsonRpcError(413, JSON_RPC.SERVER_ERROR, `Request body too large: the limit is ${o.maxBodyBytes} bytes (guard.maxBodyBytes in the manifest)`));
      } else {
        body = read.body;
      }
    }
    const response = await o.handler.handle({
      server,
      caller,
      requestId,
      sourceIp: req.socket.remoteAddress,
      request: { method: req.method ?? 'GET', headers: req.headers, body, url: `http://127.0.0.1:${o.port()}${path}` },
    });
    send(res, response);
  };

  app.use(devApprovalRoutes(o.approvals, o.tokens));
  const first = o.handler.servers[0]!;
  const pathOf = (req: ExpressRequest) => req.originalUrl.split('?')[0]!;
  app.all('/mcp', (req, res) => serve(req, res, first, pathOf(req)));
  app.all('/mcp/:server', (req, res) => serve(req, res, String(req.params.server), pathOf(req)));
  app.use((req, res) => {
    // every request is audited, also one for a path the server does not serve (the path is not quoted)
    o.guard.auditRefusal({ requestId: crypto.randomUUID(), method: '-', sourceIp: req.socket.remoteAddress, userAgent: req.headers['user-agent'] }, 'http 404: not an MCP endpoint');
    res.status(404).json({ jsonrpc: '2.0', error: { code: JSON_RPC.SERVER_ERROR, message: `Not found: the MCP endpoints are ${o.handler.servers.map((s) => `/mcp/${s}`).join(', ')} and /mcp (= ${first})` }, id: null });
  });
  // Express's default handler would print a stack trace outside production.
  const onError: ErrorRequestHandler = (err: { status?: number; statusCode?: number }, _req, res, _next) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (res.headersSent) return;
    // e.g. a malformed percent-encoding in the path (Express answers it 400)
    const clientError = status >= 400 && status < 500;
    res
      .status(clientError ? status : 500)
      .json({ jsonrpc: '2.0', error: { code: clientError ? JSON_RPC.INVALID_REQUEST : JSON_RPC.INTERNAL_ERROR, message: clientError ? 'Bad request: the URL or request could not be read' : 'Internal error' }, id: null });
  };
  app.use(onError);

  /**
   * The MCP endpoints without Express: a request whose Host and Origin pass and whose path is
   * exactly `/mcp` or `/mcp/<a server>` goes straight to `serve` (Express's request set-up and
   * router layers cost each call more than its checks do). Everything else, refusals
   * included, goes through the app above, which answers and audits it as before.
   */
  const endpoints = new Map<string, string>([['/mcp', first], ...o.handler.servers.map((s) => [`/mcp/${s}`, s] as const)]);
  const listener: RequestListener = (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const server = endpoints.get(path);
    if (server === undefined || !isAllowedHost(req.headers.host) || !isAllowedOrigin(req.headers.origin, o.port())) return void app(req, res);
    serve(req, res, server, path).catch(() => {
      // what the app's error handler answers for a handler that threw
      if (res.headersSent) return;
      send(res, { status: 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ jsonrpc: '2.0', error: { code: JSON_RPC.INTERNAL_ERROR, message: 'Internal error' }, id: null }) });
    });
  };
  return { listener };
}

function send(res: ServerResponse, response: HttpResponseLike): void {
  if (res.headersSent) return;
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
}

function listen(server: HttpServer, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use: pass --port with another port, or --port 0 for a free one`) : err),
    );
    server.listen(port, '127.0.0.1', () => resolvePromise());
  });
}
