/** Where audit events go. The guard emits; tool code never holds a sink, so it cannot mute audit. */
import type { AuditSink } from './contract';

export interface MemoryAuditSink extends AuditSink {
  readonly events: Record<string, unknown>[];
  clear(): void;
}

/** Keeps events in memory (tests, `npm run dev`). */
export function memoryAuditSink(): MemoryAuditSink {
  const events: Record<string, unknown>[] = [];
  return {
    events,
    emit: (event) => void events.push(event),
    clear: () => void events.splice(0, events.length),
  };
}

/**
 * One JSON object per line, e.g. `jsonLinesAuditSink((line) => process.stdout.write(line))` in
 * Lambda: CloudWatch Logs keeps each line as one event a metric filter or Logs Insights can
 * query. `line` ends with "\n". Write to stdout directly, not through console.log, which
 * prefixes text in Lambda's text log format.
 */
export function jsonLinesAuditSink(write: (line: string) => void): AuditSink {
  return { emit: (event) => write(`${JSON.stringify(event)}\n`) };
}
