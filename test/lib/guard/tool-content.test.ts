/** Shape and size checks of tool result content (MCP content blocks). */
import { checkToolContent, DEFAULT_TOOL_CONTENT_LIMITS } from '../../../lib/guard/tool-content';

const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
const problem = (content: unknown, limits = DEFAULT_TOOL_CONTENT_LIMITS) => {
  const r = checkToolContent(content, limits);
  return r.ok ? undefined : r.problem;
};

describe('checkToolContent', () => {
  it('accepts each MCP content type and reports the binary size', () => {
    const r = checkToolContent([
      { type: 'text', text: 'hello', annotations: { audience: ['user'], priority: 0.5 } },
      { type: 'image', data: b64(10), mimeType: 'image/png' },
      { type: 'audio', data: b64(5), mimeType: 'audio/wav' },
      { type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain; charset=utf-8', text: 'x' } },
      { type: 'resource', resource: { uri: 'file:///tmp/a.bin', blob: b64(3) } },
      { type: 'resource_link', uri: 'https://example.com/a', name: 'a', mimeType: 'application/json', size: 12 },
    ]);
    expect(r.ok).toBe(true);
    expect(r.ok && r.binaryBytes).toBe(18);
  });

  it('names the part and field of the first problem', () => {
    expect(problem([{ type: 'text', text: 'ok' }, { type: 'image', data: b64(3) }])).toMatch(/^content\[1\]\.mimeType must be a string/);
  });

  it.each([
    ['image/png<script>', /is not a media type/],
    ['png', /is not a media type/],
    ['audio/wav', /is not an image type/],
    ['image/' + 'a'.repeat(300), /at most 255 characters/],
  ])('refuses the image media type %s', (mimeType, why) => {
    expect(problem([{ type: 'image', data: b64(3), mimeType }])).toMatch(why);
  });

  it.each([
    ['whitespace', 'AAAA AAAA'],
    ['the URL-safe alphabet', 'AA-_'],
    ['missing padding', 'AAA'],
    ['an empty string', ''],
    ['a number', 12],
  ])('refuses base64 data with %s', (_, data) => {
    expect(problem([{ type: 'audio', data, mimeType: 'audio/wav' }])).toMatch(/base64/);
  });

  it('refuses a binary part over the per-part limit before decoding it', () => {
    const limits = { ...DEFAULT_TOOL_CONTENT_LIMITS, maxBinaryBytes: 1000 };
    expect(problem([{ type: 'image', data: b64(1001), mimeType: 'image/png' }], limits)).toMatch(/larger than 1000 bytes/);
    expect(problem([{ type: 'image', data: b64(1000), mimeType: 'image/png' }], limits)).toBeUndefined();
  });

  it('refuses binary parts whose total exceeds the per-result limit', () => {
    const limits = { ...DEFAULT_TOOL_CONTENT_LIMITS, maxBinaryBytes: 1000, maxTotalBinaryBytes: 1500 };
    const part = { type: 'image', data: b64(800), mimeType: 'image/png' };
    expect(problem([part, part], limits)).toMatch(/more than 1500 bytes of binary data/);
  });

  it('refuses more parts than the limit', () => {
    expect(problem(Array.from({ length: 65 }, () => ({ type: 'text', text: 'x' })))).toMatch(/65 parts, more than 64/);
  });

  it.each([
    ['an unknown type', { type: 'video', data: b64(3), mimeType: 'video/mp4' }, /unsupported content type "video"/],
    ['no type', { text: 'x' }, /unsupported content type undefined/],
    ['a relative URI', { type: 'resource_link', uri: '/a/b', name: 'x' }, /not an absolute URI/],
    ['a javascript: URI', { type: 'resource_link', uri: 'javascript:alert(1)', name: 'x' }, /javascript: scheme/],
    ['a resource without text or blob', { type: 'resource', resource: { uri: 'test://x' } }, /exactly one of text or blob/],
    ['a negative size', { type: 'resource_link', uri: 'test://x', name: 'x', size: -1 }, /non-negative integer/],
    ['a bad audience', { type: 'text', text: 'x', annotations: { audience: ['admin'] } }, /audience/],
    ['a priority above 1', { type: 'text', text: 'x', annotations: { priority: 2 } }, /priority/],
  ])('refuses %s', (_, part, why) => {
    expect(problem([part])).toMatch(why);
  });

  it('refuses content that is not an array', () => {
    expect(problem({ type: 'text', text: 'x' })).toMatch(/must be an array/);
  });

  // the test's timeout is the bound, not a stopwatch: a backtracking base64 check would take minutes
  it('checks a 1 MiB image in seconds at most (the patterns are linear)', () => {
    expect(problem([{ type: 'image', data: b64(1024 * 1024), mimeType: 'image/png' }])).toBeUndefined();
    expect(problem([{ type: 'image', data: `${b64(1024 * 1024 - 3).slice(0, -4)}!AAA`, mimeType: 'image/png' }])).toMatch(/base64/);
  }, 30_000);
});
