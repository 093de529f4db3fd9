export { IncidentResponse } from './incident-response';
export type { IncidentResponseProps } from './incident-response';
export { IncidentDefinition, INCIDENT_METRICS, VERIFY_ACTIONS } from './incident-definition';
export type { IncidentDefinitionProps } from './incident-definition';
export { IncidentResponseBoundary, CONTAINMENT_IAM_ACTIONS } from './incident-response-boundary';
export { INCIDENT_METRIC_NAMESPACE } from './runtime/containment-timing';
export { TRUST_LOCK_SID } from './runtime/trust-lock';
export { IncidentDeciderPolicy } from './decider-policy';
export type { IncidentDeciderPolicyProps } from './decider-policy';
