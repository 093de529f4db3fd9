/** Manifest → access model → Cedar policies, authorize(), access matrix. Pure: no aws-cdk-lib. */
export { AccessModel, type Grant, type DatasetGrant } from './access-model';
export { CEDAR_SCHEMA, CEDAR_NAMESPACE, CALL_TOOL_ACTION, cedarSchema } from './cedar-schema';
export { cedarPolicies, cedarEntities, generatedPolicies, permitId, toolId, FORBID_NOT_ACTIVE_ID, type CedarEntity } from './cedar-policies';
export { createAuthorizer, PolicyValidationError, type Authorizer, type AuthorizeResult, type AuthorizeContext, type AuthorizerOptions } from './authorizer';
export { accessMatrix, redactionClasses, type AccessMatrixRow, type AccessMatrixOptions } from './access-matrix';
export { renderAccessMatrix, accessMatrixMarkdown, accessMatrixCsv, accessMatrixJson, ACCESS_MATRIX_FORMATS, type AccessMatrixFormat } from './access-matrix-format';
export { readTeamPolicies, teamPolicyIssues } from './team-policies';
