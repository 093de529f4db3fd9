/**
 * Sends a caller proof to STS with node:https. Not `fetch`: a proof is signed for the host
 * `sts.<region>.amazonaws.com`, and when the STS endpoint is overridden (AWS_ENDPOINT_URL_STS or
 * AWS_ENDPOINT_URL, which the AWS SDK honours for this function's own STS calls too) the request
 * must go there with that Host header, which fetch refuses to set. In the VPC, the regional STS
 * host name resolves to the STS interface endpoint (private DNS).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';

export interface StsResponse {
  readonly status: number;
  text(): Promise<string>;
}

/** How the runtime sends a proof: GET `url` with these headers. Injected in tests. */
export type StsFetch = (url: string, init: { readonly headers: Readonly<Record<string, string>>; readonly signal?: AbortSignal }) => Promise<StsResponse>;

/** GetCallerIdentity answers are a few hundred bytes; anything far larger is not STS. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });

export function httpsStsFetch(env: NodeJS.ProcessEnv = process.env): StsFetch {
  const override = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
  return (url, init) =>
    new Promise<StsResponse>((resolve, reject) => {
      const target = new URL(url);
      const via = override ? new URL(override) : target;
      const send = via.protocol === 'http:' ? httpRequest : httpsRequest;
      const req = send(
        {
          protocol: via.protocol,
          hostname: via.hostname,
          port: via.port || undefined,
          method: 'GET',
          path: `${target.pathname}${target.search}`,
          headers: { ...init.headers, host: target.host },
          servername: via.protocol === 'https:' ? via.hostname : undefined,
          agent: via.protocol === 'https:' && !override ? keepAlive : undefined,
          signal: init.signal,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) res.destroy(new Error('STS response too large'));
            else chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, text: async () => body });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
}
