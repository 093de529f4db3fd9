/**
 * Audit and metric lines off the response path: the sinks append to a buffer, and the buffer
 * is written in one call, by the transport once per request (the Lambda handler, before it
 * returns) or on the next turn of the event loop (the dev server, after the response went out),
 * whichever comes first. Every line is written; none is dropped or reordered.
 */
export interface LineBuffer {
  /** Queues a complete line (ending in "\n"). */
  readonly write: (line: string) => void;
  /** Writes every queued line now, in one call. */
  flush(): void;
  readonly pending: number;
}

export function lineBuffer(out: (text: string) => void, schedule: (flush: () => void) => void = (flush) => void setImmediate(flush)): LineBuffer {
  let lines: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (lines.length === 0) return;
    const text = lines.length === 1 ? lines[0]! : lines.join('');
    lines = [];
    out(text);
  };
  return {
    write: (line) => {
      lines.push(line);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
    get pending() {
      return lines.length;
    },
  };
}
