import { DatasetAccessError, DatasetConflictError, InMemoryDataset, MAX_PAGE_SIZE, readOnlyDataset } from '../../../lib/runtime';

const items = Array.from({ length: 25 }, (_, i) => ({ pk: `ITEM-${String(i).padStart(2, '0')}`, kind: i % 2 === 0 ? 'even' : 'odd', text: `item number ${i}`, version: 1 }));
const fresh = () => new InMemoryDataset({ name: 'things', items });

describe('InMemoryDataset', () => {
  it('gets an item by partition value or by full key, and undefined for a missing one', async () => {
    const ds = fresh();
    expect(await ds.get('ITEM-03')).toMatchObject({ text: 'item number 3' });
    expect(await ds.get({ pk: 'ITEM-03' })).toMatchObject({ text: 'item number 3' });
    expect(await ds.get('nope')).toBeUndefined();
  });

  it('refuses keys that are not exactly the key attributes (no operator objects)', async () => {
    const ds = fresh();
    await expect(ds.get({ pk: 'ITEM-01', extra: 'x' })).rejects.toThrow(/exactly the attributes "pk"/);
    await expect(ds.get({ pk: { $ne: null } } as never)).rejects.toThrow(TypeError);
  });

  it('returns copies: changing a returned item does not change the store', async () => {
    const ds = fresh();
    const item = (await ds.get('ITEM-01'))!;
    item.text = 'tampered';
    expect((await ds.get('ITEM-01'))!.text).toBe('item number 1');
  });

  it('scans with equality and contains filters, pages with a cursor', async () => {
    const ds = fresh();
    const first = await ds.scan({ filter: { kind: 'even' }, limit: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.items.every((i) => i.kind === 'even')).toBe(true);
    const second = await ds.scan({ filter: { kind: 'even' }, limit: 5, cursor: first.cursor });
    const rest = await ds.scan({ filter: { kind: 'even' }, limit: 5, cursor: second.cursor });
    expect(rest.cursor).toBeUndefined();
    expect(first.items.length + second.items.length + rest.items.length).toBe(13);
    expect((await ds.scan({ filter: { text: { contains: 'number 2' } } })).items.map((i) => i.pk)).toEqual(['ITEM-02', 'ITEM-20', 'ITEM-21', 'ITEM-22', 'ITEM-23', 'ITEM-24']);
  });

  it(`caps a page at ${MAX_PAGE_SIZE} items`, async () => {
    const big = new InMemoryDataset({ name: 'big', items: Array.from({ length: MAX_PAGE_SIZE + 5 }, (_, i) => ({ pk: `k${i}` })) });
    expect((await big.scan({ limit: 10 ** 9 })).items).toHaveLength(MAX_PAGE_SIZE);
  });

  it('queries a partition in sort-key order', async () => {
    const ds = new InMemoryDataset({ name: 'stock', sortKey: 'warehouse', items: [
      { pk: 'SKU-1', warehouse: 'WH-C', qty: 3 },
      { pk: 'SKU-1', warehouse: 'WH-A', qty: 1 },
      { pk: 'SKU-2', warehouse: 'WH-A', qty: 9 },
    ] });
    expect((await ds.query({ partition: 'SKU-1' })).items.map((i) => i.warehouse)).toEqual(['WH-A', 'WH-C']);
    expect((await ds.query({ partition: 'SKU-1', ascending: false, limit: 1 })).items.map((i) => i.qty)).toEqual([3]);
    expect((await ds.query({ partition: 'SKU-1', sortKey: { beginsWith: 'WH-C' } })).items).toHaveLength(1);
  });

  it('updates only existing items and honours ifMatch', async () => {
    const ds = fresh();
    expect(await ds.update('ITEM-01', { version: 2 }, { ifMatch: { version: 1 } })).toMatchObject({ version: 2, text: 'item number 1' });
    await expect(ds.update('ITEM-01', { version: 3 }, { ifMatch: { version: 1 } })).rejects.toBeInstanceOf(DatasetConflictError);
    await expect(ds.update('missing', { version: 1 })).rejects.toBeInstanceOf(DatasetConflictError);
    await expect(ds.update('ITEM-01', { pk: 'other' })).rejects.toThrow(/key attribute/);
  });

  it('stores "__proto__" as plain data', async () => {
    const ds = new InMemoryDataset({ name: 'x' });
    await ds.put({ pk: '__proto__', polluted: true });
    expect(await ds.get('__proto__')).toEqual({ pk: '__proto__', polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('puts and deletes', async () => {
    const ds = fresh();
    await ds.put({ pk: 'NEW', v: 1 });
    expect(ds.size).toBe(26);
    await ds.delete('NEW');
    expect(await ds.get('NEW')).toBeUndefined();
  });
});

describe('readOnlyDataset', () => {
  it('reads through but refuses every write, naming the tool and the fix', async () => {
    const ds = readOnlyDataset(fresh(), 'get_thing');
    expect(ds.writable).toBe(false);
    expect(await ds.get('ITEM-01')).toBeDefined();
    await expect(ds.put({ pk: 'x' })).rejects.toThrow(DatasetAccessError);
    await expect(ds.update('ITEM-01', { v: 1 })).rejects.toThrow(/tool "get_thing" has read access to dataset "things".*access: write/);
    await expect(ds.delete('ITEM-01')).rejects.toThrow(DatasetAccessError);
  });
});
