/**
 * The API stage's access-log line: one JSON object per request, the evidence an investigation
 * needs without the function's logs: who (caller ARN, account, source VPC endpoint and IP), what
 * (method, path, status), how long (response, integration), what the integration answered, and
 * why a request failed at the edge (IAM authentication/authorization, gateway error type and
 * message). Every value is a string: `$context` variables that are absent log as `-`, which a
 * bare (unquoted) number field would turn into invalid JSON.
 * Variables: "$context variables for data models, authorizers, mapping templates, and access
 * logging" (API Gateway developer guide, REST APIs).
 */
import * as apigw from 'aws-cdk-lib/aws-apigateway';

/** Field → `$context` variable (all quoted in the line). */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  requestTimeEpoch: '$context.requestTimeEpoch',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  // who signed the request (SigV4, AWS_IAM authorization)
  callerArn: '$context.identity.userArn',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  accountId: '$context.identity.accountId',
  sourceIp: '$context.identity.sourceIp',
  vpceId: '$context.identity.vpceId',
  userAgent: '$context.identity.userAgent',
  // what the Lambda integration answered, and how long it took
  integrationStatus: '$context.integration.status',
  integrationLatencyMs: '$context.integration.latency',
  integrationError: '$context.integration.error',
  integrationRequestId: '$context.integration.requestId',
  // why the edge refused: IAM authentication and authorization, then the gateway response
  authenticateStatus: '$context.authenticate.status',
  authenticateError: '$context.authenticate.error',
  authorizeStatus: '$context.authorize.status',
  authorizeError: '$context.authorize.error',
  errorResponseType: '$context.error.responseType',
  // API Gateway's own messages ("Missing Authentication Token", "User: … is not authorized …")
  errorMessage: '$context.error.message',
  xrayTraceId: '$context.xrayTraceId',
};

export function accessLogFormat(): apigw.AccessLogFormat {
  const fields = Object.entries(ACCESS_LOG_FIELDS).map(([name, variable]) => `${JSON.stringify(name)}:"${variable}"`);
  // the format itself is JSON (cdk-nag's structured-logging rules parse it), every value a quoted variable
  return apigw.AccessLogFormat.custom(`{${fields.join(',')}}`);
}
