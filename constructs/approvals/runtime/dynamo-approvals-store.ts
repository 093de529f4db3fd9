/**
 * The approvals store on DynamoDB: every write a conditional create (`attribute_not_exists`), so a
 * decision is never overwritten and an approval runs its call once however many retries race.
 * Reads are strongly consistent: a decision written a moment ago is seen by the next retry.
 * Used by the MCP Lambda (requests, executions) and the CLI (decisions, list).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalDecision, ApprovalExecution, ApprovalRequest, ApprovalState, ApprovalsStore } from '../../../lib/approvals';
import { APPROVAL_RETENTION_DAYS, APPROVALS_TABLE } from './approvals-table-schema';

export interface DynamoApprovalsStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const { partitionKey: PK, ttlAttribute: TTL, requestPrefix, decisionPrefix, executionPrefix } = APPROVALS_TABLE;
const ttlOf = (expiresAt: number) => Math.ceil(expiresAt / 1000) + APPROVAL_RETENTION_DAYS * 86_400;
/** Most items `list` reads (an admin view, not an export). */
const MAX_LISTED = 500;

export class DynamoApprovalsStore implements ApprovalsStore {
  constructor(private readonly options: DynamoApprovalsStoreOptions) {}

  public async createRequest(request: ApprovalRequest): Promise<void> {
    await this.create(`${requestPrefix}${request.id}`, { ...request, approvers: [...request.approvers] }, request.expiresAt);
  }

  public async get(id: string): Promise<ApprovalState | undefined> {
    const [request, decision, execution] = await Promise.all([requestPrefix, decisionPrefix, executionPrefix].map((prefix) => this.read(`${prefix}${id}`)));
    if (!request) return undefined;
    return {
      request: request as unknown as ApprovalRequest,
      ...(decision ? { decision: decision as unknown as ApprovalDecision } : {}),
      ...(execution ? { execution: execution as unknown as ApprovalExecution } : {}),
    };
  }

  public async putDecision(decision: ApprovalDecision): Promise<boolean> {
    const request = await this.read(`${requestPrefix}${decision.id}`);
    return this.createOnce(`${decisionPrefix}${decision.id}`, { ...decision }, Number(request?.expiresAt ?? decision.decidedAt));
  }

  public async putExecution(execution: ApprovalExecution): Promise<boolean> {
    const request = await this.read(`${requestPrefix}${execution.id}`);
    return this.createOnce(`${executionPrefix}${execution.id}`, { ...execution }, Number(request?.expiresAt ?? execution.executedAt));
  }

  public async list(sinceMs: number): Promise<ApprovalState[]> {
    const ids: Array<{ id: string; createdAt: number }> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.options.client.send(
        new ScanCommand({
          TableName: this.options.tableName,
          ConsistentRead: true,
          FilterExpression: 'begins_with(#pk, :request) AND createdAt >= :since',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':request': requestPrefix, ':since': sinceMs },
          ProjectionExpression: 'id, createdAt',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) ids.push({ id: String(item.id), createdAt: Number(item.createdAt) });
      start = page.LastEvaluatedKey;
    } while (start && ids.length < MAX_LISTED);
    ids.sort((a, b) => b.createdAt - a.createdAt);
    const states = await Promise.all(ids.slice(0, MAX_LISTED).map((i) => this.get(i.id)));
    return states.filter((s): s is ApprovalState => s !== undefined);
  }

  private async read(key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { [PK]: key }, ConsistentRead: true }));
    if (!Item) return undefined;
    const { [PK]: _pk, [TTL]: _ttl, ...rest } = Item;
    return rest;
  }

  private async create(key: string, item: Record<string, unknown>, expiresAt: number): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { ...item, [PK]: key, [TTL]: ttlOf(expiresAt) },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
  }

  private async createOnce(key: string, item: Record<string, unknown>, expiresAt: number): Promise<boolean> {
    try {
      await this.create(key, item, expiresAt);
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }
}
