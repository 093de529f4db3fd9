/** The local dev server (`warden dev`). */
export { startDevServer, MAX_HEADER_BYTES } from './dev-server';
export type { DevServer, DevServerOptions } from './dev-server';
export type { AuditDestination } from './dev-audit';
export { DevAuditSink, DevMetrics } from './dev-audit';
