/** The per-call guard and its pure building blocks. No AWS calls: effects are adapters. */
export * from './contract';
export { createGuard, notAvailableText, RETRY_AFTER_META } from './guard';
export { screenArguments, STRUCTURAL_FINDINGS, DEFAULT_SCREEN_LIMITS, type ScreenResult, type ScreenFinding, type ScreenLimits, type FindingKind } from './screen';
export { screenOutput, stripOutputHidden, mapOutputStrings, OUTPUT_FINDING_KINDS, type ToolOutput, type HiddenStripResult } from './screen-output';
export { InMemoryRateLimiter, windowKey, windowStart, retryAfter, decide as rateLimitDecision, DEFAULT_PER_MINUTE, WINDOW_MS } from './rate-limit';
export { InMemoryAgentStatusStore } from './status-store';
export { KillSwitch, STATUS_CACHE_MS, STATUS_ERROR_CACHE_MS, STATUS_CACHE_MAX_AGENTS } from './kill-switch';
export { agentFromPrincipal, principalResolver, callerRoleName, roleNameOf, type PrincipalResolverOptions } from './identify';
export { ocsfApiActivity, argsSha256, canonicalJson, ensureTraceparent, OCSF_VERSION, API_ACTIVITY_CLASS_UID, MAX_OUTPUT_PATHS, type AuditRecord, type AuditDecision, type AuditOutcome } from './audit-event';
export { memoryAuditSink, jsonLinesAuditSink, type MemoryAuditSink } from './audit-sinks';
export { emfMetricsSink, METRICS_NAMESPACE } from './metrics-emf';
export { checkToolContent, redactToolContent, BINARY_REDACTION_MARKER, DEFAULT_TOOL_CONTENT_LIMITS, TOOL_CONTENT_TYPES, type ToolContentCheck, type ToolContentLimits, type ContentRedaction } from './tool-content';
