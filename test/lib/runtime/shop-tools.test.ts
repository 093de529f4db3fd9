// The example shop's tool logic, called directly with in-memory datasets (the MCP path is covered in test/integration).
import commerce, { MAX_PRICE_CHANGE } from '../../../examples/shop/tools';
import payments from '../../../examples/shop/payment-tools';
import { sampleData, sampleDatasets } from '../../../examples/shop/sample-data';
import { FIRST_ROUND, InMemoryDataset, jsonLogger, ReadBudget, readOnlyDataset, ToolError, type DatasetClient, type ToolSet } from '../../../lib/runtime';

const data = sampleData();
const lines: string[] = [];

async function call(set: ToolSet, tool: string, dataset: string, args: unknown, writable = true, ds?: DatasetClient) {
  const def = set.tools.get(tool)!;
  const client = ds ?? new InMemoryDataset({ name: dataset, items: sampleDatasets()[dataset] });
  const parsed = def.input.parse(args);
  return def.handler(parsed as never, {
    dataset: writable ? client : readOnlyDataset(client, tool),
    agent: 'test-agent',
    logger: jsonLogger({ write: (l) => lines.push(l) }),
    requestId: 'req-1',
    signal: new AbortController().signal,
    readBudget: new ReadBudget(),
    input: FIRST_ROUND,
  }) as Promise<Record<string, unknown>>;
}

describe('search_products', () => {
  it('finds products by a word of their name, case-insensitively, within the limit', async () => {
    const word = data.products[0]!.name.split(' ')[1]!;
    const result = await call(commerce, 'search_products', 'catalog', { query: word.toUpperCase(), limit: 3 });
    const found = result.products as Array<{ name: string }>;
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThanOrEqual(3);
    for (const p of found) expect(JSON.stringify(p).toLowerCase()).toContain(word.toLowerCase());
  });

  it('filters by category and pages with a cursor', async () => {
    const all = data.products.filter((p) => p.category === 'books').length;
    const first = await call(commerce, 'search_products', 'catalog', { category: 'books', limit: 2 });
    expect((first.products as Array<{ category: string }>).every((p) => p.category === 'books')).toBe(true);
    expect(first.cursor === undefined).toBe(all <= 2);
  });

  it('rejects operator objects, oversize strings and unknown arguments, naming the argument', () => {
    const input = commerce.tools.get('search_products')!.input;
    expect(input.safeParse({ query: { $ne: null } }).error?.issues[0]?.path).toEqual(['query']);
    expect(input.safeParse({ query: 'x'.repeat(101) }).error?.issues[0]?.path).toEqual(['query']);
    expect(input.safeParse({ limit: 51 }).success).toBe(false);
    expect(input.safeParse({ $where: 'sleep(1000)' }).success).toBe(false);
  });
});

describe('update_price', () => {
  const product = data.products[0]!;

  it('changes the price within bounds and records who did it', async () => {
    const ds = new InMemoryDataset({ name: 'catalog', items: sampleDatasets().catalog });
    const newPrice = Math.round(product.price * 110) / 100;
    expect(await call(commerce, 'update_price', 'catalog', { sku: product.id, price: newPrice, reason: 'competitor feed' }, true, ds)).toMatchObject({ oldPrice: product.price, newPrice });
    expect(await ds.get(product.id)).toMatchObject({ price: newPrice, priceChangedBy: 'test-agent' });
  });

  it(`refuses a change of more than ${MAX_PRICE_CHANGE * 100}% in one step`, async () => {
    await expect(call(commerce, 'update_price', 'catalog', { sku: product.id, price: Math.round(product.price * 300) / 100, reason: 'typo' })).rejects.toThrow(ToolError);
  });

  it('rejects prices out of range or with more than two decimals', () => {
    const input = commerce.tools.get('update_price')!.input;
    for (const price of [0, -5, 100_001, 1.234]) expect(input.safeParse({ sku: product.id, price, reason: 'why not' }).success).toBe(false);
  });
});

describe('stock', () => {
  const record = data.stock[0]!;

  it('reports stock per warehouse and the total', async () => {
    const total = Object.values(record.warehouses).reduce((a, b) => a + b, 0);
    expect(await call(commerce, 'get_stock', 'inventory', { sku: record.id }, false)).toEqual({ sku: record.id, warehouses: record.warehouses, total });
  });

  it('adjusts one warehouse and bumps the version', async () => {
    const ds = new InMemoryDataset({ name: 'inventory', items: sampleDatasets().inventory });
    const before = record.warehouses['WH-BER']!;
    expect(await call(commerce, 'update_stock', 'inventory', { sku: record.id, warehouse: 'WH-BER', delta: 5, reason: 'delivery' }, true, ds)).toEqual({ sku: record.id, warehouse: 'WH-BER', before, after: before + 5 });
    expect(await ds.get(record.id)).toMatchObject({ version: 2, warehouses: { 'WH-BER': before + 5 } });
  });

  it('never lets stock go negative', async () => {
    const before = record.warehouses['WH-NYC']!;
    await expect(call(commerce, 'update_stock', 'inventory', { sku: record.id, warehouse: 'WH-NYC', delta: -(before + 1), reason: 'shrinkage' })).rejects.toThrow(/negative/);
  });

  it('rejects a zero, fractional or huge delta and unknown warehouses', () => {
    const input = commerce.tools.get('update_stock')!.input;
    for (const bad of [{ delta: 0 }, { delta: 1.5 }, { delta: 10_000 }, { warehouse: 'WH-XXX' }]) {
      expect(input.safeParse({ sku: record.id, warehouse: 'WH-BER', delta: 1, reason: 'count', ...bad }).success).toBe(false);
    }
  });

  it('is applied exactly once per call when calls race (optimistic version check)', async () => {
    const ds = new InMemoryDataset({ name: 'inventory', items: sampleDatasets().inventory });
    const before = record.warehouses['WH-PAR']!;
    await Promise.all(Array.from({ length: 3 }, () => call(commerce, 'update_stock', 'inventory', { sku: record.id, warehouse: 'WH-PAR', delta: 1, reason: 'race' }, true, ds)));
    expect(((await ds.get(record.id))!.warehouses as Record<string, number>)['WH-PAR']).toBe(before + 3);
  });

  it('gives a read tool a dataset that refuses writes', async () => {
    const ds = readOnlyDataset(new InMemoryDataset({ name: 'inventory', items: sampleDatasets().inventory }), 'get_stock');
    await expect(ds.update(record.id, { version: 99 })).rejects.toThrow(/read access/);
  });
});

describe('orders and customers', () => {
  it('returns one order with lines and shipping address, without the storage key', async () => {
    const order = data.orders[0]!;
    const result = await call(commerce, 'get_order', 'orders', { orderId: order.id }, false);
    expect(result).toEqual(JSON.parse(JSON.stringify(order)));
    expect(result).not.toHaveProperty('pk');
  });

  it('says plainly when an order does not exist', async () => {
    await expect(call(commerce, 'get_order', 'orders', { orderId: 'ORD-999999' }, false)).rejects.toThrow('no order ORD-999999');
  });

  it("lists a customer's orders newest first, within the limit", async () => {
    const customerId = data.orders[0]!.customerId;
    const mine = data.orders.filter((o) => o.customerId === customerId);
    const result = await call(commerce, 'list_customer_orders', 'orders', { customerId, limit: 50 }, false);
    const orders = result.orders as Array<{ orderId: string; placedAt: string }>;
    expect(orders.map((o) => o.orderId).sort()).toEqual(mine.map((o) => o.id).sort());
    expect(orders.map((o) => o.placedAt)).toEqual([...orders.map((o) => o.placedAt)].sort().reverse());
  });

  it('returns a customer profile', async () => {
    const customer = data.customers[1]!;
    expect(await call(commerce, 'get_customer', 'customers', { customerId: customer.id }, false)).toMatchObject({ email: customer.email, refundIban: customer.refundIban });
  });
});

describe('payments', () => {
  it('returns the payment of an order', async () => {
    const payment = data.payments[0]!;
    expect(await call(payments, 'get_payment', 'payments', { orderId: payment.orderId }, false)).toMatchObject({ id: payment.id, amount: payment.amount });
  });

  it('flags a payment once and records who flagged it and why', async () => {
    const payment = data.payments.find((p) => p.status === 'captured')!;
    const ds = new InMemoryDataset({ name: 'payments', items: sampleDatasets().payments });
    expect(await call(payments, 'flag_payment', 'payments', { orderId: payment.orderId, reason: 'velocity' }, true, ds)).toEqual({ orderId: payment.orderId, status: 'flagged', alreadyFlagged: false });
    expect(await call(payments, 'flag_payment', 'payments', { orderId: payment.orderId, reason: 'again' }, true, ds)).toMatchObject({ alreadyFlagged: true });
    expect(await ds.get(payment.orderId)).toMatchObject({ status: 'flagged', flag: { by: 'test-agent', reason: 'velocity' } });
  });

  it('refuses to flag a refunded payment', async () => {
    const refunded = data.payments.find((p) => p.status === 'refunded')!;
    await expect(call(payments, 'flag_payment', 'payments', { orderId: refunded.orderId, reason: 'late' })).rejects.toThrow(/refunded/);
  });
});
