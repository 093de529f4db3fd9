/**
 * Origin validation for the dev server (the SDK's middleware checks Host only). A browser
 * page on any site can POST to 127.0.0.1; its Origin header gives it away. Allowed: no
 * Origin (CLI clients, SDKs) or the dev server's own loopback origins. Refused: every other
 * origin, including the opaque `null` (sandboxed frames, file:// pages) and `file://`.
 */
import type { Request, RequestHandler } from 'express';
import { JSON_RPC } from '../runtime/json-rpc-errors';

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]);
}

export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || allowedOrigins(port).has(origin.toLowerCase());
}

/** Called for every request a header check refuses, so that the refusal is audited like any other. */
export type RefusalListener = (req: Request, reason: string) => void;

/** @param port a function because with `--port 0` the port is known only after listen(). */
export function originValidation(port: () => number, onRefuse?: RefusalListener): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (isAllowedOrigin(origin, port())) return next();
    onRefuse?.(req, `forbidden Origin ${JSON.stringify(String(origin).slice(0, 128))}`);
    res
      .status(403)
      .json({ jsonrpc: '2.0', error: { code: JSON_RPC.SERVER_ERROR, message: 'Forbidden Origin: the dev server accepts requests from local clients only' }, id: null });
  };
}

/**
 * A synchronous header check (the SDK's Host validation) whose refusals are reported: the check
 * refused when it answered without calling `next`.
 */
export function auditedCheck(check: RequestHandler, reason: (req: Request) => string, onRefuse: RefusalListener): RequestHandler {
  return (req, res, next) => {
    let passed = false;
    void check(req, res, (err?: unknown) => {
      passed = true;
      next(err);
    });
    if (!passed) onRefuse(req, reason(req));
  };
}
