/**
 * STS with real logic for the caller proof: it issues credentials for principals, verifies
 * presigned GetCallerIdentity requests with an independent SigV4 implementation
 * (test/lib/client/sigv4-verifier.ts, node:crypto only) and answers with the signer's ARN, as STS
 * does. It also answers AssumeRole (header-signed, query protocol) so a bundled server can run
 * against it over HTTP, and counts every call.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StsFetch } from '../../../constructs/mcp-server/runtime/sts-https';
import { verifyPresignedSigV4, verifySigV4, type VerifierKey } from '../../lib/client/sigv4-verifier';

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface StsCall {
  readonly action: string;
  readonly accessKeyId?: string;
  readonly ok: boolean;
  readonly reason?: string;
  /** AssumeRole: the role asked for. */
  readonly roleArn?: string;
}

const xml = (tag: string, inner: string) => `<${tag}>${inner}</${tag}>`;
const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export class FakeSts {
  public readonly calls: StsCall[] = [];
  private readonly keys = new Map<string, VerifierKey & { arn: string }>();
  private server?: Server;

  constructor(private readonly region: string, private readonly now: () => number = Date.now) {}

  /** Temporary credentials whose signature STS attributes to `arn` (an assumed-role session ARN, say). */
  public issue(arn: string, prefix = 'ASIAFAKE'): IssuedCredentials {
    const accessKeyId = `${prefix}${randomBytes(6).toString('hex').toUpperCase()}`.slice(0, 20);
    const credentials = { accessKeyId, secretAccessKey: randomBytes(20).toString('base64'), sessionToken: randomBytes(48).toString('base64') };
    this.keys.set(accessKeyId, { secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken, arn });
    return credentials;
  }

  public count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  /** The StsFetch the runtime is given in unit tests: the request as it would reach STS. */
  public readonly fetch: StsFetch = async (url, init) => {
    const target = new URL(url);
    const headers: IncomingHttpHeaders = { host: target.host };
    for (const [k, v] of Object.entries(init.headers)) headers[k.toLowerCase()] = v;
    const answer = this.handle({ method: 'GET', url: `${target.pathname}${target.search}`, headers, body: Buffer.alloc(0) });
    return { status: answer.status, text: async () => answer.body };
  };

  /** Serves HTTP on 127.0.0.1 (for AWS_ENDPOINT_URL_STS); returns the endpoint URL. */
  public async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = this.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }): { status: number; type: string; body: string } {
    const query = new URL(req.url, 'http://placeholder').searchParams;
    const form = new URLSearchParams(req.method === 'POST' ? req.body.toString('utf8') : '');
    const action = query.get('Action') ?? form.get('Action') ?? '(none)';
    const json = String(req.headers.accept ?? '').includes('application/json');
    const refuse = (status: number, code: string, reason: string, accessKeyId?: string) => {
      this.calls.push({ action, accessKeyId, ok: false, reason });
      const body = json
        ? JSON.stringify({ Error: { Code: code, Message: reason, Type: 'Sender' } })
        : `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type>${xml('Code', code)}${xml('Message', reason)}</Error></ErrorResponse>`;
      return { status, type: json ? 'application/json' : 'text/xml', body };
    };
    const keys = new Map([...this.keys].map(([id, k]) => [id, { secretAccessKey: k.secretAccessKey, sessionToken: k.sessionToken }]));

    if (action === 'GetCallerIdentity') {
      if (req.method !== 'GET' || query.get('Version') !== '2011-06-15') return refuse(400, 'InvalidAction', 'GetCallerIdentity is GET, Version 2011-06-15');
      const verdict = verifyPresignedSigV4(req, keys, { service: 'sts', nowMs: this.now() });
      if (!verdict.ok) return refuse(403, verdict.reason === 'request has expired' ? 'ExpiredToken' : 'SignatureDoesNotMatch', verdict.reason!, verdict.accessKeyId);
      if (verdict.region !== this.region) return refuse(403, 'SignatureDoesNotMatch', `credential scope is ${verdict.region}, this is ${this.region}`, verdict.accessKeyId);
      const arn = this.keys.get(verdict.accessKeyId!)!.arn;
      this.calls.push({ action, accessKeyId: verdict.accessKeyId, ok: true });
      const account = arn.split(':')[4]!;
      const result = { Arn: arn, Account: account, UserId: `AROAFAKE:${verdict.accessKeyId}` };
      const body = json
        ? JSON.stringify({ GetCallerIdentityResponse: { GetCallerIdentityResult: result, ResponseMetadata: { RequestId: 'fake' } } })
        : `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult>${xml('Arn', arn)}${xml('UserId', result.UserId)}${xml('Account', account)}</GetCallerIdentityResult></GetCallerIdentityResponse>`;
      return { status: 200, type: json ? 'application/json' : 'text/xml', body };
    }

    if (action === 'AssumeRole') {
      const verdict = verifySigV4(req, keys, { region: this.region, service: 'sts', nowMs: this.now() });
      if (!verdict.ok) return refuse(403, 'SignatureDoesNotMatch', verdict.reason!, verdict.accessKeyId);
      const roleArn = form.get('RoleArn') ?? '';
      const role = /:role\/(.+)$/.exec(roleArn)?.[1] ?? 'unknown';
      const session = form.get('RoleSessionName') ?? 'session';
      const issued = this.issue(`arn:aws:sts::${roleArn.split(':')[4]}:assumed-role/${role}/${session}`);
      this.calls.push({ action, accessKeyId: verdict.accessKeyId, ok: true, roleArn });
      const expiration = new Date(this.now() + Number(form.get('DurationSeconds') ?? 900) * 1000).toISOString();
      const credentials = `${xml('AccessKeyId', issued.accessKeyId)}${xml('SecretAccessKey', issued.secretAccessKey)}${xml('SessionToken', issued.sessionToken)}${xml('Expiration', expiration)}`;
      const body = `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult>${xml('Credentials', credentials)}${xml('AssumedRoleUser', `${xml('Arn', 'x')}${xml('AssumedRoleId', 'AROAFAKE:x')}`)}</AssumeRoleResult>${xml('ResponseMetadata', xml('RequestId', 'fake'))}</AssumeRoleResponse>`;
      return { status: 200, type: 'text/xml', body };
    }
    return refuse(400, 'InvalidAction', `action ${action} is not faked`);
  }

  /** Registers credentials the test made itself (e.g. the Lambda role's, which sign AssumeRole). */
  public register(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, arn: string): void {
    this.keys.set(credentials.accessKeyId, { secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken, arn });
  }
}
