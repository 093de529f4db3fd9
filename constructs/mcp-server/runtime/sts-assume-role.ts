/**
 * sts:AssumeRole for the data-role sessions, over the STS query API (form-encoded POST, XML
 * answer) signed with the function's own credentials, instead of `@aws-sdk/client-sts` (whose
 * loading a cold start would otherwise pay before its first tool call). Regional endpoint, TLS,
 * the SDK's standard retries (aws-https.ts).
 */
import type { AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import { AwsServiceError, RetryQuota, sendSigned, serviceEndpoint, type AwsHttpResponse, type AwsRequestOptions } from './aws-https';
import { environmentCredentials, type AwsCredentialsProvider } from './sigv4-signer';

export interface AssumedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** The AssumeRole parameters DataRoleCredentials sends. */
export type AssumeRoleInput = Pick<AssumeRoleCommandInput, 'RoleArn' | 'RoleSessionName' | 'DurationSeconds' | 'Tags' | 'Policy'>;

export interface AssumeRoleApi {
  assumeRole(input: AssumeRoleInput): Promise<AssumedCredentials>;
}

export interface HttpsAssumeRoleOptions {
  /** @default env.AWS_REGION */
  readonly region?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default - the function's role, from the Lambda environment */
  readonly credentials?: AwsCredentialsProvider;
  readonly timeoutMs?: number;
  readonly retry?: Pick<AwsRequestOptions, 'maxAttempts' | 'random' | 'sleep'>;
}

export function httpsAssumeRole(options: HttpsAssumeRoleOptions = {}): AssumeRoleApi {
  const env = options.env ?? process.env;
  const region = options.region ?? env.AWS_REGION;
  if (!region) throw new Error('AWS_REGION is not set: the Lambda runtime provides it to the function');
  const request: AwsRequestOptions = {
    endpoint: serviceEndpoint('sts', region, env),
    region,
    service: 'sts',
    credentials: options.credentials ?? environmentCredentials(env),
    timeoutMs: options.timeoutMs,
    quota: new RetryQuota(),
    ...options.retry,
  };
  return {
    assumeRole: async (input) => {
      const form = new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15' });
      if (input.RoleArn) form.set('RoleArn', input.RoleArn);
      if (input.RoleSessionName) form.set('RoleSessionName', input.RoleSessionName);
      if (input.DurationSeconds !== undefined) form.set('DurationSeconds', String(input.DurationSeconds));
      (input.Tags ?? []).forEach((tag, i) => {
        form.set(`Tags.member.${i + 1}.Key`, tag.Key ?? '');
        form.set(`Tags.member.${i + 1}.Value`, tag.Value ?? '');
      });
      if (input.Policy !== undefined) form.set('Policy', input.Policy);
      // URLSearchParams writes spaces as "+"; the query protocol (and SigV4's payload hash) take the body as sent
      const body = form.toString();
      const response = await sendSigned(request, { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, queryError);
      const field = (name: string) => xmlText(response.body, name);
      const accessKeyId = field('AccessKeyId');
      const secretAccessKey = field('SecretAccessKey');
      const sessionToken = field('SessionToken');
      const expiration = new Date(field('Expiration') ?? '');
      if (!accessKeyId || !secretAccessKey || !sessionToken || Number.isNaN(expiration.getTime())) throw new AwsServiceError('InvalidResponse', 'STS answered AssumeRole without credentials', response.status);
      return { accessKeyId, secretAccessKey, sessionToken, expiration };
    },
  };
}

/** An SDK STS client as `AssumeRoleApi` (tests with aws-sdk-client-mock; the SDK is loaded on first use). */
export function sdkAssumeRole(client: Pick<STSClient, 'send'>): AssumeRoleApi {
  return {
    assumeRole: async (input) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { AssumeRoleCommand } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
      const { Credentials } = await client.send(new AssumeRoleCommand(input as AssumeRoleCommandInput));
      if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken || !Credentials.Expiration) {
        throw new AwsServiceError('InvalidResponse', 'STS answered AssumeRole without credentials');
      }
      return { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken, expiration: Credentials.Expiration };
    },
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of the first `<name>` element (STS's answers are flat enough for this), entities decoded. */
function xmlText(xml: string, name: string): string | undefined {
  const raw = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return raw?.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}

/** A query-protocol error: `<Error><Code>Throttling</Code><Message>…</Message></Error>`. */
function queryError(response: AwsHttpResponse): AwsServiceError {
  const code = xmlText(response.body, 'Code')?.replace(/[^A-Za-z0-9.]/g, '').slice(0, 64) || (response.status >= 500 ? 'InternalFailure' : `Http${response.status}`);
  return new AwsServiceError(code, xmlText(response.body, 'Message')?.slice(0, 500) ?? `STS answered ${response.status}`, response.status);
}
