/**
 * Where the dev server's audit events go: JSON lines to stderr or a file (as CloudWatch
 * would receive them from the Lambda), plus the most recent events in memory for tests
 * and the in-process API. Bounded, so a long session or a load test can't grow memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { AuditSink, MetricName, MetricsSink } from '../guard/contract';
import { lineBuffer, type LineBuffer } from '../guard/line-buffer';

export type AuditDestination = 'stderr' | 'none' | { readonly file: string };

export class DevAuditSink implements AuditSink {
  /** Most recent events, oldest first. */
  public readonly events: Record<string, unknown>[] = [];
  private readonly stream?: WriteStream;
  /** Lines go out after the response (next turn of the event loop), in one write. */
  private readonly lines?: LineBuffer;

  constructor(
    destination: AuditDestination = 'stderr',
    private readonly keep = 1000,
  ) {
    if (typeof destination === 'object') this.stream = createWriteStream(destination.file, { flags: 'a' });
    const stream = this.stream;
    if (stream) this.lines = lineBuffer((text) => void stream.write(text));
    else if (destination === 'stderr') this.lines = lineBuffer((text) => void process.stderr.write(text));
  }

  public emit(event: Record<string, unknown>): void {
    this.events.push(event);
    if (this.events.length > this.keep) this.events.splice(0, this.events.length - this.keep);
    this.lines?.write(`${JSON.stringify(event)}\n`);
  }

  public close(): Promise<void> {
    this.lines?.flush();
    const stream = this.stream;
    return stream ? new Promise((resolve) => stream.end(() => resolve())) : Promise.resolve();
  }
}

/** Metrics in dev: running totals per agent (EMF lines would only be noise locally). */
export class DevMetrics implements MetricsSink {
  private readonly totals = new Map<string, Partial<Record<MetricName, number>>>();

  public put(agent: string, metrics: Partial<Record<MetricName, number>>): void {
    const current = this.totals.get(agent) ?? {};
    for (const [name, value] of Object.entries(metrics) as Array<[MetricName, number]>) current[name] = (current[name] ?? 0) + value;
    this.totals.set(agent, current);
  }

  /** Sum of each metric for `agent` since start. */
  public of(agent: string): Partial<Record<MetricName, number>> {
    return { ...(this.totals.get(agent) ?? {}) };
  }
}
