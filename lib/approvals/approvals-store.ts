/**
 * Where approvals live: DynamoDB in AWS (constructs/approvals/runtime), memory in the dev server
 * and tests. Every write is create-only: `false` means the item already existed.
 */
import type { ApprovalDecision, ApprovalExecution, ApprovalRequest, ApprovalState } from './approval-record';

export interface ApprovalsStore {
  /** Records a held call. */
  createRequest(request: ApprovalRequest): Promise<void>;
  /** Everything about `id`; undefined when there is no such request. */
  get(id: string): Promise<ApprovalState | undefined>;
  /** Records the one decision; false when the approval was already decided. */
  putDecision(decision: ApprovalDecision): Promise<boolean>;
  /** Records the one execution; false when the call already ran (a second retry). */
  putExecution(execution: ApprovalExecution): Promise<boolean>;
  /** Approvals created at or after `sinceMs`, newest first. */
  list(sinceMs: number): Promise<ApprovalState[]>;
}

/** The store in memory: the dev server and tests. Same create-only semantics as DynamoDB. */
export class InMemoryApprovalsStore implements ApprovalsStore {
  private readonly requests = new Map<string, ApprovalRequest>();
  private readonly decisions = new Map<string, ApprovalDecision>();
  private readonly executions = new Map<string, ApprovalExecution>();

  async createRequest(request: ApprovalRequest): Promise<void> {
    if (this.requests.has(request.id)) throw new Error(`approval ${request.id} already exists`);
    this.requests.set(request.id, request);
  }

  async get(id: string): Promise<ApprovalState | undefined> {
    const request = this.requests.get(id);
    if (!request) return undefined;
    const decision = this.decisions.get(id);
    const execution = this.executions.get(id);
    return { request, ...(decision ? { decision } : {}), ...(execution ? { execution } : {}) };
  }

  async putDecision(decision: ApprovalDecision): Promise<boolean> {
    if (this.decisions.has(decision.id)) return false;
    this.decisions.set(decision.id, decision);
    return true;
  }

  async putExecution(execution: ApprovalExecution): Promise<boolean> {
    if (this.executions.has(execution.id)) return false;
    this.executions.set(execution.id, execution);
    return true;
  }

  async list(sinceMs: number): Promise<ApprovalState[]> {
    const ids = [...this.requests.values()].filter((r) => r.createdAt >= sinceMs).sort((a, b) => b.createdAt - a.createdAt).map((r) => r.id);
    return (await Promise.all(ids.map((id) => this.get(id)))).filter((s): s is ApprovalState => s !== undefined);
  }
}
