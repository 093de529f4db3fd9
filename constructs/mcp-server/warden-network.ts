/**
 * `WardenNetwork`: the one network the MCP servers of a stack share.
 *
 * A VPC per server does not scale: the default quota is 5 VPCs per region, and every interface
 * endpoint is billed per AZ-hour (4 endpoints x 2 AZs per server). So one network holds the
 * isolated subnets (no NAT, no internet gateway), the flow logs, the DynamoDB gateway endpoint
 * and the interface endpoints (execute-api, STS, KMS, CloudWatch Logs), and a DNS Firewall that
 * answers only those services' names (`DnsFirewall`: a DNS query is a way out too); each
 * server brings only its function's security group and registers its tables. There is no S3
 * endpoint: nothing in the VPC uses S3.
 *
 * Endpoint policies are a data perimeter: the gateway endpoint reaches only warden tables (the
 * union over the servers using the network); the STS endpoint only this deployment's data roles
 * (`role/<project>-<env>-*-data`) and GetCallerIdentity; the interface endpoints admit only
 * principals of this account (`aws:PrincipalAccount`) acting on resources of this account (the
 * Resource ARNs name the account, and `aws:ResourceAccount` is required where the service sets
 * it), so credentials stolen from another account cannot carry data out through them, and a
 * server's credentials cannot reach another account's resources.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { defaultRemovalPolicy } from '../data-plane/retention';
import { WardenPermissionsBoundary } from '../agent-identity/permissions-boundary';
import { accountBoundServicePrincipal } from '../agent-identity/service-trust';
import { logEncryptionKey } from './log-encryption-key';
import { dataRoleNamePattern } from '../../lib/config/role-names';
import { DefaultSecurityGroupLockdown } from './default-security-group';
import { DnsFirewall } from './dns-firewall';
import { DynamoDbPrefixList } from './dynamodb-prefix-list';

export interface WardenNetworkProps {
  readonly project: string;
  readonly environment: string;
  /**
   * VPC to add the endpoints to; its isolated subnets are used.
   * @default - a new two-AZ VPC with isolated subnets only and flow logs
   */
  readonly vpc?: ec2.IVpc;
  /**
   * ID of the AWS-managed prefix list `com.amazonaws.REGION.dynamodb`, the only address range the
   * servers' DynamoDB egress rule admits.
   * @default - looked up at deploy time in the stack's region (`DynamoDbPrefixList`)
   */
  readonly dynamoDbPrefixListId?: string;
  /** Address range of the VPC created here. @default '10.0.0.0/16' */
  readonly vpcCidr?: string;
  /**
   * Who may open HTTPS connections to the execute-api endpoint (agents calling the APIs).
   * @default - the CIDR of the VPC created here; with your own `vpc`, nobody (add peers with `admitApiClient`)
   */
  readonly apiClients?: readonly ec2.IPeer[];
  /** Key of the flow-log group and the prefix-list lookup's log group. @default - a new key with rotation */
  readonly encryptionKey?: kms.IKey;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default - RETAIN, or DESTROY for dev/test/sandbox environments */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Put a Route 53 Resolver DNS Firewall on the VPC that answers only the AWS services warden uses.
   * @default - true for a VPC created here; false for a brought `vpc` (its other workloads resolve other names)
   */
  readonly dnsFirewall?: boolean;
  /** Further names the DNS Firewall answers (`*.example.com`). @default - none */
  readonly allowedDomains?: readonly string[];
}


/** Actions the DynamoDB gateway endpoint carries (the runtime's reads, writes and counters). */
const DYNAMODB_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:ConditionCheckItem',
];

export class WardenNetwork extends Construct {
  public readonly vpc: ec2.IVpc;
  /** Whether the VPC was created here (isolated subnets whose only routes are the gateway endpoints). */
  public readonly ownsVpc: boolean;
  public readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  /** STS, KMS and Logs endpoints: HTTPS from the registered servers' security groups only. */
  public readonly endpointSecurityGroup: ec2.SecurityGroup;
  /** The execute-api endpoint: HTTPS from the API clients (agents). */
  public readonly apiEndpointSecurityGroup: ec2.SecurityGroup;
  public readonly apiEndpoint: ec2.InterfaceVpcEndpoint;
  public readonly stsEndpoint: ec2.InterfaceVpcEndpoint;
  public readonly kmsEndpoint: ec2.InterfaceVpcEndpoint;
  public readonly logsEndpoint: ec2.InterfaceVpcEndpoint;
  public readonly dynamoDbEndpoint: ec2.GatewayVpcEndpoint;
  /** Removes the rules of the created VPC's default security group (none for a brought VPC). */
  public readonly defaultSecurityGroupLockdown?: DefaultSecurityGroupLockdown;
  /** The DNS Firewall on the VPC, unless turned off (default for a brought VPC). */
  public readonly dnsFirewall?: DnsFirewall;
  /** The flow-log group, when the VPC was created here. */
  public readonly flowLogGroup?: logs.LogGroup;
  public readonly encryptionKey: kms.IKey;
  /** The deploy-time lookup of the DynamoDB prefix list, unless its id was given. */
  public readonly dynamoDbPrefixList?: DynamoDbPrefixList;
  /** Where the servers' DynamoDB egress rule points: the regional DynamoDB prefix list. */
  public readonly dynamoDbPeer: ec2.IPeer;
  private readonly tableStatement: iam.PolicyStatement;
  private readonly tableArns = new Set<string>();
  private bedrockEndpoint?: ec2.InterfaceVpcEndpoint;
  private snsInterfaceEndpoint?: ec2.InterfaceVpcEndpoint;
  private snsPublishStatement?: iam.PolicyStatement;
  private readonly snsTopics = new Set<string>();
  private readonly snsPublishers: string[] = [];

  constructor(scope: Construct, id: string, props: WardenNetworkProps) {
    super(scope, id);
    const { project, environment } = props;
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? defaultRemovalPolicy(environment);
    const vpcCidr = props.vpcCidr ?? '10.0.0.0/16';
    this.ownsVpc = !props.vpc;
    this.encryptionKey = props.encryptionKey ?? this.createKey(project, environment, removalPolicy);
    if (props.vpc) {
      this.vpc = props.vpc;
    } else {
      this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', { encryptionKey: this.encryptionKey, retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, removalPolicy });
      this.vpc = this.createVpc(vpcCidr, this.flowLogGroup);
    }
    // DynamoDB is reached through its gateway endpoint, whose addresses are the regional prefix
    // list. Its id differs per region, so environment-agnostic stacks cannot name it at synth:
    // a custom resource finds it at deploy time, and the servers' egress goes to it and to the
    // endpoints' security group, nothing else (not "any address", even where no route exists).
    if (props.dynamoDbPrefixListId) {
      this.dynamoDbPeer = ec2.Peer.prefixList(props.dynamoDbPrefixListId);
    } else {
      this.dynamoDbPrefixList = new DynamoDbPrefixList(this, 'DynamoDbPrefixList', {
        description: `mcp-warden ${project}-${environment}: finds the DynamoDB prefix list of the region for the servers' egress rule`,
        encryptionKey: this.encryptionKey,
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy,
        permissionsBoundary: WardenPermissionsBoundary.of(this, { project, environment }).policy,
      });
      this.dynamoDbPeer = ec2.Peer.prefixList(this.dynamoDbPrefixList.prefixListId);
    }

    // after the prefix-list lookup, whose role the stack's AwsCustomResource function runs with
    if (this.vpc instanceof ec2.Vpc && this.ownsVpc) {
      this.defaultSecurityGroupLockdown = DefaultSecurityGroupLockdown.of({
        vpc: this.vpc,
        encryptionKey: this.encryptionKey,
        permissionsBoundary: WardenPermissionsBoundary.of(this, { project, environment }).policy,
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy,
      });
    }

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: `mcp-warden ${project}-${environment}: STS, KMS and Logs endpoints, HTTPS from MCP server functions only`,
      allowAllOutbound: false,
    });
    this.apiEndpointSecurityGroup = new ec2.SecurityGroup(this, 'ApiEndpointSecurityGroup', {
      vpc: this.vpc,
      description: `mcp-warden ${project}-${environment}: execute-api endpoint, HTTPS from agents only`,
      allowAllOutbound: false,
    });
    for (const peer of props.apiClients ?? (props.vpc ? [] : [ec2.Peer.ipv4(vpcCidr)])) this.admitApiClient(peer);

    const account = stack.account;
    const arn = (service: string, resource: string, region = stack.region) => `arn:${stack.partition}:${service}:${region}:${account}:${resource}`;
    const interfaceEndpoint = (name: string, service: ec2.InterfaceVpcEndpointAwsService, securityGroup: ec2.SecurityGroup, prefix: string, resources: string[], resourceAccountKey: boolean, actions = [`${prefix}:*`]) => {
      const endpoint = this.vpc.addInterfaceEndpoint(name, { service, subnets: this.subnets, privateDnsEnabled: true, securityGroups: [securityGroup], open: false });
      endpoint.addToPolicy(
        new iam.PolicyStatement({
          sid: 'OnlyThisAccount',
          principals: [new iam.AnyPrincipal()],
          actions,
          resources,
          conditions: { StringEquals: { 'aws:PrincipalAccount': account, ...(resourceAccountKey ? { 'aws:ResourceAccount': account } : {}) } },
        }),
      );
      return endpoint;
    };
    // execute-api: the private APIs of this account and region (requests are SigV4-signed: IAM auth)
    this.apiEndpoint = interfaceEndpoint('ExecuteApiEndpoint', ec2.InterfaceVpcEndpointAwsService.APIGATEWAY, this.apiEndpointSecurityGroup, 'execute-api', [arn('execute-api', '*')], false);
    // STS: the servers assume their agents' data roles and nothing else (AWS's data-perimeter STS
    // endpoint policy conditions on the resource's owner the same way, with aws:ResourceOrgID)
    this.stsEndpoint = interfaceEndpoint('StsEndpoint', ec2.InterfaceVpcEndpointAwsService.STS, this.endpointSecurityGroup, 'sts', [arn('iam', `role/${dataRoleNamePattern(project, environment)}`, '')], true, [
      'sts:AssumeRole',
      'sts:TagSession',
    ]);
    // a caller proof (presigned GetCallerIdentity of an agent) is checked through this endpoint too; it has no resource
    this.stsEndpoint.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WhoAmIOfThisAccount',
        principals: [new iam.AnyPrincipal()],
        actions: ['sts:GetCallerIdentity'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': account } },
      }),
    );
    this.kmsEndpoint = interfaceEndpoint('KmsEndpoint', ec2.InterfaceVpcEndpointAwsService.KMS, this.endpointSecurityGroup, 'kms', [arn('kms', 'key/*')], true);
    this.logsEndpoint = interfaceEndpoint('LogsEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS, this.endpointSecurityGroup, 'logs', [arn('logs', '*')], false);

    this.dynamoDbEndpoint = this.vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [this.subnets] });
    this.tableStatement = new iam.PolicyStatement({ sid: 'OnlyWardenTables', principals: [new iam.AnyPrincipal()], actions: DYNAMODB_ACTIONS });
    this.dynamoDbEndpoint.addToPolicy(this.tableStatement);
    this.node.addValidation({
      validate: () => (this.tableArns.size === 0 ? [`WardenNetwork ${this.node.path}: no server registered its tables (allowTables); the DynamoDB endpoint policy would be empty.`] : []),
    });
    if (props.dnsFirewall ?? this.ownsVpc) {
      this.dnsFirewall = new DnsFirewall(this, 'DnsFirewall', {
        vpc: this.vpc,
        name: `${project}-${environment}`,
        encryptionKey: this.encryptionKey,
        allowedDomains: props.allowedDomains,
        logRetention: props.logRetention,
        removalPolicy,
      });
    }
  }

  /** Adds tables to the DynamoDB endpoint policy: the union over the servers (warden tables have no indexes). */
  public allowTables(tableArns: readonly string[]): void {
    for (const tableArn of tableArns) {
      const key = Stack.of(this).resolve(tableArn);
      const text = JSON.stringify(key);
      if (this.tableArns.has(text)) continue;
      this.tableArns.add(text);
      this.tableStatement.addResources(tableArn);
    }
  }

  /**
   * The bedrock-runtime interface endpoint, created on first use: only servers screening with
   * Bedrock Guardrails (`guard.injection.engine: bedrock-guardrails`) need it. Its policy admits
   * ApplyGuardrail on this account's guardrails only, by principals of this account.
   */
  public bedrockRuntimeEndpoint(): ec2.InterfaceVpcEndpoint {
    if (this.bedrockEndpoint) return this.bedrockEndpoint;
    const stack = Stack.of(this);
    const endpoint = this.vpc.addInterfaceEndpoint('BedrockRuntimeEndpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
      subnets: this.subnets,
      privateDnsEnabled: true,
      securityGroups: [this.endpointSecurityGroup],
      open: false,
    });
    endpoint.addToPolicy(
      new iam.PolicyStatement({
        sid: 'OnlyThisAccountsGuardrails',
        principals: [new iam.AnyPrincipal()],
        actions: ['bedrock:ApplyGuardrail'],
        resources: [`arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:guardrail/*`],
        conditions: { StringEquals: { 'aws:PrincipalAccount': stack.account, 'aws:ResourceAccount': stack.account } },
      }),
    );
    this.bedrockEndpoint = endpoint;
    return endpoint;
  }

  /**
   * The SNS interface endpoint, created on first use: only servers with tools that need human
   * approval publish (the approvers' notices). Its policy admits exactly sns:Publish, exactly to
   * the topics named here, by exactly the server roles named with them (this account's).
   */
  public snsEndpoint(publish: { readonly topicArn: string; readonly publisherRoleArn: string }): ec2.InterfaceVpcEndpoint {
    const stack = Stack.of(this);
    if (!this.snsInterfaceEndpoint) {
      this.snsInterfaceEndpoint = this.vpc.addInterfaceEndpoint('SnsEndpoint', { service: ec2.InterfaceVpcEndpointAwsService.SNS, subnets: this.subnets, privateDnsEnabled: true, securityGroups: [this.endpointSecurityGroup], open: false });
      this.snsPublishStatement = new iam.PolicyStatement({
        sid: 'OnlyApprovalNoticesByServers',
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': stack.account } },
      });
      this.snsInterfaceEndpoint.addToPolicy(this.snsPublishStatement);
    }
    const topic = JSON.stringify(stack.resolve(publish.topicArn));
    if (!this.snsTopics.has(topic)) {
      this.snsTopics.add(topic);
      this.snsPublishStatement!.addResources(publish.topicArn);
    }
    if (!this.snsPublishers.includes(publish.publisherRoleArn)) {
      this.snsPublishers.push(publish.publisherRoleArn);
      // addCondition replaces the operator's value: the statement names every publisher so far
      this.snsPublishStatement!.addCondition('ArnLike', { 'aws:PrincipalArn': [...this.snsPublishers] });
    }
    return this.snsInterfaceEndpoint;
  }

  /** Lets a server function's security group reach the STS, KMS and Logs endpoints over HTTPS. */
  public admitServer(functionSecurityGroup: ec2.ISecurityGroup, description: string): void {
    this.endpointSecurityGroup.addIngressRule(functionSecurityGroup, ec2.Port.tcp(443), description);
  }

  /** Lets `peer` (agents) reach the execute-api endpoint over HTTPS. */
  public admitApiClient(peer: ec2.IPeer): void {
    this.apiEndpointSecurityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS from agents');
  }

  private createKey(project: string, environment: string, removalPolicy: RemovalPolicy): kms.Key {
    return logEncryptionKey(this, 'Key', { description: `mcp-warden ${project}-${environment}: flow logs and prefix-list lookup logs of the servers' network`, removalPolicy });
  }

  private createVpc(cidr: string, flowLogs: logs.LogGroup): ec2.Vpc {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // closed by DefaultSecurityGroupLockdown instead (CDK's provider escapes cdk-nag and the boundary)
      restrictDefaultSecurityGroup: false,
    });
    // our own role and managed policy: the default role gets an inline policy, which the NIST/PCI/HIPAA packs refuse
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      // only flow logs of this account (confused deputy)
      assumedBy: accountBoundServicePrincipal(this, 'vpc-flow-logs.amazonaws.com'),
      description: 'VPC flow logs of an mcp-warden server network',
    });
    new iam.ManagedPolicy(this, 'FlowLogPolicy', {
      roles: [flowLogRole],
      statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: [flowLogs.logGroupArn] })],
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs, flowLogRole.withoutPolicyUpdates()),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    return vpc;
  }
}
