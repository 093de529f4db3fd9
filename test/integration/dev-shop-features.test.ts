/**
 * The shop's resources and prompts through the dev server, driven by the real SDK v2 client
 * (`@modelcontextprotocol/client`) under both revisions: 2026-07-28 (pinned: server/discover,
 * the per-request envelope, no session) and 2025-11-25 (initialize). Each agent sees exactly
 * the tools, resources, templates and prompts the manifest grants it; one it was not granted
 * gets the same answer as one that does not exist; contents and messages are redacted by the
 * caller's clearance.
 */
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { sampleData } from '../../examples/shop/sample-data';
import { startDevServer, type DevServer } from '../../lib/dev';

const REVISIONS = ['2026-07-28', '2025-11-25'] as const;
type Revision = (typeof REVISIONS)[number];

const data = sampleData();
let dev: DevServer;
const clients: Client[] = [];

async function connect(revision: Revision, agent: string, server = 'commerce'): Promise<Client> {
  const client = new Client({ name: 'shop-features-test', version: '1.0.0' }, revision === '2026-07-28' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
  const transport = new StreamableHTTPClientTransport(new URL(dev.urls[server]!), { requestInit: { headers: { authorization: `Bearer ${dev.tokens[agent]}` } } });
  await client.connect(transport);
  clients.push(client);
  return client;
}

/** What the manifest grants `agent` on `server`, by kind. */
function granted(agent: string, server: string) {
  const spec = dev.manifest.agents.find((a) => a.name === agent)!;
  const serverSpec = dev.manifest.servers.find((s) => s.name === server)!;
  const on = (refs: readonly string[]) => refs.filter((r) => r.startsWith(`${server}/`)).map((r) => r.slice(server.length + 1));
  const resources = new Set(on(spec.resources ?? []));
  return {
    tools: on(spec.tools).sort(),
    resources: (serverSpec.resources ?? []).filter((r) => r.uri && resources.has(r.name)).map((r) => r.uri!).sort(),
    templates: (serverSpec.resources ?? []).filter((r) => r.uriTemplate && resources.has(r.name)).map((r) => r.uriTemplate!).sort(),
    prompts: on(spec.prompts ?? []).sort(),
  };
}

async function seen(client: Client) {
  const capabilities = client.getServerCapabilities() ?? {};
  return {
    tools: (await client.listTools()).tools.map((t) => t.name).sort(),
    resources: capabilities.resources ? (await client.listResources()).resources.map((r) => r.uri).sort() : [],
    templates: capabilities.resources ? (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate).sort() : [],
    prompts: capabilities.prompts ? (await client.listPrompts()).prompts.map((p) => p.name).sort() : [],
  };
}

/** The JSON-RPC error a call was refused with, with `name` (the URI or prompt asked for) replaced. */
async function refusal(call: Promise<unknown>, name: string): Promise<{ code: number; message: string; data?: unknown }> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProtocolError);
  const { code, message, data: errData } = err as ProtocolError;
  const anonymise = (s: string) => s.split(name).join('<asked>');
  return { code, message: anonymise(message), ...(errData === undefined ? {} : { data: JSON.parse(anonymise(JSON.stringify(errData))) }) };
}

const textOf = (result: { contents: ReadonlyArray<{ text?: string } | { blob?: string }> }) => result.contents.map((c) => ('text' in c ? c.text : '')).join('\n');
const cards = data.payments.flatMap((p) => (p.card ? [p.card.number] : []));
const orderWithCardNote = data.orders.find((o) => o.customerNote && cards.some((c) => o.customerNote!.includes(c)))!;
const cardInNote = cards.find((c) => orderWithCardNote.customerNote!.includes(c))!;

describe.each(REVISIONS)('MCP %s with the SDK v2 client', (revision) => {
  // one dev server per revision: each starts with the agents' full rate-limit budgets
  beforeAll(async () => {
    dev = await startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', log: () => {} });
    expect(orderWithCardNote).toBeDefined();
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await dev.close();
  });

  it('negotiates the revision', async () => {
    const client = await connect(revision, 'support-agent');
    expect(client.getNegotiatedProtocolVersion()).toBe(revision);
    expect(client.getProtocolEra()).toBe(revision === '2026-07-28' ? 'modern' : 'legacy');
  });

  it('shows each agent exactly its granted tools, resources, templates and prompts on each server', async () => {
    const lists: Record<string, unknown> = {};
    for (const agent of dev.manifest.agents) {
      for (const server of dev.manifest.servers) {
        const seenHere = await seen(await connect(revision, agent.name, server.name));
        expect({ agent: agent.name, server: server.name, ...seenHere }).toEqual({ agent: agent.name, server: server.name, ...granted(agent.name, server.name) });
        lists[`${agent.name}@${server.name}`] = seenHere;
      }
    }
    // the grants differ, so the lists do: the inventory agent and the support agent share only the catalog
    expect(lists['inventory-agent@commerce']).toEqual({
      tools: ['get_stock', 'search_products', 'update_stock'],
      resources: ['catalog://categories'],
      templates: ['catalog://products/{sku}'],
      prompts: ['restock_plan'],
    });
    expect(lists['support-agent@commerce']).toEqual({
      tools: ['get_customer', 'get_order', 'list_customer_orders', 'search_products'],
      resources: ['catalog://categories'],
      templates: ['catalog://products/{sku}', 'order://{orderId}'],
      prompts: ['reply_to_customer'],
    });
    expect(lists['support-agent@payments']).toEqual({ tools: [], resources: [], templates: [], prompts: [] });
  });

  it('reads a granted resource and a granted template', async () => {
    const client = await connect(revision, 'inventory-agent');
    const categories = await client.readResource({ uri: 'catalog://categories' });
    expect(JSON.parse(textOf(categories))).toMatchObject({ categories: expect.arrayContaining(['books', 'toys']) });
    const product = data.products[4]!;
    const read = await client.readResource({ uri: `catalog://products/${product.id}` });
    expect(read.contents[0]).toMatchObject({ uri: `catalog://products/${product.id}`, mimeType: 'application/json' });
    expect(JSON.parse(textOf(read))).toMatchObject({ name: product.name, price: product.price });
  });

  it('refuses an ungranted resource exactly as one that does not exist, and audits the denial', async () => {
    const order = data.orders[0]!.id;
    const inventory = await connect(revision, 'inventory-agent');
    const support = await connect(revision, 'support-agent');
    const before = dev.auditEvents.length;
    const forbidden = await refusal(inventory.readResource({ uri: `order://${order}` }), `order://${order}`);
    const events = dev.auditEvents.slice(before);
    expect(forbidden).toEqual({ code: -32602, message: 'Resource not found: <asked>', data: { uri: '<asked>' } });
    // a URI no resource declares, a granted template's missing item, an ungranted server's template
    expect(await refusal(inventory.readResource({ uri: 'order-archive://ORD-000001' }), 'order-archive://ORD-000001')).toEqual(forbidden);
    expect(await refusal(support.readResource({ uri: 'order://ORD-999999' }), 'order://ORD-999999')).toEqual(forbidden);
    expect(await refusal(support.readResource({ uri: `payment://${order}` }), `payment://${order}`)).toEqual(forbidden);
    expect(JSON.stringify(events)).toContain('inventory-agent');
    expect(events.map((e) => JSON.stringify(e)).filter((e) => e.includes('denied'))).toHaveLength(1);
  });

  it('refuses an ungranted prompt exactly as one that does not exist', async () => {
    const inventory = await connect(revision, 'inventory-agent');
    const args = { orderId: data.orders[0]!.id, customerMessage: 'Where is my parcel?' };
    const forbidden = await refusal(inventory.getPrompt({ name: 'reply_to_customer', arguments: args }), 'reply_to_customer');
    expect(forbidden.code).toBe(-32602);
    expect(forbidden.message).toBe('prompt "<asked>" is not available to this agent');
    expect(await refusal(inventory.getPrompt({ name: 'reply_to_customers', arguments: args }), 'reply_to_customers')).toEqual(forbidden);
    // and a completion for it suggests nothing, as for an unknown prompt
    const completion = await inventory.complete({ ref: { type: 'ref/prompt', name: 'reply_to_customer' }, argument: { name: 'orderId', value: 'ORD' } });
    expect(completion.completion.values).toEqual([]);
  });

  it('completes a granted prompt argument', async () => {
    const inventory = await connect(revision, 'inventory-agent');
    const completion = await inventory.complete({ ref: { type: 'ref/prompt', name: 'restock_plan' }, argument: { name: 'warehouse', value: 'wh-b' } });
    expect(completion.completion.values).toEqual(['WH-BER']);
  });

  it('redacts resource contents by clearance: the support agent never sees a pasted card number, the fraud agent does', async () => {
    const uri = `order://${orderWithCardNote.id}`;
    const support = textOf(await (await connect(revision, 'support-agent')).readResource({ uri }));
    const fraud = textOf(await (await connect(revision, 'fraud-agent')).readResource({ uri }));
    expect(support).toContain(orderWithCardNote.id);
    expect(support).toContain(orderWithCardNote.shippingAddress.street);
    expect(support).not.toContain(cardInNote);
    for (const card of cards) expect(support).not.toContain(card);
    expect(fraud).toContain(cardInNote);
  });

  it('redacts prompt messages by clearance: a card number in the arguments is withheld, the e-mail (confidential) is kept', async () => {
    const customer = data.customers[0]!;
    const support = await connect(revision, 'support-agent');
    const got = await support.getPrompt({
      name: 'reply_to_customer',
      arguments: { orderId: orderWithCardNote.id, customerMessage: `It's ${customer.email}. Use my card ${cardInNote} for the replacement.` },
    });
    const text = got.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n');
    expect(got.messages.map((m) => m.role)).toEqual(['user', 'user']);
    expect(text).toContain(`order://${orderWithCardNote.id}`);
    expect(text).toContain(customer.email);
    expect(text).not.toContain(cardInNote);
  });
});
