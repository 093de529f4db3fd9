/**
 * Origin validation for the dev server (the SDK's middleware checks Host only). A browser
 * page on any site can POST to 127.0.0.1; its Origin header gives it away. Allowed: no
 * Origin (CLI clients, SDKs) or the dev server's own loopback origins. Refused: every other
 * origin, including the opaque `null` (sandboxed frames, file:// pages) and `file://`.
 */
import type { Request, RequestHandler } from 'express';
import { validateHostHeader } from '@modelcontextprotocol/server';
import { JSON_RPC } from '../runtime/json-rpc-errors';

/** Host names the dev server answers to (port-agnostic); anything else is DNS rebinding. */
export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Called for every request a header check refuses, so that the refusal is audited like any other. */
export type RefusalListener = (req: Request, reason: string) => void;

/** Whether the Host header names one of `allowedHostnames` (the SDK v2's check). */
export function isAllowedHost(host: string | undefined, allowedHostnames: readonly string[] = LOOPBACK_HOSTNAMES): boolean {
  return validateHostHeader(host, [...allowedHostnames]).ok;
}

/** DNS-rebinding protection: the Host header must name a loopback host (the SDK v2's check, as Express middleware). */
export function hostValidation(allowedHostnames: readonly string[] = LOOPBACK_HOSTNAMES, onRefuse?: RefusalListener): RequestHandler {
  return (req, res, next) => {
    const checked = validateHostHeader(req.headers.host, [...allowedHostnames]);
    if (checked.ok) return next();
    onRefuse?.(req, `forbidden Host header ${JSON.stringify(String(req.headers.host ?? '').slice(0, 128))}`);
    res.status(403).json({ jsonrpc: '2.0', error: { code: JSON_RPC.SERVER_ERROR, message: checked.message }, id: null });
  };
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]);
}

export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || allowedOrigins(port).has(origin.toLowerCase());
}

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

