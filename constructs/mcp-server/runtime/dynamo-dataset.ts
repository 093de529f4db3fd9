/**
 * `DatasetClient` over a DynamoDB table, for tool code running in the server Lambda. Each
 * method is one DynamoDB operation (scan may page). The client it is given was built with
 * the calling agent's data-role credentials; this class never sees the server's own role.
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
} from '../../../lib/runtime/dataset-client';
import { readUnitsFor, type ReadBudget } from '../../../lib/runtime/read-budget';
import { documentCalls, isConditionalCheckFailed, type DocumentCalls, type DocumentClientLike } from './document-calls';

/**
 * Most 1 MB pages one `scan` reads looking for matches, bounding the latency of one tool call.
 * The call's read budget (read-budget.ts) usually stops it sooner: 256 units is two pages.
 */
const MAX_SCAN_PAGES = 10;

/** What a read reports back, for the budget: DynamoDB's own count when asked for it. */
interface ReadOutput {
  readonly ConsumedCapacity?: { readonly CapacityUnits?: number };
  readonly Items?: unknown[];
  readonly Item?: unknown;
}

export interface DynamoDatasetOptions {
  readonly client: DocumentClientLike;
  readonly tableName: string;
  /** The dataset's name in the manifest. */
  readonly name: string;
  /** @default 'pk' */
  readonly partitionKey?: string;
  readonly sortKey?: string;
  /** Charge every read to this budget (set by `withReadBudget`). @default - none */
  readonly readBudget?: ReadBudget;
}

/** Builds expression placeholders (`#n0`, `:v0`) so attribute names never clash with reserved words. */
class Expression {
  public readonly names: Record<string, string> = {};
  public readonly values: Record<string, unknown> = {};

  public name(attribute: string): string {
    const existing = Object.entries(this.names).find(([, a]) => a === attribute);
    if (existing) return existing[0];
    const placeholder = `#n${Object.keys(this.names).length}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  public value(value: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** The attribute maps DynamoDB expects, omitting empty ones (DynamoDB rejects empty maps). */
  public attributes(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    return {
      ...(Object.keys(this.names).length ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

export class DynamoDataset implements DatasetClient {
  public readonly name: string;
  public readonly partitionKey: string;
  public readonly sortKey?: string;
  public readonly writable = true;
  private readonly client: DocumentCalls;
  private readonly tableName: string;
  private readonly budget?: ReadBudget;

  constructor(private readonly options: DynamoDatasetOptions) {
    this.budget = options.readBudget;
    this.client = documentCalls(options.client);
    this.tableName = options.tableName;
    this.name = options.name;
    this.partitionKey = options.partitionKey ?? 'pk';
    this.sortKey = options.sortKey;
  }

  /** The same table, with every read charged to `budget` (what the runtime hands one tool call). */
  public withReadBudget(budget: ReadBudget): DatasetClient {
    return new DynamoDataset({ ...this.options, readBudget: budget });
  }

  public async get(key: KeyInput): Promise<DatasetItem | undefined> {
    this.budget?.ensureRemaining();
    const output = await this.client.call('GetItem', { TableName: this.tableName, Key: this.key(key), ...this.capacity() });
    this.charge(output);
    return output.Item as DatasetItem | undefined;
  }

  public async query(options: QueryOptions): Promise<Page> {
    const expr = new Expression();
    const conditions = [`${expr.name(this.partitionKey)} = ${expr.value(options.partition)}`];
    if (options.sortKey && this.sortKey) {
      const sk = expr.name(this.sortKey);
      const cond = options.sortKey;
      if ('eq' in cond) conditions.push(`${sk} = ${expr.value(cond.eq)}`);
      else if ('beginsWith' in cond) conditions.push(`begins_with(${sk}, ${expr.value(cond.beginsWith)})`);
      else conditions.push(`${sk} BETWEEN ${expr.value(cond.between[0])} AND ${expr.value(cond.between[1])}`);
    }
    this.budget?.ensureRemaining();
    const output = await this.client.call('Query', {
      TableName: this.tableName,
      KeyConditionExpression: conditions.join(' AND '),
      ...expr.attributes(),
      Limit: pageSize(options.limit),
      ScanIndexForward: options.ascending !== false,
      ExclusiveStartKey: options.cursor ? this.decodeCursor(options.cursor) : undefined,
      ...this.capacity(),
    });
    this.charge(output);
    return this.page((output.Items ?? []) as DatasetItem[], output.LastEvaluatedKey);
  }

  public async scan(options: ScanOptions = {}): Promise<Page> {
    const limit = pageSize(options.limit);
    const expr = new Expression();
    const filter = Object.entries(options.filter ?? {})
      .map(([attribute, cond]) => condition(expr, attribute, cond))
      .join(' AND ');
    const items: DatasetItem[] = [];
    let startKey = options.cursor ? this.decodeCursor(options.cursor) : undefined;
    this.budget?.ensureRemaining();
    // a filtered scan may return few matches per page: keep reading, within a bound and while
    // the call's read budget lasts (then the cursor says where to go on)
    for (let pages = 0; pages < MAX_SCAN_PAGES; pages++) {
      if (pages > 0 && this.budget?.exhausted) break;
      const output = await this.client.call('Scan', { TableName: this.tableName, ...(filter ? { FilterExpression: filter } : {}), ...expr.attributes(), ExclusiveStartKey: startKey, ...this.capacity() });
      this.charge(output);
      const { Items, LastEvaluatedKey } = output;
      const found = (Items ?? []) as DatasetItem[];
      const room = limit - items.length;
      if (found.length > room) {
        items.push(...found.slice(0, room));
        // continue after the last item returned; scan order within a table is stable
        return this.page(items, this.keyOf(items[items.length - 1]!));
      }
      items.push(...found);
      startKey = LastEvaluatedKey;
      if (!startKey || items.length === limit) break;
    }
    return this.page(items, startKey);
  }

  public async put(item: DatasetItem): Promise<void> {
    this.keyOf(item); // refuses an item without its key attributes, before DynamoDB does less clearly
    await this.client.call('PutItem', { TableName: this.tableName, Item: item });
  }

  public async update(key: KeyInput, patch: DatasetItem, options: UpdateOptions = {}): Promise<DatasetItem> {
    const resolved = this.key(key);
    for (const attribute of Object.keys(patch)) {
      if (attribute === this.partitionKey || attribute === this.sortKey) throw new TypeError(`update may not change the key attribute "${attribute}"`);
    }
    const expr = new Expression();
    const conditions = [`attribute_exists(${expr.name(this.partitionKey)})`];
    for (const [attribute, expected] of Object.entries(options.ifMatch ?? {})) conditions.push(`${expr.name(attribute)} = ${expr.value(expected)}`);
    const assignments = Object.entries(patch).map(([attribute, value]) => `${expr.name(attribute)} = ${expr.value(value)}`);
    if (assignments.length === 0) {
      // nothing to write: still honour the existence and ifMatch contract
      const current = await this.get(resolved);
      const changed = Object.entries(options.ifMatch ?? {}).find(([attribute, expected]) => current?.[attribute] !== expected);
      if (!current || changed) throw this.conflict(resolved, options);
      return current;
    }
    try {
      const { Attributes } = await this.client.call('UpdateItem', {
        TableName: this.tableName,
        Key: resolved,
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ...expr.attributes(),
        ReturnValues: 'ALL_NEW',
      });
      return Attributes as DatasetItem;
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw this.conflict(resolved, options);
      throw err;
    }
  }

  public async delete(key: KeyInput): Promise<void> {
    await this.client.call('DeleteItem', { TableName: this.tableName, Key: this.key(key) });
  }

  /** Ask DynamoDB for the capacity a read consumed, when there is a budget to charge. */
  private capacity(): { ReturnConsumedCapacity?: 'TOTAL' } {
    return this.budget ? { ReturnConsumedCapacity: 'TOTAL' } : {};
  }

  /** Charges DynamoDB's count; without one (an emulator that omits it), the size of what came back. */
  private charge(output: ReadOutput): void {
    if (!this.budget) return;
    const reported = output.ConsumedCapacity?.CapacityUnits;
    if (typeof reported === 'number') return this.budget.charge(reported);
    const returned = output.Items ?? (output.Item === undefined ? [] : [output.Item]);
    this.budget.charge(readUnitsFor(Buffer.byteLength(JSON.stringify(returned), 'utf8')));
  }

  private key(key: KeyInput): DatasetKey {
    return resolveKey(key, this.partitionKey, this.sortKey);
  }

  private keyOf(item: DatasetItem): DatasetKey {
    const key: Record<string, unknown> = { [this.partitionKey]: item[this.partitionKey] };
    if (this.sortKey) key[this.sortKey] = item[this.sortKey];
    return resolveKey(key as DatasetKey, this.partitionKey, this.sortKey);
  }

  private conflict(key: DatasetKey, options: UpdateOptions): DatasetConflictError {
    return new DatasetConflictError(
      options.ifMatch
        ? `item ${JSON.stringify(key)} in dataset "${this.name}" does not exist or no longer matches ${JSON.stringify(options.ifMatch)}`
        : `no item with key ${JSON.stringify(key)} in dataset "${this.name}"`,
    );
  }

  private page(items: DatasetItem[], lastKey: Record<string, unknown> | undefined): Page {
    return lastKey ? { items, cursor: Buffer.from(JSON.stringify(lastKey)).toString('base64url') } : { items };
  }

  /** A cursor is a primary key; anything else (a forged cursor) is refused. */
  private decodeCursor(cursor: string): DatasetKey {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('not a key');
      return this.key(parsed as DatasetKey); // exactly the key attributes, nothing else

    } catch {
      throw new TypeError('invalid cursor: pass back the cursor of the previous page unchanged');
    }
  }
}

function pageSize(limit: number | undefined): number {
  return Math.max(1, Math.min(Math.floor(limit ?? MAX_PAGE_SIZE), MAX_PAGE_SIZE));
}

function condition(expr: Expression, attribute: string, cond: AttributeCondition): string {
  const name = expr.name(attribute);
  if (cond !== null && typeof cond === 'object') {
    return 'contains' in cond ? `contains(${name}, ${expr.value(cond.contains)})` : `begins_with(${name}, ${expr.value(cond.beginsWith)})`;
  }
  return `${name} = ${expr.value(cond)}`;
}
