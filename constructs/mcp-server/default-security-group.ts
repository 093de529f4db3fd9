/**
 * `DefaultSecurityGroupLockdown`: removes the rules of a created VPC's default security group
 * (all traffic from itself in, all traffic out), so a resource launched without a security group
 * reaches nothing (CIS AWS 5.4, NIST SC-7).
 *
 * This replaces `restrictDefaultSecurityGroup` of `ec2.Vpc`, whose provider escaped the
 * compliance gate: a plain CfnResource role with an inline policy and `AWSLambdaBasicExecutionRole`,
 * a function with an unmanaged, unencrypted log group, none of which cdk-nag inspects. Here the
 * two EC2 calls are `AwsCustomResource`s, so the function is an L2 function cdk-nag checks; the
 * role is either the stack's one `AwsCustomResource` role that already exists (the singleton
 * function takes the role of its first user, e.g. `DynamoDbPrefixList`), or one made here with the
 * stack boundary and a KMS-encrypted log group; its permissions are a managed policy naming
 * exactly this security group.
 *
 * Removing the construct leaves the rules removed (deleting the VPC deletes the group anyway).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { accountBoundServicePrincipal } from '../agent-identity/service-trust';
import { AWS_CUSTOM_RESOURCE_FUNCTION_ID, suppressDeployTimeFunction } from './deploy-time-function';

export interface DefaultSecurityGroupLockdownProps {
  /** The VPC whose default security group loses its rules (created in this stack). */
  readonly vpc: ec2.Vpc;
  /** Key of the log group, when no deploy-time role exists in the stack yet. */
  readonly encryptionKey: kms.IKey;
  /** Boundary of the role, when made here. */
  readonly permissionsBoundary: iam.IManagedPolicy;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The construct id and resource type cdk-nag's `VPCDefaultSecurityGroupClosed` looks for under the
 * VPC (it recognizes a VPC whose default group is closed by them).
 */
export const LOCKDOWN_ID = 'RestrictDefaultSecurityGroupCustomResource';
const LOCKDOWN_TYPE = 'Custom::VpcRestrictDefaultSG';

export class DefaultSecurityGroupLockdown extends Construct {
  /** Scoped under `vpc` with the id compliance rules recognize. */
  public static of(props: DefaultSecurityGroupLockdownProps): DefaultSecurityGroupLockdown {
    return new DefaultSecurityGroupLockdown(props.vpc, LOCKDOWN_ID, props);
  }

  /** The role the calls run with (shared with the stack's other AwsCustomResource calls). */
  public readonly role: iam.IRole;
  public readonly policy: iam.ManagedPolicy;
  public readonly revokeIngress: cr.AwsCustomResource;
  public readonly revokeEgress: cr.AwsCustomResource;
  /** The log group made here, when there was no deploy-time function before. */
  public readonly logGroup?: logs.LogGroup;

  private constructor(scope: ec2.Vpc, id: string, props: DefaultSecurityGroupLockdownProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const groupId = props.vpc.vpcDefaultSecurityGroup;
    const existing = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION_ID);
    let role: iam.IRole | undefined = existing instanceof lambda.Function ? existing.role : undefined;
    if (!role) {
      this.logGroup = new logs.LogGroup(this, 'Logs', {
        encryptionKey: props.encryptionKey,
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      role = new iam.Role(this, 'Role', {
        assumedBy: accountBoundServicePrincipal(this, 'lambda.amazonaws.com'),
        description: 'Removes the rules of the default security group of an mcp-warden network at deploy time',
        maxSessionDuration: Duration.hours(1),
        permissionsBoundary: props.permissionsBoundary,
      });
    }
    this.role = role;
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Removes the rules of the default security group of an mcp-warden network, that group only',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'CloseTheDefaultSecurityGroup',
          actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: groupId })],
        }),
        ...(this.logGroup ? [new iam.PolicyStatement({ sid: 'WriteItsLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] })] : []),
      ],
    });
    // the rules EC2 gives every new default group; absent already (revoked by hand) is fine
    const revoke = (action: string, permission: Record<string, unknown>): cr.AwsSdkCall => ({
      service: 'EC2',
      action,
      parameters: { GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', ...permission }] },
      physicalResourceId: cr.PhysicalResourceId.of(`${groupId}-${action}`),
      ignoreErrorCodesMatching: 'InvalidPermission\\.NotFound',
    });
    const call = (id: string, sdkCall: cr.AwsSdkCall, resourceType?: string) => {
      const resource = new cr.AwsCustomResource(this, id, {
        onCreate: sdkCall,
        onUpdate: sdkCall,
        role,
        logGroup: this.logGroup,
        installLatestAwsSdk: false,
        memorySize: 128,
        timeout: Duration.minutes(1),
        resourceType,
      });
      resource.node.addDependency(this.policy);
      return resource;
    };
    this.revokeIngress = call('RevokeIngress', revoke('RevokeSecurityGroupIngress', { UserIdGroupPairs: [{ GroupId: groupId }] }), LOCKDOWN_TYPE);
    this.revokeEgress = call('RevokeEgress', revoke('RevokeSecurityGroupEgress', { IpRanges: [{ CidrIp: '0.0.0.0/0' }] }));
    // what VPCDefaultSecurityGroupClosed reads: this construct's default child is a Custom::VpcRestrictDefaultSG
    this.node.defaultChild = this.revokeIngress.node.findChild('Resource').node.defaultChild;
    const fn = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION_ID);
    if (fn && !existing) suppressDeployTimeFunction(fn);
  }
}
