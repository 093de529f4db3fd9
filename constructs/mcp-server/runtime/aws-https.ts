/**
 * One signed AWS JSON or query API request over node:https, with keep-alive, a per-attempt
 * timeout and the AWS SDK's standard retry mode (3 attempts, full-jitter exponential backoff,
 * 100 ms base, 500 ms for throttling, a 500-token retry quota). Used by the DynamoDB and STS
 * calls of the request path instead of the SDK clients, whose loading was most of the server
 * Lambda's module load.
 *
 * TLS only: the endpoint is the regional `https://` host (in the VPC, the DynamoDB gateway
 * endpoint and the STS interface endpoint serve the same names). `AWS_ENDPOINT_URL_<SERVICE>` /
 * `AWS_ENDPOINT_URL` override it as they do for the SDK; only an override may be `http:`
 * (local emulators in tests and benchmarks).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { signedHeaders, type AwsCredentialsProvider } from './sigv4-signer';

/** DynamoDB pages are at most 1 MB of data; their JSON is larger, but not this much. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 50 });
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 50 });

/** The service's endpoint for this region, or the override the SDK would honour. */
export function serviceEndpoint(service: 'dynamodb' | 'sts', region: string, env: NodeJS.ProcessEnv): URL {
  const override = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ?? env.AWS_ENDPOINT_URL;
  if (override) {
    const url = new URL(override);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`AWS_ENDPOINT_URL for ${service} must be an https:// URL (got ${url.protocol})`);
    return url;
  }
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d$/.test(region)) throw new Error(`AWS_REGION "${region.slice(0, 40)}" is not a region name`);
  return new URL(`https://${service}.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
}

export interface AwsHttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An error an AWS service answered, or a request that got no answer. `name` is the error code (`ConditionalCheckFailedException`), as the SDK's. */
export class AwsServiceError extends Error {
  /** As the SDK's exceptions carry it. */
  public readonly $metadata: { readonly httpStatusCode?: number; attempts: number };
  constructor(name: string, message: string, status?: number) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status, attempts: 1 };
  }
}

/** The SDK's throttling error codes (@smithy/service-error-classification). */
const THROTTLING = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete', 'ProvisionedThroughputExceededException',
  'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException',
  'TooManyRequestsException', 'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalServerError', 'InternalFailure', 'ServiceUnavailable', 'NetworkingError']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

export type RetryKind = 'throttling' | 'transient' | 'timeout';

/** Whether (and why) a failed attempt may be retried, as the SDK's standard mode decides. */
export function retryKindOf(failure: unknown): RetryKind | undefined {
  // not `instanceof Error`: node:http's errors may come from another realm (a VM context, a test runner)
  if (typeof failure !== 'object' || failure === null || typeof (failure as Error).name !== 'string') return undefined;
  const err = failure as Partial<AwsServiceError> & { name: string; code?: string };
  const status = err.$metadata?.httpStatusCode;
  if (err.name === 'TimeoutError') return 'timeout';
  if (THROTTLING.has(err.name) || status === 429) return 'throttling';
  if (TRANSIENT_CODES.has(err.name) || (status !== undefined && TRANSIENT_STATUS.has(status))) return 'transient';
  if (NETWORK_ERRORS.has(err.code ?? '')) return 'transient';
  return undefined;
}

/** The SDK's retry quota: retries spend tokens, successes return them, so an outage is not hammered. */
export class RetryQuota {
  private tokens = 500;
  public take(kind: RetryKind): number | undefined {
    const cost = kind === 'timeout' ? 10 : 5;
    if (this.tokens < cost) return undefined;
    this.tokens -= cost;
    return cost;
  }
  public release(amount: number): void {
    this.tokens = Math.min(500, this.tokens + amount);
  }
  public get available(): number {
    return this.tokens;
  }
}

export interface AwsRequestOptions {
  readonly endpoint: URL;
  readonly region: string;
  readonly service: 'dynamodb' | 'sts';
  readonly credentials: AwsCredentialsProvider;
  /** Per attempt. @default 3000 */
  readonly timeoutMs?: number;
  /** @default 3 (the SDK's standard mode) */
  readonly maxAttempts?: number;
  readonly quota?: RetryQuota;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs `body` signed; retries throttling, 5xx, timeouts and network errors. `toError` turns a
 * non-2xx answer into the service's error (its code decides whether it is retried).
 */
export async function sendSigned(options: AwsRequestOptions, request: { headers: Record<string, string>; body: string }, toError: (response: AwsHttpResponse) => AwsServiceError): Promise<AwsHttpResponse> {
  const maxAttempts = options.maxAttempts ?? 3;
  const quota = options.quota ?? new RetryQuota();
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  let lastCost: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      const credentials = await options.credentials();
      const headers = signedHeaders({
        method: 'POST', host: options.endpoint.host, path: options.endpoint.pathname || '/', headers: request.headers, body: request.body,
        region: options.region, service: options.service, credentials, nowMs: (options.now ?? Date.now)(),
      });
      const response = await postOnce(options.endpoint, headers, request.body, options.timeoutMs ?? 3000);
      if (response.status >= 300) throw toError(response);
      quota.release(lastCost ?? 1);
      return response;
    } catch (err) {
      const kind = retryKindOf(err);
      const cost = kind && attempt < maxAttempts ? quota.take(kind) : undefined;
      if (err instanceof AwsServiceError) err.$metadata.attempts = attempt;
      if (cost === undefined) throw err;
      lastCost = cost;
      const base = kind === 'throttling' ? 500 : 100;
      await sleep(Math.floor(Math.min(20_000, random() * 2 ** attempt * base)));
    }
  }
}

/** One attempt: the response, or an error (`TimeoutError` after `timeoutMs`, network errors with their code). */
function postOnce(endpoint: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<AwsHttpResponse> {
  return new Promise<AwsHttpResponse>((resolve, reject) => {
    const tls = endpoint.protocol === 'https:';
    const req = (tls ? httpsRequest : httpRequest)(
      {
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port || undefined,
        method: 'POST',
        path: endpoint.pathname || '/',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: tls ? httpsAgent : httpAgent,
        ...(tls ? { servername: endpoint.hostname } : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) res.destroy(new AwsServiceError('ResponseTooLarge', `the ${endpoint.host} response exceeded ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new AwsServiceError('TimeoutError', `${endpoint.host} did not answer within ${timeoutMs} ms`)), timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}
