/**
 * Reads the kill switch with a short cache: containment must take effect within seconds, but a
 * DynamoDB read per tool call would double latency. A failed read counts as contained (fail
 * closed) and is cached only briefly so recovery is quick. A read that does not answer within
 * ADAPTER_TIMEOUT_MS (1 s) is a failed read: containment holds even when the store stalls.
 */
import { ADAPTER_TIMEOUT_MS, bounded, failureText } from './bounded-call';
import type { AgentStatus, AgentStatusStore } from './contract';

/** Containment takes effect on every warm Lambda within this time. */
export const STATUS_CACHE_MS = 5_000;
/** A failed read is retried after this long (not at every call: a failing store would be hammered). */
export const STATUS_ERROR_CACHE_MS = 1_000;
/**
 * Agents whose status is remembered. The guard only asks for manifest agents, but `status()` is
 * public; past this many the oldest entry goes, so no caller can grow the cache without bound.
 */
export const STATUS_CACHE_MAX_AGENTS = 10_000;

interface Entry {
  readonly status: AgentStatus;
  readonly expires: number;
  /** Why the status could not be read ("timed out after 1000 ms"); set only for fail-closed answers. */
  readonly unreadable?: string;
}

/** The kill switch's answer for an agent, with why it is "contained" when the store could not say. */
export interface StatusReading {
  readonly status: AgentStatus;
  readonly unreadable?: string;
}

export class KillSwitch {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<StatusReading>>();

  constructor(
    private readonly store: AgentStatusStore,
    private readonly now: () => number,
    private readonly onError?: (agent: string, err: unknown) => void,
    private readonly timeoutMs: number = ADAPTER_TIMEOUT_MS,
  ) {}

  public async status(agent: string): Promise<AgentStatus> {
    return (await this.check(agent)).status;
  }

  /** The status with, when it had to fail closed, why. */
  public async check(agent: string): Promise<StatusReading> {
    const cached = this.cache.get(agent);
    if (cached && this.now() < cached.expires) return { status: cached.status, unreadable: cached.unreadable };
    // concurrent calls of one agent share a single read
    const pending = this.inflight.get(agent);
    if (pending) return pending;
    const read = this.read(agent).finally(() => this.inflight.delete(agent));
    this.inflight.set(agent, read);
    return read;
  }

  private async read(agent: string): Promise<StatusReading> {
    // The answer is only as fresh as the moment the read started: a slow read must not stretch
    // the 5 s bound (started + 5 s, not finished + 5 s).
    const started = this.now();
    try {
      const status = await bounded(() => this.store.getStatus(agent), this.timeoutMs);
      // anything but an explicit "active" is treated as contained
      const normalized: AgentStatus = status === 'active' ? 'active' : 'contained';
      this.remember(agent, { status: normalized, expires: started + STATUS_CACHE_MS });
      return { status: normalized };
    } catch (err) {
      try {
        this.onError?.(agent, err);
      } catch {
        // a failing error reporter must not turn a fail-closed answer into a thrown one
      }
      const unreadable = failureText(err);
      this.remember(agent, { status: 'contained', expires: this.now() + STATUS_ERROR_CACHE_MS, unreadable });
      return { status: 'contained', unreadable };
    }
  }

  private remember(agent: string, entry: Entry): void {
    this.cache.delete(agent); // re-insert: Map order is then oldest-written first
    this.cache.set(agent, entry);
    if (this.cache.size > STATUS_CACHE_MAX_AGENTS) this.cache.delete(this.cache.keys().next().value as string);
  }

  /** Agents whose status is cached (for tests of the memory bound). */
  public get size(): number {
    return this.cache.size;
  }
}
