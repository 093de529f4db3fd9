/**
 * Every part of a tool response is redacted by the same rules for the caller's clearance
 * (issue 7, points 1 and 7): the JSON text copy as well as structuredContent, embedded
 * resources, links, annotations and media-type parameters; hidden characters are stripped
 * whatever guard.outputInjection says.
 */
import type { Manifest } from '../../../lib/config/schema';
import type { ToolCallResult } from '../../../lib/guard/contract';
import { toToolResult } from '../../../lib/runtime/tool-result';
import { guardHarness } from './guard-harness';

const CREDENTIALS = { portalPassword: 'Tr0ub4dor&3', apiKey: 'sk_live_51HxQ2eKz8aBcDeFgHiJkLmNo', sessionToken: 'c2Vzc2lvbi10b2tlbi1mb3ItdGhlLXBvcnRhbA' };
/** Addresses the street patterns do not know (Polish, Japanese): only the `address` key says what they are. */
const ADDRESSES = ['ul. Marszałkowska 84/92, 00-514 Warszawa', '東京都千代田区丸の内1-9-1'];

const leaked = (result: ToolCallResult, secrets: readonly string[]) => {
  const all = JSON.stringify(result);
  return secrets.filter((s) => all.includes(s) || all.includes(JSON.stringify(s).slice(1, -1)));
};

function withOutputInjection(outputInjection: 'flag' | 'block' | 'off'): Manifest {
  const base = guardHarness().manifest;
  return { ...base, guard: { ...base.guard, outputInjection } };
}

describe('createGuard: one redaction for every part of a response', () => {
  it('hides credential keys in the JSON text copy as in structuredContent (confidential clearance)', async () => {
    const h = guardHarness();
    const run = async () => toToolResult({ customerId: 'C-1', name: 'Ada', portal: { ...CREDENTIALS } });
    const result = await h.guard.callTool(h.call('support-agent', 'commerce', 'get_customer', { customerId: 'C-1' }, { run }));
    expect(leaked(result, Object.values(CREDENTIALS))).toEqual([]);
    const text = (result.content[0] as { text: string }).text;
    // the text copy is the redacted structured value, laid out as the tool wrote it
    expect(JSON.parse(text)).toEqual(result.structuredContent);
    expect(text).toContain('"portalPassword": "[REDACTED:aws-secret]"');
    expect(text).toContain('"name": "Ada"');
  });

  it('hides every value under an address key in the text copy for an internal agent', async () => {
    const h = guardHarness();
    const customers = ADDRESSES.map((address, i) => ({ id: `C-${i}`, address }));
    const run = async () => toToolResult({ customers });
    const result = await h.guard.callTool(h.call('inventory-agent', 'commerce', 'search_products', { query: 'x' }, { run }));
    expect(leaked(result, ADDRESSES)).toEqual([]);
    expect(h.audit.events[0]!.unmapped).toMatchObject({ redactions: { address: 4 } });
  });

  it('applies key rules to JSON inside a text part, an embedded resource and a string field', async () => {
    const h = guardHarness();
    const nested = JSON.stringify({ password: 'hunter2-Gq9' });
    const run = async (): Promise<ToolCallResult> => ({
      content: [
        { type: 'text', text: `{"apiKey":"${CREDENTIALS.apiKey}"}` },
        { type: 'text', text: `log line: {"sessionToken": "${CREDENTIALS.sessionToken}", "ok": true}` },
        { type: 'resource', resource: { uri: 'file:///customer.json', mimeType: 'application/json', text: JSON.stringify({ portalPassword: CREDENTIALS.portalPassword }, null, 4) } },
      ],
      structuredContent: { raw: nested },
    });
    const result = await h.guard.callTool(h.call('support-agent', 'commerce', 'get_customer', {}, { run }));
    expect(leaked(result, [...Object.values(CREDENTIALS), 'hunter2-Gq9'])).toEqual([]);
    expect((result.content[2] as { resource: { text: string } }).resource.text).toBe(JSON.stringify({ portalPassword: '[REDACTED:aws-secret]' }, null, 4));
  });

  it('does not release tool-controlled metadata the guard cannot vouch for', async () => {
    const h = guardHarness();
    const run = async () =>
      ({
        content: [
          { type: 'text', text: 'see attachment', annotations: { lastModified: '078-05-1120', audience: ['user'] }, _meta: { ssn: '078-05-1120' } },
          { type: 'resource', resource: { uri: 'file:///a.txt', mimeType: 'text/plain; charset=utf-8; card="4111 1111 1111 1111"', text: 'ok' } },
          { type: 'resource_link', uri: 'https://shop.example/c?ssn=078-05-1120', name: 'card 4111 1111 1111 1111', mimeType: 'text/plain;x-pan=4111111111111111' },
        ],
        _meta: { apiKey: CREDENTIALS.apiKey },
      }) as unknown as ToolCallResult;
    const result = await h.guard.callTool(h.call('support-agent', 'commerce', 'get_customer', {}, { run }));
    expect(result.isError).toBeUndefined();
    expect(leaked(result, ['078-05-1120', '4111 1111 1111 1111', '4111111111111111', CREDENTIALS.apiKey])).toEqual([]);
    expect(result.content[0]).toEqual({ type: 'text', text: 'see attachment', annotations: { audience: ['user'] } });
    expect((result.content[1] as { resource: { mimeType: string } }).resource.mimeType).toBe('text/plain; charset=utf-8');
  });
});

describe('createGuard: hidden characters are stripped as part of redaction', () => {
  it('redacts a card split by zero-width characters and strips them even with guard.outputInjection off', async () => {
    const h = guardHarness({ manifest: withOutputInjection('off') });
    const run = async (): Promise<ToolCallResult> => ({ content: [{ type: 'text', text: 'card 4111\u200B1111\u200B1111\u200B1111, note: he\u200Bllo' }] });
    const result = await h.guard.callTool(h.call('support-agent', 'commerce', 'get_order', {}, { run }));
    expect((result.content[0] as { text: string }).text).toBe('card [REDACTED:card], note: hello');
    expect(h.audit.events[0]!.unmapped).toMatchObject({ redactions: { card: 1 }, output_injection: null });
  });
});
