/**
 * The trail's metric filters: which CloudTrail events each alarm kind counts. Warden resources
 * are matched by their deterministic names (`<project>-<environment>-...`: roles, managed
 * policies, which CloudFormation names after their stack, server functions, the kill-switch
 * table). Resources whose ids CloudFormation makes up (API ids, key ids, VPC endpoints, route
 * tables, security groups) would have to be exported from the servers stacks to be named here,
 * which would pin them; those filters watch the whole account instead, which in an account given
 * to warden is the same thing, and in a shared one errs towards alerting. Pure: no aws-cdk-lib.
 */
import type { TrailAlarmKind } from '../../lib/alarms/alarm-kinds';
import { parseFilterPattern, type FilterPattern } from './filter-pattern';

/** Namespace of the metrics the trail's filters publish. */
export const TRAIL_METRICS_NAMESPACE = 'McpWarden/CloudTrail';

export interface TrailFilterSpec {
  readonly kind: TrailAlarmKind;
  /** Metric the filter publishes (value 1 per matching event). */
  readonly metricName: string;
  /** One or more patterns publishing the same metric (CloudWatch caps a pattern at 1,024 characters). */
  readonly patterns: readonly FilterPattern[];
  /** Dimensions taken from the event, e.g. the role an access denial names. */
  readonly dimensions?: Readonly<Record<string, string>>;
}

export interface TrailFilterNames {
  readonly project: string;
  readonly environment: string;
  /** The incident-response role: the one principal expected to write the kill switch. */
  readonly incidentResponseRole: string;
  /** The agent-status (kill switch) table. */
  readonly agentStatusTable: string;
  /** A wildcard matching the name or ARN of every warden server function. */
  readonly serverFunctions: string;
}

/** Dimension of `AccessDenied` per role: the IAM role whose session was refused. */
export const ROLE_DIMENSION = 'Role';
export const ROLE_SELECTOR = '$.userIdentity.sessionContext.sessionIssuer.userName';

const eq = (selector: string, value: string) => `(${selector} = "${value}")`;
const ne = (selector: string, value: string) => `(${selector} != "${value}")`;
const any = (...terms: string[]) => (terms.length === 1 ? terms[0]! : `(${terms.join(' || ')})`);
const all = (...terms: string[]) => terms.join(' && ');
const events = (...names: string[]) => any(...names.map((n) => eq('$.eventName', n)));
const pattern = (...terms: string[]) => parseFilterPattern(`{ ${all(...terms)} }`);

export function trailFilterSpecs(names: TrailFilterNames): TrailFilterSpec[] {
  const warden = `${names.project}-${names.environment}-*`;
  const deniedByWarden = [any(eq('$.errorCode', 'AccessDenied*'), eq('$.errorCode', '*Unauthorized*')), eq(ROLE_SELECTOR, warden)];
  const iam = eq('$.eventSource', 'iam.amazonaws.com');
  const wardenIamTarget = any(eq('$.requestParameters.roleName', warden), eq('$.requestParameters.policyArn', `*:policy/${warden}`));
  const lambda = eq('$.eventSource', 'lambda.amazonaws.com');
  const serverFunction = eq('$.requestParameters.functionName', names.serverFunctions);
  const ec2 = eq('$.eventSource', 'ec2.amazonaws.com');
  return [
    { kind: 'role-access-denied', metricName: 'AccessDeniedAnyRole', patterns: [pattern(...deniedByWarden)] },
    // the same events, per role: each agent's alarm sums its caller and data role
    { kind: 'role-access-denied', metricName: 'AccessDenied', patterns: [pattern(...deniedByWarden)], dimensions: { [ROLE_DIMENSION]: ROLE_SELECTOR } },
    {
      kind: 'iam-change',
      metricName: 'IamChange',
      patterns: [
        pattern(iam, events('Put*Policy', 'Attach*Policy', 'Detach*Policy', 'Delete*Policy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'Update*'), wardenIamTarget),
        pattern(iam, events('*PermissionsBoundary', 'CreateRole', 'DeleteRole', 'TagRole', 'UntagRole', 'DeletePolicyVersion'), wardenIamTarget),
      ],
    },
    {
      kind: 'key-tampering',
      metricName: 'KeyTampering',
      patterns: [pattern(eq('$.eventSource', 'kms.amazonaws.com'), events('DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'DisableKeyRotation', 'RevokeGrant', 'RetireGrant', 'DeleteAlias', 'UpdateAlias', 'DeleteImportedKeyMaterial'))],
    },
    {
      kind: 'api-change',
      metricName: 'ApiChange',
      patterns: [pattern(eq('$.eventSource', 'apigateway.amazonaws.com'), events('Create*', 'Update*', 'Put*', 'Delete*', 'Import*', 'Tag*', 'Untag*'))],
    },
    {
      kind: 'function-change',
      metricName: 'FunctionChange',
      patterns: [
        pattern(lambda, events('UpdateFunctionCode*', 'UpdateFunctionConfiguration*', 'AddPermission*', 'RemovePermission*', 'DeleteFunction*', 'PutFunctionConcurrency*', 'PublishVersion*'), serverFunction),
        pattern(lambda, events('CreateFunctionUrlConfig*', 'UpdateFunctionUrlConfig*', 'CreateEventSourceMapping*', 'PutFunctionEventInvokeConfig*', 'CreateAlias*', 'UpdateAlias*', 'PutRuntimeManagementConfig*'), serverFunction),
      ],
    },
    {
      kind: 'network-change',
      metricName: 'NetworkChange',
      patterns: [
        pattern(ec2, events('CreateVpcEndpoint', 'ModifyVpcEndpoint', 'DeleteVpcEndpoints', 'CreateRoute', 'ReplaceRoute', 'DeleteRoute', 'CreateRouteTable', 'DeleteRouteTable', 'AssociateRouteTable', 'DisassociateRouteTable', 'ReplaceRouteTableAssociation')),
        pattern(ec2, events('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules', 'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifyVpcEndpointServicePermissions')),
        pattern(eq('$.eventSource', 'route53resolver.amazonaws.com'), events('CreateFirewall*', 'UpdateFirewall*', 'DeleteFirewall*', 'AssociateFirewall*', 'DisassociateFirewall*', 'ImportFirewallDomains')),
      ],
    },
    {
      kind: 'kill-switch-write',
      metricName: 'KillSwitchWrite',
      patterns: [
        pattern(
          eq('$.eventSource', 'dynamodb.amazonaws.com'),
          events('PutItem', 'UpdateItem', 'DeleteItem', 'UpdateTable', 'DeleteTable', 'UpdateTimeToLive', 'RestoreTableToPointInTime'),
          eq('$.requestParameters.tableName', names.agentStatusTable),
          // an assumed-role session always names its role; anything else (a user, root) is never incident response
          any(ne('$.userIdentity.type', 'AssumedRole'), ne(ROLE_SELECTOR, names.incidentResponseRole)),
        ),
      ],
    },
    {
      kind: 'direct-invoke',
      metricName: 'DirectInvoke',
      patterns: [
        // API Gateway invokes with its service principal: userIdentity { type: AWSService, invokedBy: apigateway.amazonaws.com }
        pattern(lambda, eq('$.eventName', 'Invoke*'), serverFunction, any(ne('$.userIdentity.type', 'AWSService'), ne('$.userIdentity.invokedBy', 'apigateway.amazonaws.com'))),
      ],
    },
    {
      kind: 'trail-tampering',
      metricName: 'TrailTampering',
      patterns: [pattern(eq('$.eventSource', 'cloudtrail.amazonaws.com'), events('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors', 'DeleteEventDataStore'))],
    },
  ];
}
