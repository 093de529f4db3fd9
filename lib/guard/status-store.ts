/** In-memory kill-switch store for dev and tests; the DynamoDB one ships with the Lambda runtime. */
import type { AgentStatus, AgentStatusStore } from './contract';

export class InMemoryAgentStatusStore implements AgentStatusStore {
  private readonly statuses = new Map<string, AgentStatus>();

  public async getStatus(agent: string): Promise<AgentStatus> {
    return this.statuses.get(agent) ?? 'active';
  }

  public set(agent: string, status: AgentStatus): void {
    this.statuses.set(agent, status);
  }

  public contain(agent: string): void {
    this.set(agent, 'contained');
  }

  public release(agent: string): void {
    this.set(agent, 'active');
  }
}
