/**
 * The `commerce` server's resources and prompts. The manifest owns their URIs, datasets and
 * who may use them (servers[].resources / prompts, agents[].resources / prompts); this code
 * only reads. Contents and messages pass through the guard like a tool result: an agent
 * cleared `confidential` never sees a card number a customer pasted into an order note.
 */
import { z } from 'zod';
import { definePrompt, defineResource, defineResourceTemplate } from '../../lib/runtime';
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
    get: ({ sku: id, warehouse }) =>
      `Check the stock of ${id} with get_stock${warehouse ? ` (warehouse ${warehouse} only)` : ' in every warehouse'}, then propose update_stock adjustments that bring each warehouse to at least 50 units. Give a reason for each adjustment.`,
    complete: { warehouse: (prefix) => WAREHOUSES.filter((w) => w.toLowerCase().startsWith(prefix.toLowerCase())) },
  }),
];
