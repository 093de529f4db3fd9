/**
 * `WardenTrail`: the deployment's CloudTrail. A multi-region trail with global service events,
 * log file validation and its own KMS key, delivering to a versioned, access-logged, TLS-only
 * S3 bucket with Object Lock and a lifecycle, and to a KMS-encrypted CloudWatch Logs log group
 * (at least 400 days) that the metric filters read. Data events: invocations of the warden server
 * functions (the detective half of the caller-proof control: a direct `lambda:Invoke` shows up
 * here), every call on the tables of the most sensitive data classes, and writes to the kill switch.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { defaultRemovalPolicy, isEphemeralEnvironment } from '../data-plane/retention';
import { suppress } from '../compliance';
import { allowCloudWatchLogs } from '../mcp-server';

export interface WardenTrailProps {
  readonly project: string;
  readonly environment: string;
  /** ARNs of the server functions whose invocations are recorded (data events). */
  readonly functionArns: readonly string[];
  /** ARNs of the tables whose item-level calls are recorded, reads and writes. */
  readonly tableArns: readonly string[];
  /** ARNs of tables whose writes only are recorded (the kill switch: the guard reads it on every call). */
  readonly writeOnlyTableArns?: readonly string[];
  /** Days the log group keeps events; CloudWatch retention values from 400 up. @default 400 */
  readonly logRetentionDays?: number;
  /** @default - RETAIN, or DESTROY for dev/test/sandbox environments */
  readonly removalPolicy?: RemovalPolicy;
}

/** CloudTrail's limit on values across a trail's advanced event selectors (CloudTrail quotas). */
export const MAX_SELECTOR_VALUES = 500;

export class WardenTrail extends Construct {
  public readonly trail: cloudtrail.Trail;
  public readonly trailName: string;
  public readonly encryptionKey: kms.Key;
  public readonly bucket: s3.Bucket;
  public readonly accessLogBucket: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  /** The role CloudTrail delivers to the log group with. */
  public readonly logsRole: iam.Role;

  constructor(scope: Construct, id: string, props: WardenTrailProps) {
    super(scope, id);
    const { project, environment } = props;
    const stack = Stack.of(this);
    const ephemeral = isEphemeralEnvironment(environment);
    const removalPolicy = props.removalPolicy ?? defaultRemovalPolicy(environment);
    const retentionDays = props.logRetentionDays ?? 400;
    if (retentionDays < 400) throw new Error(`WardenTrail ${id}: logRetentionDays ${retentionDays} is under 400; keep trail events at least 400 days (set trail.logRetentionDays in the manifest).`);
    const selectorValues = props.functionArns.length + props.tableArns.length + (props.writeOnlyTableArns?.length ?? 0);
    if (selectorValues > MAX_SELECTOR_VALUES) {
      throw new Error(`WardenTrail ${id}: ${selectorValues} functions and tables exceed CloudTrail's ${MAX_SELECTOR_VALUES} event-selector values; bring your own trail (trail.logGroupName) with prefix selectors.`);
    }
    this.trailName = `${project}-${environment}-warden`;
    const trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: this.trailName });

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `mcp-warden ${project}-${environment}: CloudTrail log files and the trail's log group`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudTrail encrypts for this trail only ("Configure AWS KMS key policies for CloudTrail")
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsThisTrail',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': stack.formatArn({ service: 'cloudtrail', region: '*', resource: 'trail', resourceName: '*' }) },
        },
      }),
    );
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesTheKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
      }),
    );
    allowCloudWatchLogs(this.encryptionKey);

    // Server access logs can only be delivered to an SSE-S3 bucket (S3 User Guide, "Enabling server access logging").
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire', expiration: Duration.days(retentionDays), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy,
      autoDeleteObjects: false,
    });
    // no S3 logging suppression: cdk-nag counts a bucket that receives another bucket's access logs as compliant
    for (const pack of ['NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security']) {
      suppress(this.accessLogBucket, { rule: `${pack}-S3DefaultEncryptionKMS`, reason: 'S3 delivers server access logs only to buckets encrypted with SSE-S3, not SSE-KMS (S3 User Guide, "Enabling server access logging").' });
      suppress(this.accessLogBucket, { rule: `${pack}-S3BucketReplicationEnabled`, reason: 'Access logs of the trail bucket; the trail itself is multi-region and validated, so a replica of the access logs would add no evidence.' });
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'trail-bucket/',
      objectLockEnabled: true,
      // compliance mode: not even the account root can shorten it; throw-away environments use governance
      objectLockDefaultRetention: ephemeral ? s3.ObjectLockRetention.governance(Duration.days(1)) : s3.ObjectLockRetention.compliance(Duration.days(retentionDays)),
      lifecycleRules: [
        {
          id: 'archive-then-expire',
          transitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) }],
          expiration: Duration.days(retentionDays + 1),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy,
    });
    for (const pack of ['NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security']) {
      suppress(this.bucket, {
        rule: `${pack}-S3BucketReplicationEnabled`,
        reason: 'The trail is multi-region with log file validation and Object Lock; replication needs a second bucket in another region, which the deployment does not own. Organizations replicate their organization trail.',
      });
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/mcp-warden/${project}-${environment}/cloudtrail`,
      encryptionKey: this.encryptionKey,
      retention: retentionDays as logs.RetentionDays,
      removalPolicy,
    });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: this.trailName,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      encryptionKey: this.encryptionKey,
      bucket: this.bucket,
      // delivery to the log group is wired below, with a managed policy instead of the L2's inline one
      sendToCloudWatchLogs: false,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
    this.trail.node.addDependency(this.encryptionKey);
    this.logsRole = new iam.Role(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceArn': trailArn } } }),
      description: `mcp-warden ${project}-${environment}: CloudTrail delivers the trail to its log group`,
    });
    const logsPolicy = new iam.ManagedPolicy(this, 'LogsPolicy', {
      description: `mcp-warden ${project}-${environment}: CloudTrail writes the trail's log streams`,
      roles: [this.logsRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteTrailLogStreams',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${this.logGroup.logGroupName}:log-stream:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        }),
      ],
    });
    suppress(logsPolicy, {
      rule: 'AwsSolutions-IAM5',
      reason: 'CloudTrail names the log streams itself, one per region of this multi-region trail (ACCOUNT_CloudTrail_REGION); the wildcard covers only streams of the trail\'s own log group.',
      appliesTo: [`Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<${Stack.of(this).getLogicalId(this.logGroup.node.defaultChild as logs.CfnLogGroup)}>:log-stream:*`],
    });
    const cfn = this.trail.node.defaultChild as cloudtrail.CfnTrail;
    cfn.cloudWatchLogsLogGroupArn = this.logGroup.logGroupArn;
    cfn.cloudWatchLogsRoleArn = this.logsRole.roleArn;
    this.trail.node.addDependency(logsPolicy);
    // Advanced selectors: the only way to pick Lambda and DynamoDB resources by exact ARN, and to
    // record only the writes of one table. They replace the basic selectors, so management events are declared here too.
    cfn.addPropertyDeletionOverride('EventSelectors');
    cfn.addPropertyOverride('AdvancedEventSelectors', [
      { Name: 'All management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ...(props.functionArns.length > 0
        ? [{ Name: 'Warden server function invocations', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] }, { Field: 'resources.ARN', Equals: [...props.functionArns] }] }]
        : []),
      ...(props.tableArns.length > 0
        ? [{ Name: 'Sensitive dataset tables', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] }, { Field: 'resources.ARN', Equals: [...props.tableArns] }] }]
        : []),
      ...(props.writeOnlyTableArns?.length
        ? [
            {
              Name: 'Kill switch writes',
              FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] }, { Field: 'readOnly', Equals: ['false'] }, { Field: 'resources.ARN', Equals: [...props.writeOnlyTableArns] }],
            },
          ]
        : []),
    ]);
  }

  /** Lets `grantee` read the trail's log files (evidence collection). */
  public grantReadLogFiles(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey.grantDecrypt(grantee);
    return this.bucket.grantRead(grantee);
  }
}
