/**
 * Structured logger handed to tool code as `ctx.logger`: one JSON object per line, with the
 * agent, tool and request id on every line so logs join the audit trail. In Lambda the
 * lines go to stdout (CloudWatch Logs); in dev to stderr.
 */
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

/** JSON.stringify that survives cycles, BigInt and Errors (logging must never throw). */
function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return { name: v.name, message: v.message };
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
 * through `redactValue`; the wrapped logger's own fields (agent, tool, request id) do not.
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
      safeFields = fields === undefined ? undefined : redactValue(fields);
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
    child: (fields) => redactingLogger(inner.child(fields), redactValue),
  };
}
