/**
 * Each metric filter against CloudTrail events it must count and events it must not.
 */
import { TRAIL_ALARM_KINDS, type TrailAlarmKind } from '../../../lib/alarms/alarm-kinds';
import { trailFilterSpecs } from '../../../constructs/monitoring/trail-filters';
import { apiGatewayService, assumedRole, event, functionArn, iamUser } from './trail-events';

const specs = trailFilterSpecs({
  project: 'shop',
  environment: 'prod',
  incidentResponseRole: 'shop-prod-incident-response',
  agentStatusTable: 'shop-prod-agent-status',
  serverFunctions: '*shop-prod-*-mcp*',
});
const counts = (metricName: string, e: unknown) => specs.find((s) => s.metricName === metricName)!.patterns.some((p) => p.matches(e));

const cases: Record<string, { kind: TrailAlarmKind; match: Record<string, unknown>; noMatch: Record<string, unknown> }> = {
  AccessDeniedAnyRole: {
    kind: 'role-access-denied',
    match: {
      'the fraud agent\'s data role refused a table': event('dynamodb.amazonaws.com', 'GetItem', { userIdentity: assumedRole('shop-prod-fraud-agent-data'), errorCode: 'AccessDenied' }),
      'a server role refused an EC2 call': event('ec2.amazonaws.com', 'DescribeInstances', { userIdentity: assumedRole('shop-prod-commerce-server'), errorCode: 'Client.UnauthorizedOperation' }),
      'a caller role refused an AssumeRole': event('sts.amazonaws.com', 'AssumeRole', { userIdentity: assumedRole('shop-prod-support-agent-caller'), errorCode: 'AccessDeniedException' }),
    },
    noMatch: {
      'a warden role\'s successful call': event('dynamodb.amazonaws.com', 'GetItem', { userIdentity: assumedRole('shop-prod-fraud-agent-data') }),
      'another team\'s role refused': event('s3.amazonaws.com', 'GetObject', { userIdentity: assumedRole('billing-etl'), errorCode: 'AccessDenied' }),
      'an IAM user refused (no warden role)': event('iam.amazonaws.com', 'ListRoles', { userIdentity: iamUser, errorCode: 'AccessDenied' }),
      'a throttled warden call': event('dynamodb.amazonaws.com', 'GetItem', { userIdentity: assumedRole('shop-prod-fraud-agent-data'), errorCode: 'ThrottlingException' }),
    },
  },
  IamChange: {
    kind: 'iam-change',
    match: {
      'an inline policy put on a caller role': event('iam.amazonaws.com', 'PutRolePolicy', { requestParameters: { roleName: 'shop-prod-fraud-agent-caller', policyName: 'x' } }),
      'the boundary removed from a data role': event('iam.amazonaws.com', 'DeleteRolePermissionsBoundary', { requestParameters: { roleName: 'shop-prod-fraud-agent-data' } }),
      'a new version of a warden managed policy': event('iam.amazonaws.com', 'CreatePolicyVersion', { requestParameters: { policyArn: 'arn:aws:iam::111122223333:policy/shop-prod-servers-CallerInvokePolicy-ABC' } }),
      'a trust policy rewritten': event('iam.amazonaws.com', 'UpdateAssumeRolePolicy', { requestParameters: { roleName: 'shop-prod-commerce-server' } }),
      'a server-access tag removed': event('iam.amazonaws.com', 'UntagRole', { requestParameters: { roleName: 'shop-prod-support-agent-caller', tagKeys: ['warden:server-commerce'] } }),
    },
    noMatch: {
      'another project\'s role changed': event('iam.amazonaws.com', 'PutRolePolicy', { requestParameters: { roleName: 'billing-etl' } }),
      'a warden role read': event('iam.amazonaws.com', 'GetRole', { requestParameters: { roleName: 'shop-prod-fraud-agent-caller' } }),
      'the staging deployment\'s role changed': event('iam.amazonaws.com', 'PutRolePolicy', { requestParameters: { roleName: 'shop-staging-fraud-agent-caller' } }),
    },
  },
  KeyTampering: {
    kind: 'key-tampering',
    match: {
      'a key disabled': event('kms.amazonaws.com', 'DisableKey', { requestParameters: { keyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234' } }),
      'a key scheduled for deletion': event('kms.amazonaws.com', 'ScheduleKeyDeletion', { requestParameters: { keyId: '1234', pendingWindowInDays: 7 } }),
      'a key policy replaced': event('kms.amazonaws.com', 'PutKeyPolicy', { requestParameters: { keyId: '1234', policyName: 'default' } }),
    },
    noMatch: {
      'a decrypt': event('kms.amazonaws.com', 'Decrypt', { userIdentity: assumedRole('shop-prod-fraud-agent-data') }),
      'a key created': event('kms.amazonaws.com', 'CreateKey'),
      'a DisableKey of another service': event('ec2.amazonaws.com', 'DisableKey'),
    },
  },
  ApiChange: {
    kind: 'api-change',
    match: {
      'the resource policy rewritten': event('apigateway.amazonaws.com', 'UpdateRestApi', { requestParameters: { restApiId: 'a1b2c3', patchOperations: [{ op: 'replace', path: '/policy' }] } }),
      'a method changed': event('apigateway.amazonaws.com', 'PutMethod', { requestParameters: { restApiId: 'a1b2c3', httpMethod: 'GET' } }),
      'a new deployment': event('apigateway.amazonaws.com', 'CreateDeployment', { requestParameters: { restApiId: 'a1b2c3' } }),
    },
    noMatch: {
      'the API read': event('apigateway.amazonaws.com', 'GetRestApi', { requestParameters: { restApiId: 'a1b2c3' } }),
      'a stage listed': event('apigateway.amazonaws.com', 'GetStages'),
    },
  },
  FunctionChange: {
    kind: 'function-change',
    match: {
      'new code on a server function': event('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { requestParameters: { functionName: 'shop-prod-commerce-mcp' } }),
      'an environment variable changed': event('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', { requestParameters: { functionName: functionArn('shop-prod-payments-mcp') } }),
      'a permission added to the function policy': event('lambda.amazonaws.com', 'AddPermission20150331v2', { requestParameters: { functionName: 'shop-prod-commerce-mcp', principal: '*' } }),
      'a function URL that would bypass the API': event('lambda.amazonaws.com', 'CreateFunctionUrlConfig20211031', { requestParameters: { functionName: 'shop-prod-commerce-mcp', authType: 'NONE' } }),
    },
    noMatch: {
      'another function changed': event('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { requestParameters: { functionName: 'billing-etl' } }),
      'the server function read': event('lambda.amazonaws.com', 'GetFunction20150331v2', { requestParameters: { functionName: 'shop-prod-commerce-mcp' } }),
      'the server function invoked': event('lambda.amazonaws.com', 'Invoke', { requestParameters: { functionName: functionArn('shop-prod-commerce-mcp') } }),
    },
  },
  NetworkChange: {
    kind: 'network-change',
    match: {
      'a security group opened': event('ec2.amazonaws.com', 'AuthorizeSecurityGroupEgress', { requestParameters: { groupId: 'sg-1' } }),
      'an endpoint policy changed': event('ec2.amazonaws.com', 'ModifyVpcEndpoint', { requestParameters: { vpcEndpointId: 'vpce-1' } }),
      'a route added': event('ec2.amazonaws.com', 'CreateRoute', { requestParameters: { routeTableId: 'rtb-1', destinationCidrBlock: '0.0.0.0/0' } }),
      'a DNS firewall rule deleted': event('route53resolver.amazonaws.com', 'DeleteFirewallRule', { requestParameters: { firewallRuleGroupId: 'rslvr-frg-1' } }),
    },
    noMatch: {
      'endpoints listed': event('ec2.amazonaws.com', 'DescribeVpcEndpoints'),
      'an instance started': event('ec2.amazonaws.com', 'RunInstances'),
      'DNS firewall rules listed': event('route53resolver.amazonaws.com', 'ListFirewallRules'),
    },
  },
  KillSwitchWrite: {
    kind: 'kill-switch-write',
    match: {
      'an admin role releasing an agent by hand': event('dynamodb.amazonaws.com', 'PutItem', { requestParameters: { tableName: 'shop-prod-agent-status', key: { agent: { S: 'fraud-agent' } } } }),
      'an IAM user deleting a status': event('dynamodb.amazonaws.com', 'DeleteItem', { userIdentity: iamUser, requestParameters: { tableName: 'shop-prod-agent-status' } }),
      'the table\'s TTL changed': event('dynamodb.amazonaws.com', 'UpdateTimeToLive', { requestParameters: { tableName: 'shop-prod-agent-status' } }),
    },
    noMatch: {
      'incident response containing an agent': event('dynamodb.amazonaws.com', 'PutItem', { userIdentity: assumedRole('shop-prod-incident-response'), requestParameters: { tableName: 'shop-prod-agent-status' } }),
      'the guard reading the status': event('dynamodb.amazonaws.com', 'GetItem', { userIdentity: assumedRole('shop-prod-commerce-server'), requestParameters: { tableName: 'shop-prod-agent-status' } }),
      'a write to another table': event('dynamodb.amazonaws.com', 'PutItem', { requestParameters: { tableName: 'shop-prod-orders' } }),
    },
  },
  DirectInvoke: {
    kind: 'direct-invoke',
    match: {
      'a role invoking a server function directly': event('lambda.amazonaws.com', 'Invoke', { userIdentity: assumedRole('shop-prod-fraud-agent-caller'), requestParameters: { functionName: functionArn('shop-prod-payments-mcp') } }),
      'an IAM user invoking one': event('lambda.amazonaws.com', 'Invoke', { userIdentity: iamUser, requestParameters: { functionName: functionArn('shop-prod-commerce-mcp') } }),
      'another service invoking one': event('lambda.amazonaws.com', 'Invoke', { userIdentity: { type: 'AWSService', invokedBy: 'events.amazonaws.com' }, requestParameters: { functionName: functionArn('shop-prod-commerce-mcp') } }),
    },
    noMatch: {
      'API Gateway invoking a server function': event('lambda.amazonaws.com', 'Invoke', { userIdentity: apiGatewayService, requestParameters: { functionName: functionArn('shop-prod-commerce-mcp') } }),
      'a role invoking another function': event('lambda.amazonaws.com', 'Invoke', { userIdentity: assumedRole('shop-prod-fraud-agent-caller'), requestParameters: { functionName: functionArn('billing-etl') } }),
    },
  },
  TrailTampering: {
    kind: 'trail-tampering',
    match: {
      'logging stopped': event('cloudtrail.amazonaws.com', 'StopLogging', { requestParameters: { name: 'shop-prod-warden' } }),
      'data events removed': event('cloudtrail.amazonaws.com', 'PutEventSelectors', { requestParameters: { trailName: 'shop-prod-warden' } }),
    },
    noMatch: {
      'events looked up': event('cloudtrail.amazonaws.com', 'LookupEvents'),
      'trail status read': event('cloudtrail.amazonaws.com', 'GetTrailStatus'),
    },
  },
};

describe('the trail\'s metric filters', () => {
  it('have a case here for every metric they publish', () => {
    expect(new Set(specs.map((s) => s.metricName))).toEqual(new Set([...Object.keys(cases), 'AccessDenied']));
    expect(new Set(specs.map((s) => s.kind))).toEqual(new Set(Object.keys(TRAIL_ALARM_KINDS)));
  });

  for (const [metricName, { kind, match, noMatch }] of Object.entries(cases)) {
    describe(`${metricName} (${kind})`, () => {
      it('belongs to its alarm kind', () => expect(specs.find((s) => s.metricName === metricName)!.kind).toBe(kind));
      for (const [what, e] of Object.entries(match)) it(`counts ${what}`, () => expect(counts(metricName, e)).toBe(true));
      for (const [what, e] of Object.entries(noMatch)) it(`ignores ${what}`, () => expect(counts(metricName, e)).toBe(false));
    });
  }

  it('counts access denials per role as well, with the role name as dimension', () => {
    const perRole = specs.find((s) => s.metricName === 'AccessDenied')!;
    expect(perRole.dimensions).toEqual({ Role: '$.userIdentity.sessionContext.sessionIssuer.userName' });
    expect(perRole.patterns[0]!.matches(event('s3.amazonaws.com', 'GetObject', { userIdentity: assumedRole('shop-prod-inventory-agent-data'), errorCode: 'AccessDenied' }))).toBe(true);
  });
});
