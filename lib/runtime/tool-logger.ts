/**
 * Structured logger handed to tool code as `ctx.logger`: one JSON object per line, with the
 * agent, tool and request id on every line so logs join the audit trail. In Lambda the
 * lines go to stdout (CloudWatch Logs); in dev to stderr.
 */
import type { Manifest } from '../config/schema';
import { redact, redactJson, redactionPolicy } from '../guard/redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface ToolLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): ToolLogger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  /** Receives one complete line (with the trailing newline). @default process.stderr */
  readonly write?: (line: string) => void;
  /** @default 'info' */
  readonly level?: LogLevel;
  readonly fields?: LogFields;
  /** @default () => new Date().toISOString() */
  readonly timestamp?: () => string;
}

export function jsonLogger(options: JsonLoggerOptions = {}): ToolLogger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const min = RANK[options.level ?? 'info'];
  const base = options.fields ?? {};
  const timestamp = options.timestamp ?? (() => new Date().toISOString());
  const log = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (RANK[level] < min) return;
    write(`${safeStringify({ timestamp: timestamp(), level, message, ...base, ...fields })}\n`);
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => jsonLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** How deep an Error's causes (and nested errors) are followed in a log line. */
const MAX_ERROR_DEPTH = 4;
/** Longest stack kept: the frames that say where, not a wall of node internals. */
const MAX_STACK_CHARS = 4096;

/**
 * An Error as plain JSON: name, message, stack, cause, the errors of an AggregateError and its
 * own fields (`err.pan`, `err.response`). Plain, so a redactor can walk every string in it: an
 * Error's message and stack are not enumerable, so a JSON walk would miss them and a
 * serializer would then print them raw.
 */
export function errorForLog(err: Error, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: String(err.message) };
  if (typeof err.stack === 'string') out.stack = err.stack.slice(0, MAX_STACK_CHARS);
  if (depth >= MAX_ERROR_DEPTH) return out;
  if (err.cause !== undefined) out.cause = plainForLog(err.cause, depth + 1);
  if (err instanceof AggregateError && Array.isArray(err.errors)) out.errors = err.errors.slice(0, 10).map((e: unknown) => plainForLog(e, depth + 1));
  for (const key of Object.keys(err)) if (!(key in out)) out[key] = plainForLog((err as unknown as Record<string, unknown>)[key], depth + 1);
  return out;
}

/** `value` with every Error in it (at any depth) replaced by `errorForLog`; other values as they are. */
export function plainForLog(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value instanceof Error) return errorForLog(value, depth);
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => plainForLog(v, depth + 1, seen));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    // a Date, Map or class instance: what JSON would print of it (Errors inside are found too)
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return json.call(value);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plainForLog(v, depth + 1, seen);
  return out;
}

/** JSON.stringify that survives cycles, BigInt and Errors (logging must never throw). */
function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return errorForLog(v);
    if (v !== null && typeof v === 'object') {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return v;
  });
}

/**
 * Wraps a tool logger so that what tool code logs is redacted as for the least-cleared reader:
 * log lines reach CloudWatch Logs and whoever operates it, not the agent, and tool code logs
 * whatever it handles (a whole customer record, a payment). Message and fields both pass
 * through `redactValue`, Errors in them first turned into plain JSON (message, stack, cause,
 * own fields) so that nothing of them reaches the line unredacted; the wrapped logger's own
 * fields (agent, tool, request id) do not.
 */
export function redactingLogger(inner: ToolLogger, redactValue: <T>(value: T) => T): ToolLogger {
  const log = (level: LogLevel) => (message: string, fields?: LogFields) => {
    // what the redactor can't walk (e.g. a cycle) is dropped, never logged raw
    let safeMessage: string;
    try {
      safeMessage = redactValue(String(message));
    } catch {
      safeMessage = '[message dropped: it could not be redacted]';
    }
    let safeFields: LogFields | undefined;
    try {
      safeFields = fields === undefined ? undefined : redactValue(plainForLog(fields) as LogFields);
    } catch {
      safeFields = { redaction: 'fields dropped: they could not be redacted' };
    }
    inner[level](safeMessage, safeFields);
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    // fields tool code adds with child() are redacted like the fields of a line: copied now (a
    // later change to the object is not logged), redacted when the child first writes a line (the
    // runtime makes a child per call, and most calls log nothing)
    child: (fields) => {
      let plain: LogFields | undefined;
      try {
        plain = plainForLog(fields) as LogFields;
      } catch {
        plain = undefined;
      }
      return lazyLogger(() => {
        let safe: LogFields;
        try {
          if (plain === undefined) throw new Error('not copied');
          safe = redactValue(plain);
        } catch {
          safe = { redaction: 'fields dropped: they could not be redacted' };
        }
        return redactingLogger(inner.child(safe), redactValue);
      });
    },
  };
}

/** A logger made by `make` when it (or a child of it) first writes a line. */
function lazyLogger(make: () => ToolLogger): ToolLogger {
  let made: ToolLogger | undefined;
  const logger = () => (made ??= make());
  return {
    debug: (message, fields) => logger().debug(message, fields),
    info: (message, fields) => logger().info(message, fields),
    warn: (message, fields) => logger().warn(message, fields),
    error: (message, fields) => logger().error(message, fields),
    child: (fields) => {
      // copied now, like the fields of any child
      let copy: LogFields;
      try {
        copy = plainForLog(fields) as LogFields;
      } catch {
        copy = fields;
      }
      return lazyLogger(() => logger().child(copy));
    },
  };
}

/**
 * `inner` with every line redacted as for the manifest's least-cleared reader (its first data
 * class): what the runtime and tool code log reaches CloudWatch Logs and whoever reads it there.
 */
export function leastClearedLogger(inner: ToolLogger, manifest: Pick<Manifest, 'dataClasses' | 'guard'>): ToolLogger {
  const policy = redactionPolicy(manifest);
  const leastCleared = manifest.dataClasses[0]!;
  const redactValue = <T>(value: T): T => (typeof value === 'string' ? redact(value, leastCleared, policy).text : redactJson(value, leastCleared, policy).value) as T;
  return redactingLogger(inner, redactValue);
}
