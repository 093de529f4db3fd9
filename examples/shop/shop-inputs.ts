/**
 * Argument schemas shared by the shop's tools. Strict and bounded on purpose: ids must match
 * their pattern (so `{"$ne": null}` or a 1 MB string is rejected before any lookup), strings
 * and numbers have limits, and unknown arguments are errors.
 */
import { z } from 'zod';
import { CATEGORIES, WAREHOUSES } from './sample-data';

export const sku = z.string().regex(/^SKU-\d{5}$/, 'must be a SKU such as "SKU-10001"');
export const orderId = z.string().regex(/^ORD-\d{6}$/, 'must be an order id such as "ORD-000001"');
export const customerId = z.string().regex(/^CUS-\d{5}$/, 'must be a customer id such as "CUS-00001"');
export const warehouse = z.enum(WAREHOUSES, { error: `must be one of ${WAREHOUSES.join(', ')}` });
export const category = z.enum(CATEGORIES, { error: `must be one of ${CATEGORIES.join(', ')}` });
export const reason = z.string().trim().min(3, 'give a reason of at least 3 characters').max(500, 'keep the reason under 500 characters');
export const pageSize = z.number().int().min(1).max(50);

/** The attribute a dataset keys on is storage detail: tools return records without it. */
export function withoutKey<T extends Record<string, unknown>>(item: T, partitionKey: string): Omit<T, string> & Record<string, unknown> {
  if (partitionKey === 'id') return item;
  const { [partitionKey]: _key, ...rest } = item;
  return rest;
}
