/**
 * `DynamoDbPrefixList`: the id of the AWS-managed prefix list `com.amazonaws.<region>.dynamodb`
 * (the addresses of the DynamoDB gateway endpoint), found at deploy time.
 *
 * The id differs per region and account partition and CloudFormation exposes it nowhere (the
 * gateway endpoint's attributes do not include it), so an environment-agnostic stack can only
 * learn it from `ec2:DescribeManagedPrefixLists` during the deployment: an `AwsCustomResource`
 * with its own minimal role (that one Describe call and its own log stream), the warden
 * permissions boundary, and a KMS-encrypted log group. Synth stays offline.
 */
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { accountBoundServicePrincipal } from '../agent-identity/service-trust';
import { suppress } from '../compliance';
import { AWS_CUSTOM_RESOURCE_FUNCTION_ID, suppressDeployTimeFunction } from './deploy-time-function';

export interface DynamoDbPrefixListProps {
  /** What the lookup is for, on its role. */
  readonly description: string;
  /** Key of the lookup's log group. */
  readonly encryptionKey: kms.IKey;
  /** Permissions boundary of the lookup's role. */
  readonly permissionsBoundary: iam.IManagedPolicy;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Where the id is in the DescribeManagedPrefixLists response (one list matches the name). */
const ID_PATH = 'PrefixLists.0.PrefixListId';

export class DynamoDbPrefixList extends Construct {
  /** The prefix list id (a deploy-time token). */
  public readonly prefixListId: string;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly lookup: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: DynamoDbPrefixListProps) {
    super(scope, id);
    if (Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION_ID)) {
      throw new Error(
        `DynamoDbPrefixList ${this.node.path}: the stack already has an AwsCustomResource, whose singleton function would run this lookup with another role; create the DynamoDbPrefixList first (or pass the prefix list id).`,
      );
    }
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: accountBoundServicePrincipal(this, 'lambda.amazonaws.com'),
      description: props.description,
      maxSessionDuration: Duration.hours(1),
      permissionsBoundary: props.permissionsBoundary,
    });
    // a managed policy, not the inline one AwsCustomResource would add (NIST/PCI/HIPAA refuse inline policies)
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: props.description,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({ sid: 'FindThePrefixList', actions: ['ec2:DescribeManagedPrefixLists'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'WriteItsLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
      ],
    });
    suppress(policy, {
      rule: 'AwsSolutions-IAM5',
      reason: 'ec2:DescribeManagedPrefixLists is a read-only list call that supports no resource-level permissions (IAM service authorization reference), so its Resource must be *.',
      appliesTo: ['Resource::*'],
    });
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'DescribeManagedPrefixLists',
      parameters: { Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${Aws.REGION}.dynamodb`] }] },
      physicalResourceId: cr.PhysicalResourceId.fromResponse(ID_PATH),
      outputPaths: [ID_PATH],
    };
    this.lookup = new cr.AwsCustomResource(this, 'Lookup', {
      onCreate: call,
      onUpdate: call,
      role: this.role,
      logGroup: this.logGroup,
      installLatestAwsSdk: false,
      memorySize: 128,
      timeout: Duration.minutes(1),
    });
    this.lookup.node.addDependency(policy);
    this.prefixListId = this.lookup.getResponseField(ID_PATH);
    const fn = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION_ID);
    if (fn) suppressDeployTimeFunction(fn);
  }
}
