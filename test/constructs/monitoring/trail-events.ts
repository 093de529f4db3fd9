/**
 * Sample CloudTrail events (record shape as CloudTrail delivers to CloudWatch Logs), trimmed to
 * the fields the filters read, for the `shop-prod` deployment in account 111122223333.
 */
const ACCOUNT = '111122223333';

export function assumedRole(role: string) {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${role}-session`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/session`,
    accountId: ACCOUNT,
    sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role } },
  };
}

export const iamUser = { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/mallory`, accountId: ACCOUNT, userName: 'mallory' };
export const apiGatewayService = { type: 'AWSService', invokedBy: 'apigateway.amazonaws.com' };

export function event(eventSource: string, eventName: string, fields: Record<string, unknown> = {}) {
  return {
    eventVersion: '1.09',
    userIdentity: assumedRole('shop-prod-admin-ci'),
    eventTime: '2026-12-03T09:00:00Z',
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '10.0.1.23',
    requestParameters: {},
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    ...fields,
  };
}

export const functionArn = (name: string) => `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`;
