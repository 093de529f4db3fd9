/**
 * The reads one tool call may cause. Without it a single call is bounded only by the dataset's
 * page cap: a `search_products` that matches nothing scanned up to 10 × 1 MB of a
 * pay-per-request table, and each call of a rate-limited agent still cost that much.
 *
 * Units are DynamoDB read units as DynamoDB reports them (`ConsumedCapacity.CapacityUnits`):
 * an eventually consistent read costs 0.5 per started 4 KB, so one full 1 MB Scan page is 128
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html). The in-memory dataset charges the same arithmetic on the
 * JSON size of what it examines, so a tool meets the same budget in `warden dev` as in AWS.
 *
 * An operation starts only while budget remains, and one page is charged after it is read, so a
 * call overshoots by at most one page (128 units). A scan that runs out returns what it found
 * with a cursor; a get or query that would start with no budget left throws ReadBudgetExceeded.
 */

/** Default per call: two full Scan pages (2 MB eventually consistent), then a cursor. */
export const DEFAULT_READ_UNITS_PER_CALL = 256;

/** DynamoDB's read arithmetic: 0.5 unit per started 4 KB, eventually consistent (twice that strongly). */
export function readUnitsFor(bytes: number, consistent = false): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}

/** A tool call ran out of its read budget before an operation that could not return a partial page. */
export class ReadBudgetExceeded extends Error {
  constructor(public readonly limit: number) {
    super(`this call used its read budget (${limit} read units); narrow the request or continue with the returned cursor in a new call`);
    this.name = 'ReadBudgetExceeded';
  }
}

/** What tool code sees of its budget (`ctx.readBudget`). */
export interface ReadBudgetView {
  /** Units this call may read. */
  readonly limit: number;
  /** Units read so far. */
  readonly used: number;
  readonly remaining: number;
}

export class ReadBudget implements ReadBudgetView {
  private spent = 0;

  constructor(public readonly limit: number = DEFAULT_READ_UNITS_PER_CALL) {
    if (!(Number.isFinite(limit) && limit > 0)) throw new Error(`a read budget must be a positive number of read units (got ${limit})`);
  }

  public get used(): number {
    return this.spent;
  }

  public get remaining(): number {
    return Math.max(0, this.limit - this.spent);
  }

  public get exhausted(): boolean {
    return this.spent >= this.limit;
  }

  /** Records units read (a negative or non-finite report counts as nothing). */
  public charge(units: number): void {
    if (Number.isFinite(units) && units > 0) this.spent += units;
  }

  /** Throws ReadBudgetExceeded when nothing is left: for operations that cannot stop halfway. */
  public ensureRemaining(): void {
    if (this.exhausted) throw new ReadBudgetExceeded(this.limit);
  }
}
