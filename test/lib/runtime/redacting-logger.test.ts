import { jsonLogger, redactingLogger } from '../../../lib/runtime/tool-logger';

const capture = () => {
  const lines: string[] = [];
  return { lines, logger: jsonLogger({ write: (l) => lines.push(l), timestamp: () => 't' }) };
};
/** A stand-in redactor that upper-cases every string value (keys untouched). */
const upper = <T>(v: T): T =>
  (typeof v === 'string' ? v.toUpperCase() : JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === 'string' ? x.toUpperCase() : x))) as T;

describe('redactingLogger', () => {
  it('passes message, fields and the fields of its children through the redactor, and keeps its own context fields', () => {
    const { lines, logger } = capture();
    // child() fields come from tool code as much as line fields do (issue 7)
    redactingLogger(logger.child({ tool: 'get_order' }), upper).child({ agent: 'a' }).warn('secret', { note: 'x' });
    expect(JSON.parse(lines[0]!)).toEqual({ timestamp: 't', level: 'warn', message: 'SECRET', tool: 'get_order', agent: 'A', note: 'X' });
  });

  it('drops what cannot be redacted instead of logging it raw', () => {
    const { lines, logger } = capture();
    const failing = <T>(): T => {
      throw new Error('cannot walk');
    };
    redactingLogger(logger, failing).error('card 4111 1111 1111 1111', { record: { pan: '4111111111111111' } });
    const line = lines[0]!;
    expect(line).not.toContain('4111');
    expect(JSON.parse(line)).toMatchObject({ message: '[message dropped: it could not be redacted]', redaction: 'fields dropped: they could not be redacted' });
  });

  it('redacts a child\'s fields when it first writes a line, as they were when the child was made', () => {
    const { lines, logger } = capture();
    const redacted: unknown[] = [];
    const counting = <T>(v: T): T => {
      redacted.push(v);
      return upper(v);
    };
    const fields: Record<string, unknown> = { tool: 'get_order' };
    // the runtime makes a child per call; a call that logs nothing costs no redaction
    const child = redactingLogger(logger, counting).child(fields).child({ agent: 'a' });
    expect(redacted).toEqual([]);
    fields.tool = 'changed later';
    child.info('done');
    child.info('again');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { timestamp: 't', level: 'info', message: 'DONE', tool: 'GET_ORDER', agent: 'A' },
      { timestamp: 't', level: 'info', message: 'AGAIN', tool: 'GET_ORDER', agent: 'A' },
    ]);
    // each child's fields once, then each line's message
    expect(redacted).toEqual([{ tool: 'get_order' }, { agent: 'a' }, 'done', 'again']);
  });
});
