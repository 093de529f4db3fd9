/**
 * Reads a request body with a byte limit, so an oversized body is refused after
 * `limit + 1` bytes instead of being buffered whole.
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared >= limit) return Promise.resolve({ ok: false, reason: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size >= limit) {
        chunks.length = 0;
        finish({ ok: false, reason: 'too-large' });
        // Keep draining (discarding) so the client can read the 413; requestTimeout bounds it.
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ ok: true, body: Buffer.concat(chunks) }));
    req.once('error', () => finish({ ok: false, reason: 'aborted' }));
    req.once('close', () => finish(size <= limit && req.complete ? { ok: true, body: Buffer.concat(chunks) } : { ok: false, reason: 'aborted' }));
  });
}
