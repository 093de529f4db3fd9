/**
 * Deterministic names of a server's function and API, so the monitoring stacks can name them
 * (CloudTrail data-event selectors, metric filters, Lambda and API Gateway metric dimensions)
 * without a cross-stack export that would pin them.
 */

/** `<project>-<environment>-<server>-mcp`: the server's Lambda function (at most 58 of Lambda's 64 characters). */
export function serverFunctionName(project: string, environment: string, server: string): string {
  return `${project}-${environment}-${server}-mcp`;
}

/** `<project>-<environment>-<server>-mcp`: the REST API name, API Gateway's `ApiName` metric dimension. */
export function serverApiName(project: string, environment: string, server: string): string {
  return `${project}-${environment}-${server}-mcp`;
}

/** The API stage every server deploys: API Gateway's `Stage` metric dimension. */
export const MCP_API_STAGE = 'v1';
