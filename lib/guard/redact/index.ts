/** The redaction engine: what each data class may see of a tool result. Pure; no AWS. */
export { redactionPolicy, clearanceRank, typesAbove, type RedactionPolicy, type RedactionCounts } from './policy';
export { redact, redactionMarker, findSensitive } from './redact-text';
export { redactJson } from './redact-json';
export { redactEcho } from './identifiers';
export { sensitiveKeyType } from './sensitive-keys';
export { DETECTORS } from './detectors';
export type { Finding, Detector } from './finding';
