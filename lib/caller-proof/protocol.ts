/**
 * The caller proof: how an agent proves to its mcp-warden server which IAM principal it is, in a
 * way that a direct `lambda:InvokeFunction` caller cannot forge (docs/isolation.md, "Proven
 * identity").
 *
 * The Lambda cannot tell an event API Gateway built (whose `requestContext.identity.userArn` API
 * Gateway verified) from one a direct invoker wrote. So the agent's client adds, to every request,
 * a presigned `sts:GetCallerIdentity` request: a URL only the holder of the agent's credentials
 * can sign, bound to one server by a signed header, valid for minutes. The server executes it
 * against STS; STS verifies the signature and answers with the signer's ARN. The pattern of
 * Vault's AWS IAM auth method and of aws-iam-authenticator (EKS).
 *
 * Both ends import this file: lib/client signs, constructs/mcp-server/runtime verifies.
 */

/** The presigned GetCallerIdentity URL. */
export const CALLER_PROOF_HEADER = 'x-warden-caller-proof';
/**
 * The server the proof is for (the REST API id). Signed into the proof (`X-Amz-SignedHeaders`),
 * and sent again in the clear so the server can refuse a proof for another server by name.
 * The server always sends its own id to STS: a proof signed for another id fails there.
 */
export const SERVER_ID_HEADER = 'x-warden-server-id';

/** How long the client's proofs are valid. Short: a leaked proof is replayable for this long, at one server. */
export const PROOF_DEFAULT_SECONDS = 300;
/** The longest validity a server accepts (STS accepts presigned requests up to 15 minutes old anyway). */
export const PROOF_MAX_SECONDS = 900;
/** A proof signed further in the future than this is refused (clock skew SigV4 itself tolerates). */
export const PROOF_CLOCK_SKEW_MS = 5 * 60_000;
/** Longer than any presigned URL with a session token (~2 KB) may be; bounds what is parsed and hashed. */
export const PROOF_MAX_LENGTH = 8192;

export const GET_CALLER_IDENTITY = { Action: 'GetCallerIdentity', Version: '2011-06-15' } as const;

/** The regional STS host: the only host a proof may name (a server never fetches a URL the caller chose). */
export function stsHost(region: string): string {
  return `sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/**
 * The principal an ARN stands for, in a form both sides agree on: an assumed-role session
 * (`arn:aws:sts::A:assumed-role/ROLE/SESSION`) and its role (`arn:aws:iam::A:role/PATH/ROLE`) are
 * the same principal, `arn:aws:iam::A:role/ROLE`; any other ARN stands for itself.
 */
export function principalOf(arn: string): string {
  const session = /^arn:(aws(?:-[a-z]+)*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (session) return `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`;
  const role = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (role) return `arn:${role[1]}:iam::${role[2]}:role/${role[3]}`;
  return arn;
}
