/**
 * The durable record of `warden approve|deny`: each decision's OCSF audit event (and each refused
 * attempt's) goes to the deployment's decisions log stream
 * (`<project>-<environment>-servers-approval-decisions` / `decisions`, created by ApprovalsTable),
 * written with the deciding role's session, which may put events to that stream and nothing
 * else. The log group shares the servers' audit prefix, so the incident evidence query and any
 * Logs Insights search over the servers' audit logs find decisions next to the held and executed calls.
 */
import { PutLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { AuditSink } from '../../../lib/guard/contract';
import { approvalDecisionsLogGroupName } from '../../../lib/config/deployment-names';
import { APPROVALS_TABLE } from './approvals-table-schema';

export interface DecisionAuditLogOptions {
  readonly client: CloudWatchLogsClient;
  readonly project: string;
  readonly environment: string;
  /** Also sees every event as it is emitted (the CLI prints them on stderr). */
  readonly echo?: (event: Record<string, unknown>) => void;
}

export class DecisionAuditLog implements AuditSink {
  public readonly logGroupName: string;
  public readonly logStreamName = APPROVALS_TABLE.decisionsLogStream;
  private readonly pending: Array<{ timestamp: number; message: string }> = [];

  constructor(private readonly options: DecisionAuditLogOptions) {
    this.logGroupName = approvalDecisionsLogGroupName(options.project, options.environment);
  }

  public emit(event: Record<string, unknown>): void {
    this.options.echo?.(event);
    const time = typeof event.time === 'number' && Number.isFinite(event.time) ? event.time : Date.now();
    this.pending.push({ timestamp: time, message: JSON.stringify(event) });
  }

  /** Writes what was emitted (in time order, as PutLogEvents requires); throws when it could not. */
  public async flush(): Promise<number> {
    if (this.pending.length === 0) return 0;
    const logEvents = this.pending.splice(0).sort((a, b) => a.timestamp - b.timestamp);
    try {
      await this.options.client.send(new PutLogEventsCommand({ logGroupName: this.logGroupName, logStreamName: this.logStreamName, logEvents }));
    } catch (err) {
      this.pending.unshift(...logEvents);
      throw err;
    }
    return logEvents.length;
  }
}
