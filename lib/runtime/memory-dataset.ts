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
import { readUnitsFor, type ReadBudget } from './read-budget';

/** DynamoDB's Scan page: it examines up to 1 MB, then returns (the in-memory scan charges the same way). */
const SCAN_PAGE_BYTES = 1024 * 1024;
const jsonBytes = (item: DatasetItem): number => Buffer.byteLength(JSON.stringify(item), 'utf8');

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
  /** Set on the per-call views `withReadBudget` returns; they share `items` with this dataset. */
  private readonly budget?: ReadBudget;

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

  /** A view of the same items whose reads are charged to `budget` (DynamoDB's read arithmetic). */
  public withReadBudget(budget: ReadBudget): DatasetClient {
    const view = Object.create(InMemoryDataset.prototype) as InMemoryDataset;
    Object.assign(view, { name: this.name, partitionKey: this.partitionKey, sortKey: this.sortKey, writable: true, items: this.items, budget });
    return view;
  }

  public async get(key: KeyInput): Promise<DatasetItem | undefined> {
    this.budget?.ensureRemaining();
    const item = this.items.get(this.id(resolveKey(key, this.partitionKey, this.sortKey)));
    this.budget?.charge(readUnitsFor(item === undefined ? 0 : jsonBytes(item)));
    return item === undefined ? undefined : structuredClone(item);
  }

  public async query(options: QueryOptions): Promise<Page> {
    this.budget?.ensureRemaining();
    const matches = [...this.items.values()].filter(
      (item) => item[this.partitionKey] === options.partition && (!options.sortKey || !this.sortKey || matchesSortKey(item[this.sortKey], options.sortKey)),
    );
    if (this.sortKey) {
      const sk = this.sortKey;
      matches.sort((a, b) => compare(a[sk], b[sk]) * (options.ascending === false ? -1 : 1));
    }
    const result = page(matches, options.limit, options.cursor);
    this.budget?.charge(readUnitsFor(result.items.reduce((n, i) => n + jsonBytes(i), 0)));
    return result;
  }

  /**
   * Examines items in order from the cursor, as DynamoDB does: 1 MB at a time, charging what it
   * examined (matching or not), until `limit` matches, the end, or the read budget runs out.
   * The cursor is a position among all items, so a budget-cut page continues where it stopped.
   */
  public async scan(options: ScanOptions = {}): Promise<Page> {
    this.budget?.ensureRemaining();
    const conditions = Object.entries(options.filter ?? {});
    const all = [...this.items.values()];
    const size = Math.max(1, Math.min(Math.floor(options.limit ?? MAX_PAGE_SIZE), MAX_PAGE_SIZE));
    const from = options.cursor ? decodeCursor(options.cursor) : 0;
    let at = from;
    const found: DatasetItem[] = [];
    let pageBytes = 0;
    while (at < all.length && found.length < size) {
      // a new 1 MB page starts only while budget remains (the first always does)
      if (pageBytes === 0 && at !== from && this.budget?.exhausted) break;
      const item = all[at++]!;
      pageBytes += jsonBytes(item);
      if (conditions.every(([attr, cond]) => matchesCondition(Object.hasOwn(item, attr) ? item[attr] : undefined, cond))) found.push(structuredClone(item));
      if (pageBytes >= SCAN_PAGE_BYTES) {
        this.budget?.charge(readUnitsFor(pageBytes));
        pageBytes = 0;
      }
    }
    if (pageBytes > 0) this.budget?.charge(readUnitsFor(pageBytes));
    return at < all.length ? { items: found, cursor: encodeCursor(at) } : { items: found };
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
  const next = start + size < items.length ? encodeCursor(start + size) : undefined;
  return next ? { items: slice, cursor: next } : { items: slice };
}

function encodeCursor(position: number): string {
  return Buffer.from(String(position)).toString('base64url');
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
