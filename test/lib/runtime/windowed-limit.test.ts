/**
 * Issue 7, point 9: a business rule a tool states must hold across calls. `update_price` said
 * "at most 50 % per change", and 15 calls of 50 % each moved a price from 226.41 to 0.01 in
 * 54 ms. The limit now holds over a window, through the runtime's windowed-limit helper, with
 * its state stored on the item it protects (so every Lambda instance sees the same window).
 */
import commerce, { MAX_PRICE_CHANGE, PRICE_WINDOW_MS } from '../../../examples/shop/tools';
import { FIRST_ROUND, InMemoryDataset, jsonLogger, ReadBudget, ToolError, windowedLimit, type DatasetClient } from '../../../lib/runtime';

const product = { pk: 'SKU-10001', id: 'SKU-10001', name: 'Lamp', category: 'home', price: 226.41, currency: 'USD' };

function updatePrice(ds: DatasetClient, price: number) {
  const def = commerce.tools.get('update_price')!;
  return def.handler(def.input.parse({ sku: product.id, price, reason: 'competitor feed' }) as never, {
    dataset: ds,
    agent: 'pricing-agent',
    logger: jsonLogger({ write: () => undefined }),
    requestId: 'req-1',
    signal: new AbortController().signal,
    readBudget: new ReadBudget(1_000),
    input: FIRST_ROUND,
  });
}

describe('update_price: the 50 % limit holds over a window, not only per call', () => {
  it('refuses the second 50 % cut in a row, so 15 calls cannot take 226.41 to 0.01', async () => {
    const ds = new InMemoryDataset({ name: 'catalog', items: [product] });
    let price = product.price;
    const refused: number[] = [];
    for (let i = 0; i < 15; i++) {
      const next = Math.max(0.01, Math.ceil(price * 50) / 100);
      try {
        await updatePrice(ds, next);
        price = next;
      } catch (err) {
        expect(err).toBeInstanceOf(ToolError);
        refused.push(i);
      }
    }
    const final = (await ds.get(product.id))!.price as number;
    expect(final).toBeGreaterThanOrEqual(product.price * (1 - MAX_PRICE_CHANGE));
    expect(refused).toHaveLength(14);
  });

  it('allows small moves up and down until their total reaches 50 % of the window price', async () => {
    const ds = new InMemoryDataset({ name: 'catalog', items: [{ ...product, price: 100 }] });
    for (const p of [110, 100, 110, 100, 110]) await updatePrice(ds, p); // 5 moves of ~10 %: ~47 %
    await expect(updatePrice(ds, 100)).rejects.toThrow(/window/);
  });

  it('opens a new window after PRICE_WINDOW_MS', async () => {
    const start = Date.UTC(2026, 11, 3, 9, 0, 0);
    jest.useFakeTimers({ now: start });
    try {
      const ds = new InMemoryDataset({ name: 'catalog', items: [{ ...product, price: 100 }] });
      await updatePrice(ds, 50);
      await expect(updatePrice(ds, 30)).rejects.toThrow(ToolError);
      jest.setSystemTime(start + PRICE_WINDOW_MS);
      await expect(updatePrice(ds, 30)).resolves.toMatchObject({ newPrice: 30 });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('windowedLimit', () => {
  const limit = windowedLimit({ max: 10, windowMs: 60_000 });

  it('adds what each call takes and refuses what would pass the maximum, saying when it resets', () => {
    let state = limit.take(undefined, 6, 1_000);
    expect(state).toMatchObject({ allowed: true, remaining: 4 });
    state = limit.take(state.window, 4, 2_000);
    expect(state).toMatchObject({ allowed: true, remaining: 0 });
    const refused = limit.take(state.window, 0.5, 30_000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 31 });
    expect(refused.window).toEqual(state.window); // a refusal does not consume
  });

  it('starts a fresh window once the old one has passed', () => {
    const full = limit.take(undefined, 10, 0);
    expect(limit.take(full.window, 10, 60_000)).toMatchObject({ allowed: true, remaining: 0, window: { startedAt: 60_000, used: 10 } });
  });

  it('treats a malformed stored window (tampered or from an older version) as a full one, not as a fresh one', () => {
    expect(limit.take({ startedAt: 'x', used: -5 } as never, 1, 1_000)).toMatchObject({ allowed: false });
  });

  it('refuses a negative or non-finite amount and a bad configuration', () => {
    expect(() => limit.take(undefined, -1, 0)).toThrow(/amount/);
    expect(() => limit.take(undefined, Number.NaN, 0)).toThrow(/amount/);
    expect(() => windowedLimit({ max: 0, windowMs: 1 })).toThrow(/max/);
    expect(() => windowedLimit({ max: 1, windowMs: 0 })).toThrow(/windowMs/);
  });
});
