/** The server Lambda's AWS adapters (no aws-cdk-lib here: this folder is bundled into the function). */
export { DynamoAgentStatusStore, type DynamoAgentStatusStoreOptions } from './agent-status-store';
export { DynamoRateLimiter, type DynamoRateLimiterOptions } from './rate-limiter';
export { DataRoleCredentials, READ_ONLY_SESSION_POLICY, type DataAccess, type DataRoleCredentialsOptions, type DataRoleSession } from './data-role-credentials';
export { DynamoDataset, type DynamoDatasetOptions } from './dynamo-dataset';
export { DynamoDatasetFactory, defaultDocumentClient, type DynamoDatasetFactoryOptions, type CredentialsProvider } from './dynamo-dataset-factory';
export { AGENT_STATUS_TABLE, RATE_LIMIT_TABLE } from './table-schemas';
