import { z } from 'zod';
import { bindTools, buildCatalog, defineTool, defineTools, describeInvalidArguments, ToolBindingError, toToolResult, toolErrorResult } from '../../../lib/runtime';
import type { ServerSpec } from '../../../lib/config/schema';

const server: ServerSpec = {
  name: 'commerce',
  entry: 'examples/shop/tools.ts',
  tools: [
    { name: 'get_order', dataset: 'orders', access: 'read' },
    { name: 'get_stock', dataset: 'inventory', access: 'read' },
  ],
};
const tool = (name: string) => defineTool({ name, description: name, input: z.strictObject({ id: z.string().max(10) }), handler: ({ id }) => ({ id }) });

describe('defineTools', () => {
  it('refuses duplicate names and names that are not snake_case', () => {
    expect(() => defineTools([tool('get_order'), tool('get_order')])).toThrow(/defined twice/);
    expect(() => defineTools([tool('GetOrder')])).toThrow(/snake_case/);
  });
});

describe('bindTools', () => {
  it('pairs every manifest tool with its code', () => {
    const bound = bindTools(server, defineTools([tool('get_stock'), tool('get_order')]));
    expect([...bound.keys()]).toEqual(['get_order', 'get_stock']);
    expect(bound.get('get_stock')!.spec.dataset).toBe('inventory');
  });

  it('refuses to start when code defines a tool the manifest lacks, naming it and the fix', () => {
    expect(() => bindTools(server, defineTools([tool('get_order'), tool('get_stock'), tool('drop_tables')]), 0, 'warden.config.yaml')).toThrow(
      /defines tool "drop_tables" but server "commerce" in warden.config.yaml has no such tool — add \{ name: drop_tables/,
    );
  });

  it('refuses to start when the manifest declares a tool the code lacks, with its manifest path', () => {
    expect(() => bindTools(server, defineTools([tool('get_order')]), 0, 'warden.config.yaml')).toThrow(
      /warden.config.yaml: servers\[0\].tools\[1\]: tool "get_stock" of server "commerce" is not defined in examples\/shop\/tools.ts/,
    );
  });

  it('reports every mismatch at once', () => {
    try {
      bindTools(server, defineTools([tool('extra_one'), tool('extra_two')]));
      throw new Error('expected a ToolBindingError');
    } catch (err) {
      expect(err).toBeInstanceOf(ToolBindingError);
      expect((err as ToolBindingError).problems).toHaveLength(4);
    }
  });

  it('explains what to export when the module is not a tool set', () => {
    expect(() => bindTools(server, { get_order: () => 1 })).toThrow(/export default defineTools/);
  });
});

describe('buildCatalog', () => {
  it('advertises a JSON Schema object for each tool input', () => {
    const manifest = { servers: [server] } as never;
    const catalog = buildCatalog(manifest, { commerce: defineTools([tool('get_order'), tool('get_stock')]) });
    const schema = catalog.get('commerce')!.tools.get('get_order')!.inputSchema;
    expect(schema).toMatchObject({ type: 'object', properties: { id: { type: 'string', maxLength: 10 } }, required: ['id'], additionalProperties: false });
  });

  it('keeps a tool\'s schema once converted (it is converted on first read, by tools/list), beside the tool\'s other fields', () => {
    const manifest = { servers: [server] } as never;
    const entry = buildCatalog(manifest, { commerce: defineTools([tool('get_order'), tool('get_stock')]) }).get('commerce')!.tools.get('get_order')!;
    expect(entry.inputSchema).toBe(entry.inputSchema);
    expect(Object.keys(entry)).toEqual(expect.arrayContaining(['spec', 'definition', 'inputSchema']));
  });
});

describe('describeInvalidArguments', () => {
  it('names the offending argument (an operator object where an id belongs)', () => {
    const parsed = z.strictObject({ orderId: z.string() }).safeParse({ orderId: { $ne: null } });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(describeInvalidArguments(parsed.error)).toMatch(/^orderId: .*expected string/);
  });
});

describe('toToolResult', () => {
  it('turns an object into text and structuredContent', () => {
    expect(toToolResult({ a: 1, when: new Date(0) })).toEqual({ content: [{ type: 'text', text: expect.stringContaining('"a": 1') }], structuredContent: { a: 1, when: '1970-01-01T00:00:00.000Z' } });
  });

  it('turns a string into text only, and arrays into text only (structuredContent must be an object)', () => {
    expect(toToolResult('hello')).toEqual({ content: [{ type: 'text', text: 'hello' }] });
    expect(toToolResult([1, 2])).not.toHaveProperty('structuredContent');
  });

  it('makes isError results', () => {
    expect(toolErrorResult('no order ORD-000999')).toEqual({ content: [{ type: 'text', text: 'no order ORD-000999' }], isError: true });
  });
});
