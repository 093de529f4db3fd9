/** Audit and metric lines leave in one write per request, in order, and none is lost. */
import { lineBuffer } from '../../../lib/guard/line-buffer';

describe('lineBuffer', () => {
  it('writes nothing until flushed, then every line in order in one write', () => {
    const writes: string[] = [];
    const scheduled: Array<() => void> = [];
    const buffer = lineBuffer((text) => writes.push(text), (flush) => scheduled.push(flush));
    buffer.write('{"audit":1}\n');
    buffer.write('{"emf":1}\n');
    expect(writes).toEqual([]);
    expect(buffer.pending).toBe(2);
    buffer.flush();
    expect(writes).toEqual(['{"audit":1}\n{"emf":1}\n']);
    expect(buffer.pending).toBe(0);
    // the scheduled flush finds nothing left to write
    scheduled.forEach((f) => f());
    expect(writes).toHaveLength(1);
  });

  it('writes lines nobody flushed on the next turn of the event loop', async () => {
    const writes: string[] = [];
    const buffer = lineBuffer((text) => writes.push(text));
    buffer.write('late\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['late\n']);
    buffer.write('again\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['late\n', 'again\n']);
  });
});
