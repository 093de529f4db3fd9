import { checkHttp, inspectShape, MAX_JSON_DEPTH, parseMessage, SUPPORTED_PROTOCOL_VERSIONS } from '../../../lib/runtime/request-checks';
import type { HttpRequestLike } from '../../../lib/runtime/http-types';

const LIMIT = 1024 * 1024;
const post = (body: string, headers: Record<string, string> = {}): HttpRequestLike => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
  body,
});
const errorOf = (body: string) => JSON.parse(body) as { jsonrpc: string; id: unknown; error: { code: number; message: string } };
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('checkHttp', () => {
  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405 and Allow: POST', (method) => {
    const res = checkHttp({ ...post('{}'), method }, LIMIT)!;
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(errorOf(res.body).error.code).toBe(-32000);
  });

  it('refuses a body over the limit with 413, counting UTF-8 bytes', () => {
    expect(checkHttp(post('x'.repeat(LIMIT - 1)), LIMIT)).toBeUndefined();
    expect(checkHttp(post('x'.repeat(LIMIT)), LIMIT)!.status).toBe(413);
    expect(checkHttp(post('é'.repeat(LIMIT / 2 + 1)), LIMIT)!.status).toBe(413);
  });

  it('refuses a declared Content-Length over the limit before anything is read', () => {
    expect(checkHttp(post('{}', { 'content-length': String(LIMIT) }), LIMIT)!.status).toBe(413);
  });

  it.each([['text/plain'], ['application/jsonp'], ['application/json; charset=latin1'], ['']])('refuses content type %j with 415', (type) => {
    expect(checkHttp(post('{}', { 'content-type': type }), LIMIT)!.status).toBe(415);
  });

  it('accepts application/json with a UTF-8 charset', () => {
    expect(checkHttp(post('{}', { 'content-type': 'Application/JSON; charset=utf-8' }), LIMIT)).toBeUndefined();
  });

  it('refuses a client that does not accept both JSON and SSE with 406', () => {
    expect(checkHttp(post('{}', { accept: 'application/json' }), LIMIT)!.status).toBe(406);
  });

  it('refuses an unsupported MCP-Protocol-Version with 400 listing the supported ones', () => {
    const res = checkHttp(post('{}', { 'mcp-protocol-version': '1999-01-01' }), LIMIT)!;
    expect(res.status).toBe(400);
    expect(errorOf(res.body).error.message).toContain(SUPPORTED_PROTOCOL_VERSIONS[0]);
  });

  it('accepts every protocol version the SDK supports', () => {
    for (const v of SUPPORTED_PROTOCOL_VERSIONS) expect(checkHttp(post('{}', { 'mcp-protocol-version': v }), LIMIT)).toBeUndefined();
  });
});

describe('parseMessage', () => {
  it('answers a 2026-07-28 request for an unknown or removed method with HTTP 404 and -32601', () => {
    for (const method of ['sampling/createMessage', 'initialize', 'ping', 'logging/setLevel']) {
      const r = parseMessage(JSON.stringify({ jsonrpc: '2.0', id: 4, method, params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } }));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.response.status).toBe(404);
        expect(errorOf(r.response.body)).toMatchObject({ id: 4, error: { code: -32601 } });
      }
    }
  });

  it('judges a request by 2026-07-28 rules when its MCP-Protocol-Version header says so, envelope or not', () => {
    const r = parseMessage('{"jsonrpc":"2.0","id":5,"method":"ping"}', true);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.response.status).toBe(404);
    const discover = parseMessage('{"jsonrpc":"2.0","id":6,"method":"server/discover"}', true);
    expect(discover).toMatchObject({ ok: true, modern: true });
  });

  it('answers a 2025-era request for server/discover (2026-07-28 only) with -32601 in a normal response', () => {
    const r = parseMessage('{"jsonrpc":"2.0","id":7,"method":"server/discover"}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.response.status).toBe(200);
  });

  const refused = (body: string) => {
    const r = parseMessage(body);
    if (r.ok) throw new Error('expected a refusal');
    return { status: r.response.status, ...errorOf(r.response.body) };
  };

  it('accepts a tools/call request and returns its id, method and params', () => {
    const r = parseMessage('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_order","arguments":{"orderId":"ORD-000001"}}}');
    expect(r).toMatchObject({ ok: true, id: 7, method: 'tools/call', params: { name: 'get_order' } });
  });

  it('accepts the initialized notification (no id)', () => {
    expect(parseMessage('{"jsonrpc":"2.0","method":"notifications/initialized"}')).toMatchObject({ ok: true, method: 'notifications/initialized' });
  });

  it.each(['{', '{"jsonrpc":"2.0",', '', 'nul', '{"a":1}}'])('answers malformed JSON %j with -32700 and HTTP 400', (body) => {
    expect(refused(body)).toMatchObject({ status: 400, id: null, error: { code: -32700 } });
  });

  it('refuses a member JSON-RPC does not define with -32600 naming it', () => {
    expect(refused('{"jsonrpc":"2.0","id":1,"method":"ping","x":1}')).toMatchObject({
      status: 400,
      id: 1,
      error: { code: -32600, message: 'Invalid Request: unknown member "x"; a JSON-RPC request has only jsonrpc, id, method and params' },
    });
  });

  it('refuses batches', () => {
    expect(refused('[{"jsonrpc":"2.0","id":1,"method":"ping"}]')).toMatchObject({ status: 400, error: { code: -32600 } });
  });

  it.each(['"1.0"', '2', 'null'])('refuses jsonrpc %s and echoes a valid id', (version) => {
    expect(refused(`{"jsonrpc":${version},"id":"a","method":"ping"}`)).toMatchObject({ id: 'a', error: { code: -32600 } });
  });

  it.each(['null', '{}', 'true', '[1]', '1e999'])('refuses id %s and answers with id null', (id) => {
    expect(refused(`{"jsonrpc":"2.0","id":${id},"method":"ping"}`)).toMatchObject({ status: 400, id: null, error: { code: -32600 } });
  });

  it.each(['[]', '"x"', '1', 'null'])('refuses params %s', (params) => {
    expect(refused(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":${params}}`)).toMatchObject({ id: 1, error: { code: -32600 } });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s anywhere, without it touching any prototype', (key) => {
    const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_order","arguments":{"a":[{"${key}":{"isAdmin":true}}]}}}`;
    expect(refused(body)).toMatchObject({ error: { code: -32600, message: expect.stringContaining(key) } });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels and refuses deeper`, () => {
    expect(inspectShape(JSON.parse(nested(MAX_JSON_DEPTH)))).toBeUndefined();
    expect(inspectShape(JSON.parse(nested(MAX_JSON_DEPTH + 1)))).toMatch(/nesting/);
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    expect(refused(deep)).toMatchObject({ error: { code: -32600, message: expect.stringMatching(/nesting/) } });
  });

  it('answers an unknown method with -32601 in a normal JSON-RPC response', () => {
    const r = parseMessage('{"jsonrpc":"2.0","id":3,"method":"sampling/createMessage"}');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.response.status).toBe(200);
      expect(errorOf(r.response.body)).toMatchObject({ id: 3, error: { code: -32601 } });
    }
  });

  it.each([['[]'], ['"ORD-000001"'], ['null']])('refuses tools/call arguments %s with -32602', (args) => {
    expect(refused(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_order","arguments":${args}}}`)).toMatchObject({ id: 1, error: { code: -32602 } });
  });

  it('refuses a tools/call without a string tool name', () => {
    expect(refused('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":{"$ne":""}}}')).toMatchObject({ error: { code: -32602 } });
  });

  it('refuses responses (result/error) since the server sends no requests', () => {
    expect(refused('{"jsonrpc":"2.0","id":1,"result":{}}')).toMatchObject({ error: { code: -32600 } });
  });

  it('never echoes control characters from a method name', () => {
    const r = parseMessage('{"jsonrpc":"2.0","id":1,"method":"evil\\u001b[31m\\n"}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.response.body).not.toMatch(/\\u001b|\\n/);
  });

  // found by the fuzzer (test/integration/fuzz-*.test.ts)
  it.each([
    ['a lone 0xff byte', [0xff]],
    ['an overlong quote (0xc0 0xa2)', [0xc0, 0xa2]],
    ['an overlong "<" (0xe0 0x80 0xbc)', [0xe0, 0x80, 0xbc]],
    ['a UTF-8-encoded surrogate', [0xed, 0xa0, 0x80]],
  ])('refuses a body with %s inside a string as a parse error instead of replacing it', (_name, bytes) => {
    const body = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":"a'), Buffer.from(bytes), Buffer.from('","method":"ping"}')]);
    const r = parseMessage(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect({ status: r.response.status, ...errorOf(r.response.body) }).toMatchObject({ status: 400, error: { code: -32700, message: expect.stringMatching(/UTF-8/) } });
  });

  it('ignores a leading byte order mark in a byte body and a string body alike', () => {
    const message = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    expect(parseMessage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(message)])).ok).toBe(true);
    expect(parseMessage(`\uFEFF${message}`).ok).toBe(true);
  });

  it.each([['1.5'], ['1e308'], ['1e400'], ['9007199254740993']])('refuses the non-integer or unsafe id %s with -32600, not the SDK\'s "-32700 Parse error"', (id) => {
    const r = refused(`{"jsonrpc":"2.0","id":${id},"method":"ping"}`);
    expect(r).toMatchObject({ status: 400, id: null, error: { code: -32600, message: expect.stringMatching(/"id" must be a string or an integer/) } });
  });

  it('accepts -0 (and -1e-400, which parses to it) as an id that is echoed as 0', () => {
    for (const id of ['-0', '-1e-400']) {
      const r = parseMessage(`{"jsonrpc":"2.0","id":${id},"method":"ping"}`);
      expect(r.ok).toBe(true);
      if (r.ok) expect(JSON.stringify({ id: r.id })).toBe('{"id":0}');
    }
  });

  it.each(['tools/call', 'tools/list', 'initialize', 'ping'])('refuses the request %s sent without an id (it would run with nowhere to answer)', (method) => {
    expect(refused(`{"jsonrpc":"2.0","method":"${method}","params":{}}`)).toMatchObject({ error: { code: -32600, message: expect.stringContaining('needs an "id"') } });
  });

  it.each([
    ['initialize with a numeric protocolVersion', '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":5,"capabilities":{},"clientInfo":{"name":"c","version":"1"}}}', 'params.protocolVersion'],
    ['initialize without clientInfo', '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}', 'params.clientInfo'],
    ['tools/list with a numeric cursor', '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":5}}', 'params.cursor'],
    ['ping with a string _meta', '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":"x"}}', 'params._meta'],
    ['tools/call with an object progressToken', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_order","arguments":{},"_meta":{"progressToken":{}}}}', 'params._meta.progressToken'],
    ['notifications/cancelled with a numeric reason', '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":5}}', 'params.reason'],
  ])('refuses %s with -32602 naming the field (the SDK answered -32603 with a zod dump)', (_name, body, field) => {
    const r = refused(body);
    expect(r.status).toBe(400);
    expect(r.error.code).toBe(-32602);
    expect(r.error.message).toContain(field);
    expect(r.error.message).not.toContain('\n');
  });
});
