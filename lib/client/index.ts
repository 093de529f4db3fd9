/** `mcp-warden/client`: connect an MCP SDK client to an IAM-protected mcp-warden server. */
export { SigV4StreamableHTTPClientTransport, type SigV4StreamableHTTPClientTransportOptions } from './sigv4-transport';
export { createSigV4Fetch, type SigV4FetchOptions, type SigV4Credentials } from './sigv4-fetch';
export { regionFromExecuteApiUrl } from './execute-api-region';
export { CallerProofSigner, apiIdFromExecuteApiUrl, type CallerProofSignerOptions, type CallerProofCredentials } from './caller-proof';
export { CALLER_PROOF_HEADER, SERVER_ID_HEADER } from '../caller-proof';
