/**
 * The `commerce` server's resources and prompts. The manifest owns their URIs, datasets and
 * who may use them (servers[].resources / prompts, agents[].resources / prompts); this code
 * only reads. Contents and messages pass through the guard like a tool result: an agent
 * cleared `confidential` never sees a card number a customer pasted into an order note.
 */
import { z } from 'zod';
import { definePrompt, defineResource, defineResourceTemplate, elicit, inputRequired, ToolError } from '../../lib/runtime';
import { CATEGORIES, WAREHOUSES } from './sample-data';
import { orderId, sku, withoutKey } from './shop-inputs';

export const commerceResources = [
  defineResource({
    name: 'catalog_categories',
    read: () => ({ categories: [...CATEGORIES], currency: 'USD', search: 'search_products with a category, or read catalog://products/{sku}' }),
  }),

  defineResourceTemplate({
    name: 'product',
    // an id that is not a SKU is no product: "Resource not found", no lookup
    read: async ({ sku: id }, ctx) => {
      if (!sku.safeParse(id).success) return undefined;
      const product = await ctx.dataset.get(id!);
      if (!product) return undefined;
      const { searchText: _index, ...rest } = withoutKey(product, ctx.dataset.partitionKey);
      return rest;
    },
  }),

  defineResourceTemplate({
    name: 'order',
    read: async ({ orderId: id }, ctx) => {
      if (!orderId.safeParse(id).success) return undefined;
      const order = await ctx.dataset.get(id!);
      return order ? withoutKey(order, ctx.dataset.partitionKey) : undefined;
    },
  }),
];

export const commercePrompts = [
  definePrompt({
    name: 'reply_to_customer',
    arguments: z.strictObject({
      orderId: orderId.describe('The order the customer wrote about, e.g. ORD-000123'),
      customerMessage: z.string().trim().min(1).max(2000, 'keep the message under 2000 characters').describe("The customer's message, as they wrote it"),
    }),
    get: ({ orderId: id, customerMessage }) => ({
      description: `Reply to a customer about ${id}`,
      messages: [
        { role: 'user', content: { type: 'text', text: `A customer wrote about order ${id}:\n\n${customerMessage}` } },
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Read order://${id} for its status, lines and shipping address, then draft a short, friendly reply. Never ask for or repeat card numbers; payments are handled by the fraud team.`,
          },
        },
      ],
    }),
  }),

  definePrompt({
    name: 'restock_plan',
    arguments: z.strictObject({
      sku: sku.describe('The SKU to restock, e.g. SKU-10001'),
      warehouse: z.enum(WAREHOUSES).optional().describe('Only this warehouse'),
    }),
    // No warehouse given: a 2026-07-28 client that can show a form is asked which one (the
    // sealed state remembers the SKU it was asked for); anyone else gets a plan for all of them.
    get: ({ sku: id, warehouse }, ctx) => {
      const chosen = warehouse ?? chosenWarehouse(ctx.input.responses.warehouse);
      if (chosen === undefined && ctx.input.state === undefined && ctx.input.clientCapabilities.elicitation !== undefined) {
        return inputRequired({ requests: { warehouse: elicit(`Restock ${id} in which warehouse?`, { warehouse: { type: 'string', enum: [...WAREHOUSES, 'all'] } }) }, state: { sku: id } });
      }
      if (ctx.input.state !== undefined && (ctx.input.state as { sku?: unknown }).sku !== id) throw new ToolError('the answer was for another SKU; ask again');
      return `Check the stock of ${id} with get_stock${chosen ? ` (warehouse ${chosen} only)` : ' in every warehouse'}, then propose update_stock adjustments that bring each warehouse to at least 50 units. Give a reason for each adjustment.`;
    },
    complete: { warehouse: (prefix) => WAREHOUSES.filter((w) => w.toLowerCase().startsWith(prefix.toLowerCase())) },
  }),
];

/** The warehouse an elicitation answer names (client input: only a known warehouse counts; "all" or a decline is none). */
function chosenWarehouse(answer: unknown): (typeof WAREHOUSES)[number] | undefined {
  const picked = (answer as { action?: unknown; content?: { warehouse?: unknown } } | undefined)?.content?.warehouse;
  return (answer as { action?: unknown } | undefined)?.action === 'accept' ? WAREHOUSES.find((w) => w === picked) : undefined;
}
