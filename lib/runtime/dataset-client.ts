/**
 * What tool code may do with its dataset. One interface, two implementations: in memory
 * (dev, tests: `InMemoryDataset`) and DynamoDB (Lambda, through the agent's data role).
 *
 * The shapes are chosen so each call maps to one DynamoDB operation:
 * get → GetItem, query → Query on the partition key, scan → Scan with a FilterExpression,
 * put → PutItem, update → UpdateItem with `attribute_exists` (+ `ifMatch` conditions),
 * delete → DeleteItem. Items are plain JSON (no Sets, no binary).
 */
import type { ReadBudget } from './read-budget';

export type JsonScalar = string | number | boolean | null;
export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue };
export type DatasetItem = { [attribute: string]: JsonValue };

/** A primary key: `{ pk: 'ORD-000001' }`, plus the sort key when the dataset has one. */
export type DatasetKey = { [attribute: string]: string | number };
/** A key, or just the partition value when the dataset has no sort key. */
export type KeyInput = DatasetKey | string;

/**
 * A filter condition on one attribute: equality, or a substring / prefix test on a string
 * (DynamoDB `contains()` / `begins_with()`, case-sensitive).
 */
export type AttributeCondition = JsonScalar | { contains: string } | { beginsWith: string };
export type DatasetFilter = { [attribute: string]: AttributeCondition };

export interface QueryOptions {
  /** Value of the partition key. */
  readonly partition: string | number;
  /** Condition on the sort key, when the dataset has one. */
  readonly sortKey?: { eq: string | number } | { beginsWith: string } | { between: [string | number, string | number] };
  /** Most items returned. Implementations cap it at 1000. */
  readonly limit?: number;
  /** @default true (ascending sort key) */
  readonly ascending?: boolean;
  /** From the previous page's `cursor`. */
  readonly cursor?: string;
}

export interface ScanOptions {
  /** Most items returned (not examined: DynamoDB implementations page until they have enough). Capped at 1000. */
  readonly limit?: number;
  /** All conditions must hold. */
  readonly filter?: DatasetFilter;
  readonly cursor?: string;
}

export interface Page {
  readonly items: DatasetItem[];
  /** Present when more items may follow; pass it back as `cursor`. */
  readonly cursor?: string;
}

export interface UpdateOptions {
  /**
   * Optimistic concurrency: the update happens only if these attributes currently hold these
   * values (e.g. `{ version: 3 }`); otherwise `DatasetConflictError`.
   */
  readonly ifMatch?: { [attribute: string]: JsonScalar };
}

export interface DatasetClient {
  /** The dataset's name in the manifest. */
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** False when the tool's access is `read`: the write methods throw `DatasetAccessError`. */
  readonly writable: boolean;
  get(key: KeyInput): Promise<DatasetItem | undefined>;
  query(options: QueryOptions): Promise<Page>;
  scan(options?: ScanOptions): Promise<Page>;
  /** Creates or replaces the item; it must carry its key attributes. */
  put(item: DatasetItem): Promise<void>;
  /** Sets top-level attributes of an existing item; returns the item after the update. */
  update(key: KeyInput, patch: DatasetItem, options?: UpdateOptions): Promise<DatasetItem>;
  delete(key: KeyInput): Promise<void>;
  /**
   * The same dataset, charging every read to `budget`. The runtime calls it once per tool call,
   * so tool code always reads within the call's budget (see read-budget.ts).
   */
  withReadBudget?(budget: ReadBudget): DatasetClient;
}

/** Largest page any implementation returns (bounds memory and response size). */
export const MAX_PAGE_SIZE = 1000;

/** A read tool tried to write. Its message names the tool and says how to fix the manifest. */
export class DatasetAccessError extends Error {
  constructor(dataset: string, operation: string, tool?: string) {
    super(
      `${tool ? `tool "${tool}"` : 'this tool'} has read access to dataset "${dataset}" and may not ${operation}; ` +
        `declare it with "access: write" in the manifest if it must change data`,
    );
    this.name = 'DatasetAccessError';
  }
}

/** `update` on an item that does not exist, or whose `ifMatch` conditions failed. */
export class DatasetConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetConflictError';
  }
}

/** Turns a `KeyInput` into a full key, checking it names exactly the dataset's key attributes. */
export function resolveKey(key: KeyInput, partitionKey: string, sortKey?: string): DatasetKey {
  const resolved: DatasetKey = typeof key === 'string' ? { [partitionKey]: key } : key;
  const expected = sortKey ? [partitionKey, sortKey] : [partitionKey];
  const given = Object.keys(resolved);
  const valid =
    given.length === expected.length &&
    expected.every((a) => Object.prototype.hasOwnProperty.call(resolved, a) && ['string', 'number'].includes(typeof resolved[a]));
  if (!valid) {
    throw new TypeError(`a key of this dataset has exactly the attributes ${expected.map((a) => `"${a}"`).join(' and ')} (string or number)`);
  }
  return resolved;
}

/** Wraps a client so its write methods throw: what a tool declared `access: read` receives. */
export function readOnlyDataset(client: DatasetClient, tool?: string): DatasetClient {
  const refuse = (operation: string) => () => Promise.reject(new DatasetAccessError(client.name, operation, tool));
  return Object.freeze({
    name: client.name,
    partitionKey: client.partitionKey,
    sortKey: client.sortKey,
    writable: false,
    get: (key: KeyInput) => client.get(key),
    query: (options: QueryOptions) => client.query(options),
    scan: (options?: ScanOptions) => client.scan(options),
    put: refuse('put items'),
    update: refuse('update items'),
    delete: refuse('delete items'),
    ...(client.withReadBudget ? { withReadBudget: (budget: ReadBudget) => readOnlyDataset(client.withReadBudget!(budget), tool) } : {}),
  });
}
