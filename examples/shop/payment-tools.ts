/**
 * The `payments` server of the example shop: restricted data (card numbers, IBANs), so
 * only agents cleared `restricted` see them unredacted.
 */
import { z } from 'zod';
import { defineResourceTemplate, defineTool, defineTools, ToolError } from '../../lib/runtime';
import { orderId, reason, withoutKey } from './shop-inputs';

/** The payment record of an order as `payment://ORD-…` (restricted: only the fraud agent is granted it). */
export const paymentResources = [
  defineResourceTemplate({
    name: 'payment',
    read: async ({ orderId: id }, ctx) => {
      if (!orderId.safeParse(id).success) return undefined;
      const payment = await ctx.dataset.get(id!);
      return payment ? withoutKey(payment, ctx.dataset.partitionKey) : undefined;
    },
  }),
];

export default defineTools([
  defineTool({
    name: 'get_payment',
    description: 'The payment record of an order: method, card or IBAN, amount, status and risk score.',
    input: z.strictObject({ orderId }),
    handler: async ({ orderId: id }, ctx) => {
      const payment = await ctx.dataset.get(id);
      if (!payment) throw new ToolError(`no payment for order ${id}`);
      return withoutKey(payment, ctx.dataset.partitionKey);
    },
  }),

  defineTool({
    name: 'flag_payment',
    description: 'Mark the payment of an order as suspected fraud, for a human to review.',
    input: z.strictObject({ orderId, reason }),
    handler: async ({ orderId: id, reason: why }, ctx) => {
      const payment = await ctx.dataset.get(id);
      if (!payment) throw new ToolError(`no payment for order ${id}`);
      if (payment.status === 'refunded') throw new ToolError(`the payment of ${id} was refunded; there is nothing to flag`);
      if (payment.status === 'flagged') return { orderId: id, status: 'flagged', alreadyFlagged: true };
      await ctx.dataset.update(id, { status: 'flagged', flag: { by: ctx.agent, reason: why, at: new Date().toISOString() } }, { ifMatch: { status: payment.status as string } });
      ctx.logger.warn('payment flagged', { orderId: id });
      return { orderId: id, status: 'flagged', alreadyFlagged: false };
    },
  }),

  ...paymentResources,
]);
