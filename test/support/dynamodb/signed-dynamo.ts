/**
 * DynamoDB as the server Lambda reaches it, on loopback: dynalite (a DynamoDB API emulator)
 * behind a front that checks every request's SigV4 signature with the independent verifier
 * (test/lib/client/sigv4-verifier.ts, service `dynamodb`), refuses unknown keys and bad
 * signatures as DynamoDB does (400 `UnrecognizedClientException` / `InvalidSignatureException`),
 * and injects faults on demand: throttling, 5xx, a request left unanswered (timeout), a
 * connection reset. Every request is recorded with its operation, key and outcome.
 */
import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4, type VerifierKey } from '../../lib/client/sigv4-verifier';

// dynalite ships no types: a LevelDB-backed DynamoDB API server
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number }) => Server;

export type DynamoFault =
  | { readonly kind: 'throttle' }
  | { readonly kind: 'status'; readonly status: number; readonly code?: string }
  /** Never answers (the client's timeout must fire); the socket is closed at `close()`. */
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' };

export interface DynamoRequest {
  /** `GetItem`, `UpdateItem`… */
  readonly operation: string;
  readonly accessKeyId?: string;
  readonly outcome: 'forwarded' | 'refused' | DynamoFault['kind'];
  readonly reason?: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export class SignedDynamo {
  public readonly requests: DynamoRequest[] = [];
  private readonly keys = new Map<string, VerifierKey>();
  private readonly faults: DynamoFault[] = [];
  private readonly hanging = new Set<import('node:http').ServerResponse>();
  private emulator?: Server;
  private front?: Server;
  private emulatorPort = 0;

  constructor(private readonly region: string, private readonly now: () => number = Date.now) {}

  /** Credentials DynamoDB accepts (the function's role, a data-role session). */
  public register(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): void {
    this.keys.set(credentials.accessKeyId, { secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken });
  }

  /** The next requests (signature-valid ones) meet these faults, in order. */
  public inject(...faults: DynamoFault[]): void {
    this.faults.push(...faults);
  }

  public operations(): string[] {
    return this.requests.map((r) => r.operation);
  }

  /** Starts dynalite and the verifying front; returns the front's endpoint (for AWS_ENDPOINT_URL_DYNAMODB). */
  public async listen(): Promise<{ endpoint: string; emulatorEndpoint: string }> {
    this.emulator = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => this.emulator!.listen(0, '127.0.0.1', resolve));
    this.emulatorPort = (this.emulator.address() as AddressInfo).port;
    this.front = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '(none)';
        const record = (outcome: DynamoRequest['outcome'], accessKeyId?: string, reason?: string) =>
          this.requests.push({ operation, accessKeyId, outcome, reason, headers: req.headers, body: body.toString('utf8') });
        const verdict = verifySigV4({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, this.keys, { region: this.region, service: 'dynamodb', nowMs: this.now() });
        if (!verdict.ok) {
          record('refused', verdict.accessKeyId, verdict.reason);
          const type = verdict.reason === 'unknown access key' ? 'UnrecognizedClientException' : 'InvalidSignatureException';
          return answer(res, 400, { __type: `com.amazon.coral.service#${type}`, message: verdict.reason });
        }
        const fault = this.faults.shift();
        if (fault) {
          record(fault.kind, verdict.accessKeyId);
          if (fault.kind === 'hang') return void this.hanging.add(res);
          if (fault.kind === 'reset') return void req.socket.destroy();
          if (fault.kind === 'throttle') {
            return answer(res, 400, { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded.' });
          }
          return answer(res, fault.status, { __type: `com.amazonaws.dynamodb.v20120810#${fault.code ?? 'InternalServerError'}`, message: 'injected' });
        }
        record('forwarded', verdict.accessKeyId);
        const upstream = httpRequest({ host: '127.0.0.1', port: this.emulatorPort, method: 'POST', path: '/', headers: { ...req.headers, host: `127.0.0.1:${this.emulatorPort}` } }, (up) => {
          res.writeHead(up.statusCode ?? 500, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => answer(res, 500, { __type: 'InternalServerError', message: 'emulator unreachable' }));
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => this.front!.listen(0, '127.0.0.1', resolve));
    return { endpoint: `http://127.0.0.1:${(this.front.address() as AddressInfo).port}`, emulatorEndpoint: `http://127.0.0.1:${this.emulatorPort}` };
  }

  public async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.front?.closeAllConnections();
    await new Promise<void>((resolve) => (this.front ? this.front.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.emulator ? this.emulator.close(() => resolve()) : resolve()));
  }
}

function answer(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
}
