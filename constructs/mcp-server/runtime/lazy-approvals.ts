/**
 * The approvals store and notifier, built on first use. They run on the AWS SDK (DynamoDB
 * document client, SNS), whose loading is most of a cold start; only a call held for approval
 * (or its retry) needs them, and such a call waits for a human anyway.
 */
import type { ApprovalNotice, ApprovalNotifier, ApprovalsStore } from '../../../lib/approvals';

export interface ApprovalAdapters {
  readonly store: ApprovalsStore;
  readonly notifier: ApprovalNotifier;
}

/** A store and notifier that call `make` once, when either is first used. */
export function lazyApprovalAdapters(make: () => ApprovalAdapters): ApprovalAdapters {
  let made: ApprovalAdapters | undefined;
  const adapters = () => (made ??= make());
  return {
    store: {
      createRequest: (request) => adapters().store.createRequest(request),
      get: (id) => adapters().store.get(id),
      putDecision: (decision) => adapters().store.putDecision(decision),
      putExecution: (execution) => adapters().store.putExecution(execution),
      list: (sinceMs) => adapters().store.list(sinceMs),
    },
    notifier: { notify: (notice: ApprovalNotice) => adapters().notifier.notify(notice) },
  };
}
