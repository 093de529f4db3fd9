/**
 * SigV4 header signing with node:crypto, for the few AWS calls the server Lambda makes on its
 * request path (DynamoDB's JSON API, STS AssumeRole). Loading the AWS SDK clients for them cost
 * a cold start ~80 ms of module load; this is the specification's algorithm
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), tested against
 * an independent verifier (test/lib/client/sigv4-verifier.ts).
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Returns the credentials to sign with (called once per request; cache behind it). */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

export interface SignInput {
  readonly method: 'POST' | 'GET';
  /** Host header value (`dynamodb.eu-west-1.amazonaws.com`), signed. */
  readonly host: string;
  /** Path without query, as sent. */
  readonly path: string;
  /** Headers to send and sign (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  readonly nowMs: number;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** Signing keys per secret, day, region and service (they change once a day). */
const signingKeys = new Map<string, Buffer>();

function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const id = `${shortDate}\n${region}\n${service}\n${secret}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, shortDate), region), service), 'aws4_request');
    // data-role sessions rotate: keep the map small rather than growing with every session ever used
    if (signingKeys.size >= 64) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

/** `20261203T175500Z` */
export function amzDate(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The request's headers with `host`, `x-amz-date`, `x-amz-security-token` (temporary
 * credentials) and `authorization` added; every header given is signed. The path must already
 * be URI-encoded as sent (the callers use `/`).
 */
export function signedHeaders(input: SignInput): Record<string, string> {
  const date = amzDate(input.nowMs);
  const shortDate = date.slice(0, 8);
  const headers: Record<string, string> = { ...input.headers, host: input.host, 'x-amz-date': date };
  if (input.credentials.sessionToken) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const names = Object.keys(headers).map((n) => n.toLowerCase()).sort();
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  const canonicalHeaders = names.map((n) => `${n}:${lower[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signed = names.join(';');
  const canonicalRequest = [input.method, input.path, '', canonicalHeaders, signed, sha256Hex(input.body)].join('\n');
  const scope = `${shortDate}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(input.credentials.secretAccessKey, shortDate, input.region, input.service)).update(stringToSign, 'utf8').digest('hex');
  return { ...lower, authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}` };
}

/**
 * The function's own credentials, as the Lambda runtime provides them (the SDK's default chain
 * reads the same variables first). Read per request: nothing is cached past the environment.
 */
export function environmentCredentials(env: NodeJS.ProcessEnv): AwsCredentialsProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: the Lambda runtime provides them to the function');
    return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  };
}
