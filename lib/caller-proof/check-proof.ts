/**
 * What a server checks in a caller proof before sending it anywhere (pure, no I/O): that it is a
 * presigned `GetCallerIdentity` for the STS host of the server's own region, signed with the
 * server-id header, within its validity. Anything else is refused without a network call, so the
 * server never fetches a URL of the caller's choosing (no SSRF, no fake "STS" answering for it).
 */
import { GET_CALLER_IDENTITY, PROOF_CLOCK_SKEW_MS, PROOF_MAX_LENGTH, PROOF_MAX_SECONDS, SERVER_ID_HEADER, stsHost } from './protocol';

export interface ProofExpectations {
  /** The server's own region: the proof must be for `sts.<region>.amazonaws.com`, signed for it. */
  readonly region: string;
  readonly nowMs: number;
}

export type CheckedProof =
  | { readonly ok: true; readonly url: string; readonly accessKeyId: string; readonly signedAtMs: number; readonly expiresAtMs: number }
  | { readonly ok: false; readonly reason: string };

/** The query of a presigned GetCallerIdentity: exactly these keys, each once. */
const REQUIRED = ['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
const OPTIONAL = ['X-Amz-Security-Token'];
const ALLOWED = new Set([...REQUIRED, ...OPTIONAL]);
const CREDENTIAL = /^([A-Z0-9]{16,128})\/(\d{8})\/([a-z0-9-]+)\/sts\/aws4_request$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function checkProof(proof: string, expect: ProofExpectations): CheckedProof {
  const refuse = (reason: string): CheckedProof => ({ ok: false, reason });
  if (proof.length > PROOF_MAX_LENGTH) return refuse(`the caller proof is longer than ${PROOF_MAX_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(proof);
  } catch {
    return refuse('the caller proof is not a URL');
  }
  const host = stsHost(expect.region);
  if (url.protocol !== 'https:' || url.username || url.password || url.port || url.hostname !== host || url.pathname !== '/' || url.hash) {
    return refuse(`the caller proof must be an https://${host}/ request (the STS endpoint of this server's region)`);
  }
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!ALLOWED.has(key)) return refuse(`the caller proof carries an unexpected parameter ${JSON.stringify(key.slice(0, 40))}`);
    if (params.has(key)) return refuse(`the caller proof repeats ${key}`);
    params.set(key, value);
  }
  const missing = REQUIRED.filter((k) => !params.has(k));
  if (missing.length > 0) return refuse(`the caller proof is not a presigned request (missing ${missing.join(', ')})`);
  if (params.get('Action') !== GET_CALLER_IDENTITY.Action || params.get('Version') !== GET_CALLER_IDENTITY.Version) {
    return refuse('the caller proof must be sts:GetCallerIdentity (Version 2011-06-15)');
  }
  if (params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return refuse('the caller proof must be signed with AWS4-HMAC-SHA256');
  const credential = CREDENTIAL.exec(params.get('X-Amz-Credential')!);
  if (!credential) return refuse('the caller proof is not scoped to the sts service');
  const [, accessKeyId, shortDate, region] = credential as unknown as [string, string, string, string];
  if (region !== expect.region) return refuse(`the caller proof is signed for ${region.slice(0, 30)}, not ${expect.region}`);
  const date = AMZ_DATE.exec(params.get('X-Amz-Date')!);
  if (!date || !params.get('X-Amz-Date')!.startsWith(shortDate)) return refuse('the caller proof has a malformed X-Amz-Date');
  const signedAtMs = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]), Number(date[4]), Number(date[5]), Number(date[6]));
  const expires = params.get('X-Amz-Expires')!;
  if (!/^\d{1,4}$/.test(expires) || Number(expires) < 1 || Number(expires) > PROOF_MAX_SECONDS) {
    return refuse(`the caller proof must expire within ${PROOF_MAX_SECONDS} seconds`);
  }
  const signedHeaders = params.get('X-Amz-SignedHeaders')!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes(SERVER_ID_HEADER)) {
    return refuse(`the caller proof is not bound to a server: ${SERVER_ID_HEADER} is not among its signed headers`);
  }
  if (!/^[0-9a-f]{64}$/.test(params.get('X-Amz-Signature')!)) return refuse('the caller proof has a malformed signature');
  const expiresAtMs = signedAtMs + Number(expires) * 1000;
  if (signedAtMs > expect.nowMs + PROOF_CLOCK_SKEW_MS) return refuse('the caller proof is signed in the future');
  if (expiresAtMs <= expect.nowMs) return refuse('the caller proof has expired');
  return { ok: true, url: url.href, accessKeyId, signedAtMs, expiresAtMs };
}
