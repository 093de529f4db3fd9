/**
 * The `commerce` server of the example shop. Each tool sees only its own dataset (the
 * manifest decides which, and whether it may write).
 */
import { z } from 'zod';
import { defineTool, defineTools, DatasetConflictError, ToolError, windowedLimit, type DatasetItem } from '../../lib/runtime';
import { category, customerId, orderId, pageSize, reason, sku, warehouse, withoutKey } from './shop-inputs';
import { commercePrompts, commerceResources } from './shop-resources';

/**
 * Price changes of one product may add up to at most this fraction of its price within
 * PRICE_WINDOW_MS; bigger moves need a human. Per call alone it would not hold: 15 calls of
 * −50 % each took a price from 226.41 to 0.01.
 */
export const MAX_PRICE_CHANGE = 0.5;
export const PRICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Each change takes |new − old| / old; stored on the product as `priceChangeWindow`. */
const priceChanges = windowedLimit({ max: MAX_PRICE_CHANGE, windowMs: PRICE_WINDOW_MS });
export const MIN_PRICE = 0.01;
export const MAX_PRICE = 100_000;
/** Largest stock adjustment in one call. */
export const MAX_STOCK_DELTA = 1_000;

export default defineTools([
  defineTool({
    name: 'search_products',
    description: 'Search the product catalog by text (name, description) and/or category. Returns at most `limit` products and a cursor for the next page.',
    input: z.strictObject({
      query: z.string().trim().min(2, 'search for at least 2 characters').max(100, 'keep the search under 100 characters').optional(),
      category: category.optional(),
      limit: pageSize.default(10),
      cursor: z.string().max(64).optional(),
    }),
    handler: async ({ query, category: cat, limit, cursor }, ctx) => {
      const filter: Record<string, string | { contains: string }> = {};
      if (query) filter.searchText = { contains: query.toLowerCase() };
      if (cat) filter.category = cat;
      const page = await ctx.dataset.scan({ filter, limit, cursor });
      return {
        products: page.items.map((p) => ({ sku: p.id, name: p.name, category: p.category, price: p.price, currency: p.currency, description: p.description })),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      };
    },
  }),

  defineTool({
    name: 'update_price',
    description: `Change a product's list price. Changes to one product may add up to at most ${MAX_PRICE_CHANGE * 100}% of its price within 24 hours.`,
    input: z.strictObject({
      sku,
      price: z.number().min(MIN_PRICE, `price must be at least ${MIN_PRICE}`).max(MAX_PRICE, `price must be at most ${MAX_PRICE}`).multipleOf(0.01, 'price has at most two decimals'),
      reason,
      /**
       * A move past the 24-hour limit. The manifest's `approval.when` holds the call for a human
       * whenever this is true (docs/approvals.md), so the tool only sees it once approved.
       */
      beyondLimit: z.boolean().optional(),
    }),
    handler: async ({ sku: id, price, reason: why, beyondLimit }, ctx) => {
      const product = await ctx.dataset.get(id);
      if (!product) throw new ToolError(`no product ${id}`);
      const old = product.price as number;
      const change = Math.abs(price - old) / old;
      // the window lives on the product and is written with the price (ifMatch): every instance
      // sees it, and a concurrent change makes this one a conflict rather than a second allowance
      const taken = priceChanges.take(product.priceChangeWindow, change, Date.now());
      if (!taken.allowed && beyondLimit !== true) {
        const left = Math.floor(taken.remaining * 100);
        throw new ToolError(
          `a change from ${old} to ${price} is ${Math.round(change * 100)}%; changes to ${id} may add up to ${MAX_PRICE_CHANGE * 100}% within 24 hours and ${left}% of that window is left (it resets in ${Math.ceil(taken.retryAfterSeconds / 60)} min); ask a human for a bigger move: call again with beyondLimit: true, which waits for an approver`,
        );
      }
      // an approved move past the limit uses the window up: the next change waits for it to reset
      const window = taken.allowed ? { startedAt: taken.window.startedAt, used: taken.window.used } : { startedAt: taken.window.startedAt, used: MAX_PRICE_CHANGE };
      await ctx.dataset.update(id, { price, priceChangeWindow: window, priceChangedBy: ctx.agent, priceChangeReason: why, priceChangedAt: new Date().toISOString() }, { ifMatch: { price: old } });
      ctx.logger.info('price changed', { sku: id, from: old, to: price });
      return { sku: id, oldPrice: old, newPrice: price, currency: product.currency };
    },
  }),

  defineTool({
    name: 'get_stock',
    description: 'Stock level of a SKU in each warehouse, and the total.',
    input: z.strictObject({ sku }),
    handler: async ({ sku: id }, ctx) => {
      const record = await ctx.dataset.get(id);
      if (!record) throw new ToolError(`no stock record for ${id}`);
      const warehouses = record.warehouses as Record<string, number>;
      return { sku: id, warehouses, total: Object.values(warehouses).reduce((a, b) => a + b, 0) };
    },
  }),

  defineTool({
    name: 'update_stock',
    description: `Adjust the stock of a SKU in one warehouse by a positive or negative amount (at most ${MAX_STOCK_DELTA}). Stock never goes below zero.`,
    input: z.strictObject({
      sku,
      warehouse,
      delta: z
        .number()
        .int('delta must be a whole number of units')
        .min(-MAX_STOCK_DELTA, `delta must be at least -${MAX_STOCK_DELTA}`)
        .max(MAX_STOCK_DELTA, `delta must be at most ${MAX_STOCK_DELTA}`)
        .refine((d) => d !== 0, 'delta must not be 0'),
      reason,
    }),
    handler: async ({ sku: id, warehouse: wh, delta, reason: why }, ctx) => {
      // Read, check, write with a version condition; retry if another call got in between.
      for (let attempt = 0; attempt < 3; attempt++) {
        const record = await ctx.dataset.get(id);
        if (!record) throw new ToolError(`no stock record for ${id}`);
        const warehouses = { ...(record.warehouses as Record<string, number>) };
        const before = warehouses[wh] ?? 0;
        const after = before + delta;
        if (after < 0) throw new ToolError(`${id} has ${before} units in ${wh}; removing ${-delta} would make stock negative`);
        warehouses[wh] = after;
        try {
          await ctx.dataset.update(id, { warehouses, version: (record.version as number) + 1, lastAdjustment: { by: ctx.agent, delta, warehouse: wh, reason: why } as DatasetItem }, { ifMatch: { version: record.version as number } });
          ctx.logger.info('stock adjusted', { sku: id, warehouse: wh, before, after });
          return { sku: id, warehouse: wh, before, after };
        } catch (err) {
          if (!(err instanceof DatasetConflictError)) throw err;
        }
      }
      throw new ToolError(`${id} is being changed by other calls; try again`);
    },
  }),

  defineTool({
    name: 'get_order',
    description: 'One order with its lines, total, status and shipping address.',
    input: z.strictObject({ orderId }),
    handler: async ({ orderId: id }, ctx) => {
      const order = await ctx.dataset.get(id);
      if (!order) throw new ToolError(`no order ${id}`);
      return withoutKey(order, ctx.dataset.partitionKey);
    },
  }),

  defineTool({
    name: 'list_customer_orders',
    description: "A customer's most recent orders (newest first), without lines or addresses.",
    input: z.strictObject({ customerId, limit: pageSize.default(10) }),
    handler: async ({ customerId: id, limit }, ctx) => {
      const page = await ctx.dataset.scan({ filter: { customerId: id } });
      const orders = page.items
        .sort((a, b) => String(b.placedAt).localeCompare(String(a.placedAt)))
        .slice(0, limit)
        .map((o) => ({ orderId: o.id, status: o.status, placedAt: o.placedAt, total: o.total, currency: o.currency, items: (o.lines as unknown[]).length }));
      return { customerId: id, orders };
    },
  }),

  defineTool({
    name: 'get_customer',
    description: "A customer's profile and contact details.",
    input: z.strictObject({ customerId }),
    handler: async ({ customerId: id }, ctx) => {
      const customer = await ctx.dataset.get(id);
      if (!customer) throw new ToolError(`no customer ${id}`);
      return withoutKey(customer, ctx.dataset.partitionKey);
    },
  }),

  ...commerceResources,
  ...commercePrompts,
]);
