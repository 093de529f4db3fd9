/** Public surface of lib/config: the manifest schema and types, the loader and its issues. */
export * from './schema';
export { DEFAULT_MANIFEST_FILE, MAX_MANIFEST_BYTES, loadManifest, parseManifest, type LoadedManifest, type LoadOptions, type ParseOptions } from './load-manifest';
export { formatIssue, formatIssues, formatPath, ManifestError, ROOT_PATH, type FormatOptions, type ManifestIssue } from './manifest-issue';
export { agentRoleNames, dataClassesTagValue, dataRoleNamePattern, DATA_CLASSES_TAG, IAM_ROLE_NAME_MAX, IAM_TAG_VALUE_MAX, roleNameLengthProblem, type AgentRoleNames } from './role-names';
export { overdueReviewMessage, parseCalendarDate, reviewStatus, type ReviewStatus } from './access-review';
export { closestMatch } from './did-you-mean';
export * from './deployment-names';
