/**
 * DynamoDB's JSON API (`application/x-amz-json-1.0`, `X-Amz-Target: DynamoDB_20120810.<Op>`)
 * for the six item operations the server Lambda uses, signed with SigV4 over node:https
 * (aws-https.ts: keep-alive, timeout, the SDK's standard retries). It replaces
 * `DynamoDBDocumentClient` on the request path: loading `@aws-sdk/client-dynamodb` and Smithy
 * was ~80 ms of every cold start, for a handful of GetItem/UpdateItem calls.
 *
 * Values are marshalled as `@aws-sdk/lib-dynamodb` does, with the same library
 * (`@aws-sdk/util-dynamodb`, a few KB): each top-level value of `Key`, `Item`,
 * `ExpressionAttributeValues` and `ExclusiveStartKey` on its own (top-level `undefined`s
 * dropped, nested ones refused unless `removeUndefinedValues`), and `Item`, `Items`,
 * `Attributes` and `LastEvaluatedKey` unmarshalled back (numbers outside the safe range refused).
 */
import { marshall, unmarshall, type marshallOptions as MarshallOptions } from '@aws-sdk/util-dynamodb';
import { AwsServiceError, RetryQuota, sendSigned, serviceEndpoint, type AwsHttpResponse, type AwsRequestOptions } from './aws-https';
import type { DocumentCalls, DocumentOperation } from './document-calls';
import { environmentCredentials, type AwsCredentialsProvider } from './sigv4-signer';

export interface DynamoJsonClientOptions {
  /** @default env.AWS_REGION */
  readonly region?: string;
  /** Endpoint overrides and, without `credentials`, the function's own credentials. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default - the function's role, from the Lambda environment */
  readonly credentials?: AwsCredentialsProvider;
  /** As lib-dynamodb's `marshallOptions`. @default - none (lib-dynamodb's default) */
  readonly marshallOptions?: MarshallOptions;
  /** Per attempt. @default 3000 */
  readonly timeoutMs?: number;
  /** Test seams for the retry backoff. */
  readonly retry?: Pick<AwsRequestOptions, 'maxAttempts' | 'random' | 'sleep'>;
}

type Json = Record<string, unknown>;
const INPUT_MAPS = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
const OUTPUT_MAPS = ['Item', 'Attributes', 'LastEvaluatedKey'] as const;
// legacy parameters lib-dynamodb would also marshall; nothing here uses them, so they are refused rather than sent unmarshalled
const LEGACY = ['Expected', 'AttributeUpdates', 'KeyConditions', 'QueryFilter', 'ScanFilter'] as const;

/** A DynamoDB client for `DocumentCalls`, signing with the function's role or the given credentials. */
export function dynamoJsonClient(options: DynamoJsonClientOptions = {}): DocumentCalls {
  const env = options.env ?? process.env;
  const region = options.region ?? env.AWS_REGION;
  if (!region) throw new Error('AWS_REGION is not set: the Lambda runtime provides it to the function');
  const request: AwsRequestOptions = {
    endpoint: serviceEndpoint('dynamodb', region, env),
    region,
    service: 'dynamodb',
    credentials: options.credentials ?? environmentCredentials(env),
    timeoutMs: options.timeoutMs,
    quota: new RetryQuota(),
    ...options.retry,
  };
  const marshallOptions: MarshallOptions = { ...options.marshallOptions, convertTopLevelContainer: true };
  return {
    call: async (operation, input) => {
      const body = JSON.stringify(marshallInput(input as unknown as Json, marshallOptions));
      const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation satisfies DocumentOperation}` };
      const response = await sendSigned(request, { headers, body }, serviceError);
      return unmarshallOutput(JSON.parse(response.body || '{}') as Json) as never;
    },
  };
}

function marshallInput(input: Json, options: MarshallOptions): Json {
  for (const legacy of LEGACY) if (input[legacy] !== undefined) throw new TypeError(`${legacy} is a legacy DynamoDB parameter this client does not send; use expressions`);
  const out: Json = { ...input };
  for (const field of INPUT_MAPS) {
    const map = input[field] as Json | undefined;
    if (map !== undefined) out[field] = eachValue(map, (value) => marshall(value, options));
  }
  return out;
}

function unmarshallOutput(output: Json): Json {
  const out: Json = { ...output };
  const one = (value: unknown) => unmarshall(value as never, { convertWithoutMapWrapper: true } as never);
  for (const field of OUTPUT_MAPS) {
    const map = output[field] as Json | undefined;
    if (map !== undefined) out[field] = eachValue(map, one);
  }
  if (Array.isArray(output.Items)) out.Items = (output.Items as Json[]).map((item) => eachValue(item, one));
  return out;
}

/** Applies `f` to every value of `map`, dropping `undefined`s and functions as lib-dynamodb does. */
function eachValue(map: Json, f: (value: unknown) => unknown): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined || typeof value === 'function') continue;
    out[key] = f(value);
  }
  return out;
}

/** DynamoDB's error: `__type` `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`, `message` (or `Message`). */
function serviceError(response: AwsHttpResponse): AwsServiceError {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const parsed = JSON.parse(response.body) as { __type?: unknown; message?: unknown; Message?: unknown };
    if (typeof parsed.__type === 'string') code = parsed.__type.split('#').pop();
    const text = parsed.message ?? parsed.Message;
    if (typeof text === 'string') message = text;
  } catch {
    // not JSON: a proxy or load balancer answered; the status decides
  }
  const header = response.headers['x-amzn-errortype'];
  code ??= typeof header === 'string' ? header.split(':')[0] : undefined;
  code = code?.replace(/[^A-Za-z0-9]/g, '').slice(0, 64) || (response.status >= 500 ? 'InternalServerError' : `Http${response.status}`);
  return new AwsServiceError(code, message?.slice(0, 500) ?? `DynamoDB answered ${response.status}`, response.status);
}
