/**
 * In-memory `DatasetClient` for the dev server and tests. Behaves like the DynamoDB one
 * where tool code can tell: items are copied in and out (tool code can't mutate the store
 * by holding a reference), `update` requires the item to exist, `ifMatch` is checked
 * atomically, pages are capped at MAX_PAGE_SIZE.
 */
import {
  DatasetConflictError,
  MAX_PAGE_SIZE,
  resolveKey,
  type AttributeCondition,
  type DatasetClient,
  type DatasetItem,
  type DatasetKey,
  type KeyInput,
  type Page,
  type QueryOptions,
  type ScanOptions,
  type UpdateOptions,
} from './dataset-client';

export interface InMemoryDatasetOptions {
  readonly name: string;
  /** @default 'pk' */
  readonly partitionKey?: string;
  readonly sortKey?: string;
  readonly items?: readonly DatasetItem[];
}

export class InMemoryDataset implements DatasetClient {
  public readonly name: string;
  public readonly partitionKey: string;
  public readonly sortKey?: string;
  public readonly writable = true;
  // A Map, not an object: keys such as "__proto__" are plain data here.
  private readonly items = new Map<string, DatasetItem>();

  constructor(options: InMemoryDatasetOptions) {
    this.name = options.name;
    this.partitionKey = options.partitionKey ?? 'pk';
    this.sortKey = options.sortKey;
    for (const item of options.items ?? []) this.putSync(item);
  }

  /** Number of items held. */
  public get size(): number {
    return this.items.size;
  }

  public async get(key: KeyInput): Promise<DatasetItem | undefined> {
    const item = this.items.get(this.id(resolveKey(key, this.partitionKey, this.sortKey)));
    return item === undefined ? undefined : structuredClone(item);
  }

  public async query(options: QueryOptions): Promise<Page> {
    const matches = [...this.items.values()].filter(
      (item) => item[this.partitionKey] === options.partition && (!options.sortKey || !this.sortKey || matchesSortKey(item[this.sortKey], options.sortKey)),
    );
    if (this.sortKey) {
      const sk = this.sortKey;
      matches.sort((a, b) => compare(a[sk], b[sk]) * (options.ascending === false ? -1 : 1));
    }
    return page(matches, options.limit, options.cursor);
  }

  public async scan(options: ScanOptions = {}): Promise<Page> {
    const conditions = Object.entries(options.filter ?? {});
    const matches = [...this.items.values()].filter((item) => conditions.every(([attr, cond]) => matchesCondition(Object.hasOwn(item, attr) ? item[attr] : undefined, cond)));
    return page(matches, options.limit, options.cursor);
  }

  public async put(item: DatasetItem): Promise<void> {
    this.putSync(item);
  }

  public async update(key: KeyInput, patch: DatasetItem, options: UpdateOptions = {}): Promise<DatasetItem> {
    const resolved = resolveKey(key, this.partitionKey, this.sortKey);
    const id = this.id(resolved);
    const current = this.items.get(id);
    if (!current) throw new DatasetConflictError(`no item with key ${JSON.stringify(resolved)} in dataset "${this.name}"`);
    for (const [attr, expected] of Object.entries(options.ifMatch ?? {})) {
      if (current[attr] !== expected) throw new DatasetConflictError(`item ${JSON.stringify(resolved)} changed: "${attr}" is no longer ${JSON.stringify(expected)}`);
    }
    for (const attr of Object.keys(patch)) {
      if (attr === this.partitionKey || attr === this.sortKey) throw new TypeError(`update may not change the key attribute "${attr}"`);
    }
    const next = structuredClone({ ...current, ...patch });
    this.items.set(id, next);
    return structuredClone(next);
  }

  public async delete(key: KeyInput): Promise<void> {
    this.items.delete(this.id(resolveKey(key, this.partitionKey, this.sortKey)));
  }

  private putSync(item: DatasetItem): void {
    const key: DatasetKey = { [this.partitionKey]: item[this.partitionKey] as string };
    if (this.sortKey) key[this.sortKey] = item[this.sortKey] as string;
    this.items.set(this.id(resolveKey(key, this.partitionKey, this.sortKey)), structuredClone(item));
  }

  private id(key: DatasetKey): string {
    return JSON.stringify([key[this.partitionKey], this.sortKey ? key[this.sortKey] : null]);
  }
}

function page(items: DatasetItem[], limit = MAX_PAGE_SIZE, cursor?: string): Page {
  const size = Math.max(1, Math.min(Math.floor(limit), MAX_PAGE_SIZE));
  const start = cursor ? decodeCursor(cursor) : 0;
  const slice = items.slice(start, start + size).map((i) => structuredClone(i));
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return next ? { items: slice, cursor: next } : { items: slice };
}

function decodeCursor(cursor: string): number {
  const n = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError('invalid cursor: pass back the cursor of the previous page unchanged');
  return n;
}

function matchesCondition(value: unknown, cond: AttributeCondition): boolean {
  if (cond !== null && typeof cond === 'object') {
    if (typeof value !== 'string') return false;
    return 'contains' in cond ? value.includes(cond.contains) : value.startsWith(cond.beginsWith);
  }
  return value === cond;
}

function matchesSortKey(value: unknown, cond: NonNullable<QueryOptions['sortKey']>): boolean {
  if ('eq' in cond) return value === cond.eq;
  if ('beginsWith' in cond) return typeof value === 'string' && value.startsWith(cond.beginsWith);
  return compare(value, cond.between[0]) >= 0 && compare(value, cond.between[1]) <= 0;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
