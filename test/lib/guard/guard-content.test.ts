/**
 * The guard and non-text tool results: binary parts pass only to agents cleared for the
 * tool's dataset class, text inside resources and links is redacted, malformed or unknown
 * content is withheld.
 */
import type { ToolCallResult, ToolContent } from '../../../lib/guard/contract';
import { BINARY_REDACTION_MARKER } from '../../../lib/guard/tool-content';
import { defaultManifest } from '../policy/default-manifest';
import { guardHarness } from './guard-harness';

const unmapped = (e: Record<string, unknown>) => e.unmapped as Record<string, unknown>;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]).toString('base64');
const CARD = '4111 1111 1111 1111';

const returning = (content: unknown[], extra: Record<string, unknown> = {}) => ({
  run: async () => ({ content, ...extra }) as unknown as ToolCallResult,
});

/** The default manifest with support-agent lowered to `internal`: still granted get_customer (a confidential dataset). */
function underClearedHarness() {
  const manifest = defaultManifest();
  const agents = manifest.agents.map((a) => (a.name === 'support-agent' ? { ...a, clearance: 'internal' } : a));
  return guardHarness({ manifest: { ...manifest, agents } });
}

describe('binary content by clearance', () => {
  it('releases an image to an agent whose clearance covers the dataset class', async () => {
    const h = guardHarness();
    const image: ToolContent = { type: 'image', data: PNG, mimeType: 'image/png' };
    const result = await h.guard.callTool(h.call('support-agent', 'commerce', 'get_customer', {}, returning([image])));
    expect(result.isError).toBeUndefined();
    expect(result.content).toEqual([image]);
    expect(unmapped(h.audit.events[0]!).redactions).toEqual({});
  });

  it('replaces image, audio and blob parts with a marker for an agent below the dataset class, and counts them', async () => {
    const h = underClearedHarness();
    const result = await h.guard.callTool(
      h.call(
        'support-agent',
        'commerce',
        'get_customer',
        {},
        returning([
          { type: 'image', data: PNG, mimeType: 'image/png' },
          { type: 'audio', data: PNG, mimeType: 'audio/wav' },
          { type: 'resource', resource: { uri: 'shop://customers/C-1/scan', mimeType: 'application/pdf', blob: PNG } },
        ]),
      ),
    );
    expect(result.content).toEqual([
      { type: 'text', text: BINARY_REDACTION_MARKER },
      { type: 'text', text: BINARY_REDACTION_MARKER },
      { type: 'text', text: BINARY_REDACTION_MARKER },
    ]);
    expect(JSON.stringify(result)).not.toContain(PNG);
    expect(unmapped(h.audit.events[0]!).redactions).toEqual({ binary: 3 });
    expect(h.recorded[0]!.metrics.Redactions).toBe(3);
  });

  it('still redacts the text parts beside a withheld image', async () => {
    const h = underClearedHarness();
    const result = await h.guard.callTool(
      h.call('support-agent', 'commerce', 'get_customer', {}, returning([{ type: 'text', text: `card ${CARD}` }, { type: 'image', data: PNG, mimeType: 'image/png' }])),
    );
    expect(result.content[0]).toEqual({ type: 'text', text: expect.not.stringContaining(CARD) });
    expect(result.content[1]).toEqual({ type: 'text', text: BINARY_REDACTION_MARKER });
    const redactions = unmapped(h.audit.events[0]!).redactions as Record<string, number>;
    expect(redactions.binary).toBe(1);
    expect(redactions.card).toBe(1);
  });
});

describe('text inside resources and links', () => {
  it('redacts an embedded resource text by clearance', async () => {
    const h = guardHarness();
    const result = await h.guard.callTool(
      h.call('support-agent', 'commerce', 'get_customer', {}, returning([{ type: 'resource', resource: { uri: 'shop://customers/C-1', mimeType: 'text/plain', text: `paid with ${CARD}` } }])),
    );
    const part = result.content[0] as Extract<ToolContent, { type: 'resource' }>;
    expect(part.resource).toEqual({ uri: 'shop://customers/C-1', mimeType: 'text/plain', text: expect.stringContaining('[REDACTED:card]') });
    expect(unmapped(h.audit.events[0]!).redactions).toEqual({ card: 1 });
  });

  it('redacts the name, description and URI of a resource link', async () => {
    const h = guardHarness();
    const result = await h.guard.callTool(
      h.call(
        'support-agent',
        'commerce',
        'get_customer',
        {},
        returning([{ type: 'resource_link', uri: `https://files.shop.example/receipt?card=${CARD.replace(/ /g, '')}`, name: 'receipt', description: `receipt for card ${CARD}` }]),
      ),
    );
    expect(JSON.stringify(result)).not.toMatch(/4111 ?1111 ?1111 ?1111/);
    expect(result.content[0]).toMatchObject({ type: 'resource_link', name: 'receipt' });
  });

  it('drops fields MCP does not define on a part (they could carry data past the redactor)', async () => {
    const h = guardHarness();
    const result = await h.guard.callTool(h.call('support-agent', 'commerce', 'get_customer', {}, returning([{ type: 'text', text: 'ok', _meta: { card: CARD }, extra: CARD }])));
    expect(result.content).toEqual([{ type: 'text', text: 'ok' }]);
  });
});

describe('malformed content is withheld', () => {
  it.each([
    ['an unknown content type', [{ type: 'video', data: PNG, mimeType: 'video/mp4' }]],
    ['an image with a non-image media type', [{ type: 'image', data: PNG, mimeType: 'text/html' }]],
    ['image data that is not base64', [{ type: 'image', data: 'not base64!', mimeType: 'image/png' }]],
    ['a resource with both text and blob', [{ type: 'resource', resource: { uri: 'shop://x', text: 'a', blob: PNG } }]],
    ['a data: URI, which would smuggle bytes as a link', [{ type: 'resource_link', uri: `data:image/png;base64,${PNG}`, name: 'x' }]],
    ['a part that is not an object', ['plain string']],
  ])('refuses %s with a generic tool failure and audits why', async (_, content) => {
    const h = guardHarness();
    const result = await h.guard.callTool(h.call('fraud-agent', 'payments', 'get_payment', {}, returning(content)));
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^tool failed \(request id req-\d+\)$/) }]);
    expect(JSON.stringify(result)).not.toContain(PNG);
    expect(unmapped(h.audit.events[0]!)).toMatchObject({ decision: 'error', reason: expect.stringMatching(/^tool returned a malformed result: content\[0\]/) });
  });

  it('refuses a structuredContent that is not an object', async () => {
    const h = guardHarness();
    const result = await h.guard.callTool(h.call('fraud-agent', 'payments', 'get_payment', {}, returning([{ type: 'text', text: 'ok' }], { structuredContent: [CARD] })));
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain(CARD);
  });
});
