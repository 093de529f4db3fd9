/**
 * What a collection reads and with which clients. The clients are injected (the Lambda and the
 * CLI build real ones; tests hand in aws-sdk-client-mock'ed ones backed by a fake account).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';

export interface LiveScope {
  readonly project: string;
  readonly environment: string;
}

/** One REST API as API Gateway's `GET /restapis` lists it. */
export interface RestApiSummary {
  readonly id: string;
  readonly name: string;
  /** The resource policy, as API Gateway returns it (JSON, escaped once more). */
  readonly policy?: string;
  readonly endpointConfiguration?: { readonly types?: readonly string[]; readonly vpcEndpointIds?: readonly string[] };
}

/** Lists the account's REST APIs in this region (there is no API Gateway SDK client in the bundle; see api-gateway-reader.ts). */
export interface RestApiReader {
  restApis(): Promise<RestApiSummary[]>;
}

export interface LiveClients {
  readonly iam: IAMClient;
  readonly kms: KMSClient;
  readonly cloudwatch: CloudWatchClient;
  readonly dynamodb: DynamoDBClient;
  readonly apis: RestApiReader;
}

/** A resource key → value, and what could not be read (named, never silently skipped). */
export interface Collected {
  readonly resources: Record<string, unknown>;
  readonly warnings: string[];
}

/** Runs `fn` over `items`, at most `limit` at a time (IAM and KMS throttle bursts), in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** An IAM/KMS/API Gateway policy document as JSON (IAM returns them URL-encoded). */
export function parsePolicyDocument(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  for (const candidate of [text, safeDecode(text)]) {
    try {
      return JSON.parse(candidate);
    } catch {
      // API Gateway escapes the policy's quotes once more: unescape and try again
      try {
        return JSON.parse(JSON.parse(`"${candidate}"`) as string);
      } catch {
        /* next candidate */
      }
    }
  }
  return { unparsed: text };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
