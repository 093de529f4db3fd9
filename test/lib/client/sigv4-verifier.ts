/**
 * A SigV4 verifier written straight from the AWS specification
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html) with node:crypto
 * only — independent of the signing library under test — standing in for API Gateway's IAM auth.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface VerifierKey {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface Verified {
  readonly ok: boolean;
  readonly accessKeyId?: string;
  readonly reason?: string;
  readonly signedHeaders?: string[];
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
// RFC 3986 unreserved characters stay; everything else is percent-encoded (upper-case hex)
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function verifySigV4(
  req: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer },
  keys: ReadonlyMap<string, VerifierKey>,
  expect: { region: string; service: string; nowMs: number },
): Verified {
  const match = AUTH.exec(String(req.headers.authorization ?? ''));
  if (!match) return { ok: false, reason: 'missing or malformed Authorization header' };
  const [, accessKeyId, shortDate, region, service, signedHeaderList, signature] = match as unknown as string[];
  const key = keys.get(accessKeyId!);
  if (!key) return { ok: false, accessKeyId, reason: 'unknown access key' };
  if (region !== expect.region || service !== expect.service) return { ok: false, accessKeyId, reason: `wrong scope ${region}/${service}` };

  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(shortDate!)) return { ok: false, accessKeyId, reason: 'x-amz-date does not match the credential scope' };
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!(Math.abs(expect.nowMs - signedAt) <= 5 * 60_000)) return { ok: false, accessKeyId, reason: 'signature expired' };

  const signedHeaders = signedHeaderList!.split(';');
  for (const required of ['host', 'x-amz-date']) {
    if (!signedHeaders.includes(required)) return { ok: false, accessKeyId, reason: `${required} is not signed` };
  }
  if (key.sessionToken !== undefined && (req.headers['x-amz-security-token'] !== key.sessionToken || !signedHeaders.includes('x-amz-security-token'))) {
    return { ok: false, accessKeyId, reason: 'session token missing or not signed' };
  }

  const url = new URL(req.url, 'http://placeholder');
  const canonicalUri = canonicalPath(url);
  const canonicalQuery = canonicalQueryString([...url.searchParams.entries()]);
  const canonicalHeaders = canonicalHeaderBlock(req.headers, signedHeaders);
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaderList, sha256(req.body)].join('\n');
  const ok = signatureMatches(signature!, { secret: key.secretAccessKey, amzDate, shortDate: shortDate!, region: region!, service: service!, canonicalRequest });
  return ok ? { ok, accessKeyId, signedHeaders } : { ok, accessKeyId, signedHeaders, reason: 'signature does not match' };
}

/**
 * A presigned (query-string) SigV4 request, as STS verifies one: the signature and scope in the
 * query, the payload the empty body, validity `X-Amz-Expires` seconds from `X-Amz-Date`.
 */
export function verifyPresignedSigV4(
  req: { method: string; url: string; headers: IncomingHttpHeaders },
  keys: ReadonlyMap<string, VerifierKey>,
  expect: { service: string; nowMs: number },
): Verified & { region?: string } {
  const url = new URL(req.url, 'http://placeholder');
  const q = url.searchParams;
  const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(q.get('X-Amz-Credential') ?? '');
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !credential) return { ok: false, reason: 'not a presigned SigV4 request' };
  const [, accessKeyId, shortDate, region, service] = credential as unknown as string[];
  const key = keys.get(accessKeyId!);
  if (!key) return { ok: false, accessKeyId, reason: 'unknown access key' };
  if (service !== expect.service) return { ok: false, accessKeyId, reason: `wrong service ${service}` };
  const amzDate = q.get('X-Amz-Date') ?? '';
  if (!amzDate.startsWith(shortDate!)) return { ok: false, accessKeyId, reason: 'X-Amz-Date does not match the credential scope' };
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const expires = Number(q.get('X-Amz-Expires'));
  if (!(expect.nowMs <= signedAt + expires * 1000) || expect.nowMs < signedAt - 15 * 60_000) return { ok: false, accessKeyId, reason: 'request has expired' };
  if (key.sessionToken !== undefined && q.get('X-Amz-Security-Token') !== key.sessionToken) return { ok: false, accessKeyId, reason: 'session token missing or wrong' };

  const signedHeaderList = q.get('X-Amz-SignedHeaders') ?? '';
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) return { ok: false, accessKeyId, reason: 'host is not signed' };
  const canonicalUri = canonicalPath(url);
  const canonicalQuery = canonicalQueryString([...q.entries()].filter(([k]) => k !== 'X-Amz-Signature'));
  const canonicalHeaders = canonicalHeaderBlock(req.headers, signedHeaders);
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaderList, sha256('')].join('\n');
  const ok = signatureMatches(q.get('X-Amz-Signature') ?? '', { secret: key.secretAccessKey, amzDate, shortDate: shortDate!, region: region!, service: service!, canonicalRequest });
  return ok ? { ok, accessKeyId, signedHeaders, region } : { ok, accessKeyId, signedHeaders, region, reason: 'signature does not match' };
}

/** The path, each segment URI-encoded twice (every service but S3). */
function canonicalPath(url: URL): string {
  return url.pathname
    .split('/')
    .map((segment) => uriEncode(uriEncode(decodeURIComponent(segment))))
    .join('/');
}

/** Query parameters encoded, sorted by name then value, joined with `&`. */
function canonicalQueryString(entries: Array<[string, string]>): string {
  return entries
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `name:value\n` for each signed header, values trimmed and inner whitespace collapsed. */
function canonicalHeaderBlock(headers: IncomingHttpHeaders, signedHeaders: readonly string[]): string {
  return signedHeaders
    .map((name) => {
      const raw = headers[name];
      const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
      return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
}

/** Whether `signatureHex` is the SigV4 signature of the canonical request, compared in constant time. */
function signatureMatches(signatureHex: string, f: { secret: string; amzDate: string; shortDate: string; region: string; service: string; canonicalRequest: string }): boolean {
  const scope = `${f.shortDate}/${f.region}/${f.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', f.amzDate, scope, sha256(f.canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${f.secret}`, f.shortDate), f.region), f.service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
  const given = Buffer.from(signatureHex, 'hex');
  return given.length === expected.length && timingSafeEqual(expected, given);
}
