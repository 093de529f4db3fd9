/**
 * Bundled twice by zod-without-locales.test.ts (with zod's full entry and with the locale-free
 * one): prints what zod answers for a range of invalid values, as the guard, the tool catalog
 * and the manifest parser see it. Both bundles must print the same.
 */
import { z } from 'zod';
import { parseManifest } from '../../../lib/config';

const order = z.object({
  id: z.string().regex(/^ord_[a-z0-9]{6}$/),
  email: z.string().email(),
  quantity: z.number().int().min(1).max(10),
  status: z.enum(['open', 'shipped']),
  lines: z.array(z.object({ sku: z.string().min(3), price: z.number().positive() })).max(2),
  note: z.string().max(5).optional(),
  kind: z.discriminatedUnion('type', [z.object({ type: z.literal('a'), a: z.boolean() }), z.object({ type: z.literal('b'), b: z.bigint() })]),
  when: z.iso.datetime(),
  either: z.union([z.string(), z.number()]),
  checked: z.string().refine((s) => s === 'ok', 'must be ok'),
}).strict();

const bad = [
  {},
  { id: 'x', email: 'no', quantity: 1.5, status: 'lost', lines: [{ sku: 'a', price: -1 }, {}, {}], note: 'too long', kind: { type: 'c' }, when: 'yesterday', either: true, checked: 'no', extra: 1 },
  'not an object',
  null,
];
const out: unknown[] = [];
for (const value of bad) {
  const result = order.safeParse(value);
  out.push(result.success ? 'ok' : { issues: result.error.issues, pretty: z.prettifyError(result.error), flat: z.flattenError(result.error) });
}
out.push(z.toJSONSchema(order, { unrepresentable: 'any' }));
out.push(typeof z.core.$ZodType, typeof z.config, typeof z.ZodError);
try {
  parseManifest('project: 1\nservers: nope\n', 'warden.config.yaml');
} catch (err) {
  out.push((err as Error).message);
}
process.stdout.write(JSON.stringify(out, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
