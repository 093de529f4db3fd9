/**
 * Reads the kill switch with a short cache: containment must take effect within seconds, but a
 * DynamoDB read per tool call would double latency. A failed read counts as contained (fail
 * closed) and is cached only briefly so recovery is quick.
 */
import type { AgentStatus, AgentStatusStore } from './contract';

/** Containment takes effect on every warm Lambda within this time. */
export const STATUS_CACHE_MS = 5_000;
/** A failed read is retried after this long (not at every call: a failing store would be hammered). */
export const STATUS_ERROR_CACHE_MS = 1_000;

interface Entry {
  readonly status: AgentStatus;
  readonly expires: number;
}

export class KillSwitch {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<AgentStatus>>();

  constructor(
    private readonly store: AgentStatusStore,
    private readonly now: () => number,
    private readonly onError?: (agent: string, err: unknown) => void,
  ) {}

  public async status(agent: string): Promise<AgentStatus> {
    const cached = this.cache.get(agent);
    if (cached && this.now() < cached.expires) return cached.status;
    // concurrent calls of one agent share a single read
    const pending = this.inflight.get(agent);
    if (pending) return pending;
    const read = this.read(agent).finally(() => this.inflight.delete(agent));
    this.inflight.set(agent, read);
    return read;
  }

  private async read(agent: string): Promise<AgentStatus> {
    try {
      const status = await this.store.getStatus(agent);
      // anything but an explicit "active" is treated as contained
      const normalized: AgentStatus = status === 'active' ? 'active' : 'contained';
      this.cache.set(agent, { status: normalized, expires: this.now() + STATUS_CACHE_MS });
      return normalized;
    } catch (err) {
      this.onError?.(agent, err);
      this.cache.set(agent, { status: 'contained', expires: this.now() + STATUS_ERROR_CACHE_MS });
      return 'contained';
    }
  }
}
