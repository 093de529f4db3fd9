/**
 * An in-memory DynamoDB behind aws-sdk-client-mock: it really evaluates the key, condition,
 * filter and update expressions the adapters send (the subset DynamoDB documents for
 * comparisons, BETWEEN, begins_with, contains, attribute_(not_)exists, AND/OR, SET with
 * if_not_exists, ADD), so tests check behaviour rather than the exact request text.
 *
 * Optionally it acts as IAM too: `authorize` sees the credentials the calling client signs with.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

export interface FakeTableSpec {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export type DynamoAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'Scan';
export type Authorizer = (call: { action: DynamoAction; table: string; accessKeyId?: string }) => void;

export class FakeDynamoDB {
  public readonly calls: Array<{ action: DynamoAction; table: string; accessKeyId?: string }> = [];
  private readonly tables = new Map<string, { spec: FakeTableSpec; items: Map<string, Item> }>();
  /** Largest number of items a Scan or Query page returns (stands in for the 1 MB page). */
  public pageItems = 1000;
  public authorize?: Authorizer;

  public createTable(name: string, spec: FakeTableSpec, items: Item[] = []): void {
    const table = { spec, items: new Map<string, Item>() };
    this.tables.set(name, table);
    for (const item of items) table.items.set(this.id(spec, item), structuredClone(item));
  }

  public items(name: string): Item[] {
    return [...this.table(name).items.values()].map((i) => structuredClone(i));
  }

  public install(mock: AwsClientStub<DynamoDBDocumentClient>): void {
    const guard = async (action: DynamoAction, table: string, getClient: () => unknown) => {
      // credentials are resolved only when acting as IAM (the Lambda's own role has none in tests)
      const creds = this.authorize ? await (getClient() as { config?: { credentials?: () => Promise<{ accessKeyId: string }> } }).config?.credentials?.() : undefined;
      const call = { action, table, accessKeyId: creds?.accessKeyId };
      this.calls.push(call);
      this.authorize?.(call);
    };
    mock.on(GetCommand).callsFake(async (input, getClient) => {
      await guard('GetItem', input.TableName, getClient);
      const item = this.table(input.TableName).items.get(this.id(this.table(input.TableName).spec, input.Key));
      return item ? { Item: this.project(item, input.ProjectionExpression, input.ExpressionAttributeNames) } : {};
    });
    mock.on(PutCommand).callsFake(async (input, getClient) => {
      await guard('PutItem', input.TableName, getClient);
      const table = this.table(input.TableName);
      table.items.set(this.id(table.spec, input.Item), structuredClone(input.Item));
      return {};
    });
    mock.on(DeleteCommand).callsFake(async (input, getClient) => {
      await guard('DeleteItem', input.TableName, getClient);
      const table = this.table(input.TableName);
      table.items.delete(this.id(table.spec, input.Key));
      return {};
    });
    mock.on(UpdateCommand).callsFake(async (input, getClient) => {
      await guard('UpdateItem', input.TableName, getClient);
      const table = this.table(input.TableName);
      const id = this.id(table.spec, input.Key);
      const current = table.items.get(id);
      if (input.ConditionExpression && !evaluate(input.ConditionExpression, current ?? {}, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      }
      const before = current ?? structuredClone(input.Key);
      const after = applyUpdate(input.UpdateExpression, structuredClone(before), input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      table.items.set(id, after);
      if (input.ReturnValues === 'ALL_NEW') return { Attributes: structuredClone(after) };
      if (input.ReturnValues === 'UPDATED_NEW') {
        const touched = updatedAttributes(input.UpdateExpression, input.ExpressionAttributeNames);
        return { Attributes: Object.fromEntries(touched.map((a) => [a, after[a]])) };
      }
      return {};
    });
    mock.on(QueryCommand).callsFake(async (input, getClient) => {
      await guard('Query', input.TableName, getClient);
      const table = this.table(input.TableName);
      let items = [...table.items.values()].filter((i) => evaluate(input.KeyConditionExpression, i, input.ExpressionAttributeNames, input.ExpressionAttributeValues));
      if (table.spec.sortKey) {
        const sk = table.spec.sortKey;
        items.sort((a, b) => compare(a[sk], b[sk]) * (input.ScanIndexForward === false ? -1 : 1));
      }
      return this.page(table.spec, items, input.ExclusiveStartKey, input.Limit, undefined, input);
    });
    mock.on(ScanCommand).callsFake(async (input, getClient) => {
      await guard('Scan', input.TableName, getClient);
      const table = this.table(input.TableName);
      return this.page(table.spec, [...table.items.values()], input.ExclusiveStartKey, input.Limit, input.FilterExpression, input);
    });
  }

  private page(spec: FakeTableSpec, ordered: Item[], startKey: Item | undefined, limit: number | undefined, filter: string | undefined, input: { ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values }) {
    let start = 0;
    if (startKey) start = ordered.findIndex((i) => this.id(spec, i) === this.id(spec, startKey)) + 1;
    const evaluated = ordered.slice(start, start + Math.min(limit ?? Infinity, this.pageItems));
    const more = start + evaluated.length < ordered.length;
    const items = filter ? evaluated.filter((i) => evaluate(filter, i, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) : evaluated;
    const last = evaluated[evaluated.length - 1];
    const key = last && { [spec.partitionKey]: last[spec.partitionKey], ...(spec.sortKey ? { [spec.sortKey]: last[spec.sortKey] } : {}) };
    return { Items: items.map((i) => structuredClone(i)), ...(more && key ? { LastEvaluatedKey: key } : {}) };
  }

  private project(item: Item, projection: string | undefined, names: Names): Item {
    if (!projection) return structuredClone(item);
    const attributes = projection.split(',').map((p) => resolveName(p.trim(), names));
    return Object.fromEntries(attributes.filter((a) => a in item).map((a) => [a, structuredClone(item[a])]));
  }

  private table(name: string) {
    const table = this.tables.get(name);
    if (!table) throw Object.assign(new Error(`Requested resource not found: Table: ${name} not found`), { name: 'ResourceNotFoundException' });
    return table;
  }

  private id(spec: FakeTableSpec, key: Item): string {
    return JSON.stringify([key[spec.partitionKey], spec.sortKey ? key[spec.sortKey] : null]);
  }
}

function resolveName(token: string, names: Names): string {
  return token.startsWith('#') ? (names?.[token] ?? fail(`undefined name ${token}`)) : token;
}
function resolveValue(token: string, values: Values): unknown {
  if (!values || !(token in values)) fail(`undefined value ${token}`);
  return values![token];
}
function fail(message: string): never {
  throw Object.assign(new Error(`ValidationException: ${message}`), { name: 'ValidationException' });
}
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

const TOKEN = /\s*(<=|>=|<>|[=<>(),]|[#:][A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*)\s*/y;
function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    const m = TOKEN.exec(expression);
    if (!m) fail(`cannot parse "${expression}"`);
    tokens.push(m[1]!);
  }
  return tokens;
}

/** Recursive-descent evaluation of a condition / key-condition / filter expression against an item. */
export function evaluate(expression: string, item: Item, names: Names, values: Values): boolean {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++] ?? fail(`unexpected end of "${expression}"`);
  const expect = (t: string) => next() === t || fail(`expected ${t} in "${expression}"`);
  const operand = (): unknown => {
    const t = next();
    return t.startsWith(':') ? resolveValue(t, values) : item[resolveName(t, names)];
  };
  const orExpr = (): boolean => {
    let v = andExpr();
    while (peek()?.toUpperCase() === 'OR') { next(); const r = andExpr(); v = v || r; }
    return v;
  };
  const andExpr = (): boolean => {
    let v = unary();
    while (peek()?.toUpperCase() === 'AND') { next(); const r = unary(); v = v && r; }
    return v;
  };
  const unary = (): boolean => {
    if (peek()?.toUpperCase() === 'NOT') { next(); return !unary(); }
    if (peek() === '(') { next(); const v = orExpr(); expect(')'); return v; }
    const fn = peek();
    if (fn && /^(attribute_exists|attribute_not_exists|begins_with|contains)$/.test(fn)) {
      next(); expect('(');
      const path = next();
      const attribute = resolveName(path, names);
      if (fn === 'attribute_exists' || fn === 'attribute_not_exists') {
        expect(')');
        return (attribute in item) === (fn === 'attribute_exists');
      }
      expect(',');
      const arg = operand();
      expect(')');
      const value = item[attribute];
      if (fn === 'begins_with') return typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
      return (typeof value === 'string' && typeof arg === 'string' && value.includes(arg)) || (Array.isArray(value) && value.includes(arg));
    }
    const left = operand();
    const op = next();
    if (op.toUpperCase() === 'BETWEEN') {
      const low = operand(); expect('AND'); const high = operand();
      return left !== undefined && compare(left, low) >= 0 && compare(left, high) <= 0;
    }
    const right = operand();
    if (left === undefined || right === undefined) return op === '<>';
    switch (op) {
      case '=': return left === right;
      case '<>': return left !== right;
      case '<': return compare(left, right) < 0;
      case '<=': return compare(left, right) <= 0;
      case '>': return compare(left, right) > 0;
      case '>=': return compare(left, right) >= 0;
      default: return fail(`unknown operator ${op}`);
    }
  };
  const result = orExpr();
  if (pos !== tokens.length) fail(`trailing tokens in "${expression}"`);
  return result;
}

/** Applies `SET a = :v, b = if_not_exists(b, :v)` and `ADD n :v` clauses. */
function applyUpdate(expression: string, item: Item, names: Names, values: Values): Item {
  for (const [action, body] of clauses(expression)) {
    for (const part of splitTopLevel(body)) {
      if (action === 'SET') {
        const [lhs, rhs] = part.split(/=(.*)/s).map((s) => s.trim()) as [string, string];
        const attribute = resolveName(lhs, names);
        const ifNotExists = /^if_not_exists\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/.exec(rhs);
        if (ifNotExists) {
          const source = resolveName(ifNotExists[1]!, names);
          item[attribute] = source in item ? item[source] : resolveValue(ifNotExists[2]!, values);
        } else {
          item[attribute] = structuredClone(resolveValue(rhs, values));
        }
      } else if (action === 'ADD') {
        const [path, value] = part.trim().split(/\s+/) as [string, string];
        const attribute = resolveName(path, names);
        const add = resolveValue(value, values);
        if (typeof add !== 'number') fail('ADD supports numbers only in this fake');
        item[attribute] = ((item[attribute] as number | undefined) ?? 0) + add;
      } else {
        fail(`${action} is not supported by this fake`);
      }
    }
  }
  return item;
}

function updatedAttributes(expression: string, names: Names): string[] {
  return clauses(expression).flatMap(([action, body]) =>
    splitTopLevel(body).map((part) => resolveName((action === 'SET' ? part.split('=')[0]! : part.trim().split(/\s+/)[0]!).trim(), names)),
  );
}

function clauses(expression: string): Array<[string, string]> {
  const parts = expression.split(/\b(SET|ADD|REMOVE|DELETE)\b/).map((s) => s.trim()).filter(Boolean);
  const result: Array<[string, string]> = [];
  for (let i = 0; i < parts.length; i += 2) result.push([parts[i]!, parts[i + 1] ?? '']);
  return result;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { parts.push(current); current = ''; } else current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => p.trim());
}
