/**
 * `McpServer`: one manifest server as a VPC Lambda behind a PRIVATE REST API.
 *
 * Network (a `WardenNetwork`, shared by the servers of a stack or created for this one): isolated
 * subnets only (no NAT, no internet gateway); the function's security group sends HTTPS to the
 * STS/KMS/Logs endpoints' security group and the DynamoDB gateway endpoint, nothing else; the
 * server adds its tables to the gateway endpoint policy, which admits only warden tables.
 * Authentication: `AWS_IAM` on `POST /mcp` (and on the `ANY /mcp` that answers other methods
 * 405 without a Lambda), and a resource policy that admits the caller roles of agents granted a
 * tool here to `/mcp` only, only through the VPC endpoint. API Gateway's own errors are JSON-RPC
 * error objects (json-rpc-edge.ts).
 * Isolation: the function role may assume exactly those agents' data roles, only with the session
 * tag `warden:server` naming this server (which the data roles' trust and policies check), and
 * touches no dataset table itself.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { defaultRemovalPolicy, isEphemeralEnvironment } from '../data-plane/retention';
import { injectionSettings, type Manifest, type ServerSpec } from '../../lib/config/schema';
import { AccessModel } from '../../lib/policy/access-model';
import { precomputeDecisions } from '../../lib/policy/precompute-decisions';
import { readTeamPolicies } from '../../lib/policy/team-policies';
import { accountBoundServicePrincipal, agentRoleNames, SERVER_ACCESS_TAG_VALUE, serverAccessTag, serverFunctionRoleName, ServerRoleBoundary, SESSION_TAG_SERVER, wardenRoleNamePattern } from '../agent-identity';
import { suppress } from '../compliance';
import { datasetTableName } from '../data-plane';
import { accessLogFormat } from './access-log-format';
import { type ExecutionLogging, StageExecutionLogs } from './api-execution-logging';
import { apiResourcePolicy, type CallerAdmission, chooseCallerAdmission } from './caller-admission';
import { writeHandlerEntry } from './handler-entry';
import { zodWithoutLocalesAliases } from './zod-without-locales';
import { addJsonRpcGatewayResponses, addMethodNotAllowed } from './json-rpc-edge';
import { AGENT_STATUS_TABLE, RATE_LIMIT_TABLE } from './runtime/table-schemas';
import { RUNTIME_ENV, SERVER_KEY_MAC_ALGORITHM } from './runtime/runtime-env';
import { serverMetric, type ServerMetricName, type ServerMetricOptions } from './server-metrics';
import { logEncryptionKey } from './log-encryption-key';
import { WardenNetwork } from './warden-network';
import { MCP_API_STAGE, serverApiName, serverFunctionName } from './server-names';

export interface McpServerProps {
  /** The validated manifest. */
  readonly manifest: Manifest;
  /** Name of the server in the manifest. */
  readonly server: string;
  /** Folder the manifest's `entry` and policy paths are relative to. */
  readonly manifestDir: string;
  /**
   * The network shared by the servers of a stack (VPC, flow logs, endpoints). The server adds
   * its function's security group and its tables to it.
   * @default - a network of its own, in `vpc` or in a new VPC
   */
  readonly network?: WardenNetwork;
  /**
   * VPC to run in, when no `network` is given; its isolated subnets are used and the endpoints
   * are added to it.
   * @default - a new two-AZ VPC with isolated subnets only and flow logs
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The kill-switch table (partition key `agent`), written only by incident response.
   * @default - a new table, encrypted with `encryptionKey`
   */
  readonly agentStatusTable?: dynamodb.ITable;
  /**
   * Key for the log groups and the tables created here.
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * ARNs of execute-api VPC endpoints in other VPCs that agents may also call through.
   * @default - only the endpoint created in this server's VPC
   */
  readonly additionalApiEndpoints?: readonly ec2.IInterfaceVpcEndpoint[];
  /**
   * ID of the AWS-managed prefix list of DynamoDB in this region (`com.amazonaws.REGION.dynamodb`),
   * the only addresses the function's DynamoDB egress rule admits.
   * @default - looked up at deploy time by the network (`DynamoDbPrefixList`)
   */
  readonly dynamoDbPrefixListId?: string;
  /**
   * How the API resource policy and the function role name the agents: by role ARN, or by the
   * role-name pattern `<project>-<environment>-*-caller|data` plus the `warden:server-<name>`
   * tag that AgentIdentity puts on the roles of exactly this server's agents.
   * @default - 'list' while the ARNs fit API Gateway's and IAM's policy size limits, else 'tag'
   */
  readonly callerAdmission?: CallerAdmission;
  /** Address range of the VPC created here (no `network`, no `vpc`); agents inside it may reach the API. @default '10.0.0.0/16' */
  readonly vpcCidr?: string;
  /**
   * Who may open HTTPS connections to the execute-api endpoint (agents calling the API), when no
   * `network` is given (with one, use `network.admitApiClient`).
   * @default - the CIDR of the VPC created here; with your own `vpc`, nobody
   */
  readonly apiClients?: readonly ec2.IPeer[];
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Steady-state requests per second the API stage admits. @default 50 */
  readonly throttlingRateLimit?: number;
  /** @default 100 */
  readonly throttlingBurstLimit?: number;
  /**
   * Concurrent executions reserved for the function when the manifest sets no
   * `servers[].reservedConcurrency`: its share of the account's pool, which also caps it.
   * @default - the stage's `throttlingRateLimit` (50): a second of work per admitted request per second
   */
  readonly reservedConcurrency?: number;
  /** Permissions boundary of the function role. @default - the warden allow-list boundary of server roles of the stack (`ServerRoleBoundary`) */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /** @default - RETAIN, or DESTROY for dev/test/sandbox environments */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * API Gateway execution logs of the stage (errors only, never bodies), in a KMS-encrypted log
   * group kept like the others. They need the account's API Gateway CloudWatch role, one setting
   * per account and region: 'create' makes it here (once per stack, `ApiGatewayCloudWatchRole`);
   * 'existing' relies on the one the account already has (another stack or shard); 'off' logs none.
   * @default 'create'
   */
  readonly executionLogging?: ExecutionLogging;
}

/** Where an agent's caller role may send requests. */
const MCP_PATH = 'mcp';
const STAGE_NAME = MCP_API_STAGE;

/** The Cedar WebAssembly of the cedar-wasm this package depends on (the one its runtime bundles). */
export const CEDAR_WASM = join(dirname(require.resolve('@cedar-policy/cedar-wasm/nodejs')), 'cedar_wasm_bg.wasm');

/**
 * esbuild aliases of the server bundle: the SDK's `_shims` without Ajv (runtime/sdk-shims.ts),
 * which keeps the bundle under 1 MB. Exported for the benchmark that bundles the same way.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@modelcontextprotocol/server/_shims': join(__dirname, 'runtime', 'sdk-shims'),
};

/**
 * Every esbuild alias of the server bundle: BUNDLE_ALIASES and zod without its locales
 * (zod-without-locales.ts, whose entry is written under `dir`). Exported for the benchmark.
 */
export function bundleAliases(dir: string): Record<string, string> {
  return { ...BUNDLE_ALIASES, ...zodWithoutLocalesAliases(dir) };
}
/** The methods API Gateway routes: POST reaches the function, the others the 405 of `ANY /mcp`. */
const HTTP_METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export class McpServer extends Construct {
  public readonly serverName: string;
  public readonly network: WardenNetwork;
  public readonly vpc: ec2.IVpc;
  public readonly function: nodejs.NodejsFunction;
  public readonly functionRole: iam.Role;
  public readonly functionPolicy: iam.ManagedPolicy;
  public readonly functionSecurityGroup: ec2.SecurityGroup;
  /** The network's STS/KMS/Logs endpoint security group, the only one the function may reach besides DynamoDB. */
  public readonly endpointSecurityGroup: ec2.SecurityGroup;
  /** The network's execute-api endpoint, the only way into the API. */
  public readonly apiEndpoint: ec2.InterfaceVpcEndpoint;
  public readonly api: apigw.RestApi;
  public readonly agentStatusTable: dynamodb.ITable;
  public readonly rateLimitTable: dynamodb.Table;
  public readonly encryptionKey: kms.IKey;
  /**
   * This server's KMS HMAC key (HMAC_256). Its function derives the secrets every instance of
   * this server shares and no other server can compute (kms:GenerateMac of a fixed label, once
   * per instance; runtime/server-keys.ts): today the key that seals input_required `requestState`.
   * Derive another purpose with `ServerKeys.derive('<purpose>')`; the function may already.
   */
  public readonly serverKey: kms.Key;
  public readonly logGroup: logs.LogGroup;
  public readonly accessLogGroup: logs.LogGroup;
  /** The stage's execution log group (and the account role, if created here), unless execution logging is off. */
  public readonly executionLogs?: StageExecutionLogs;
  /** Agents the API admits: those granted at least one tool on this server. */
  public readonly agents: readonly string[];
  /** Whether the policies list the agents' role ARNs or match them by name pattern and tag. */
  public readonly callerAdmission: CallerAdmission;
  private readonly manifest: Manifest;

  constructor(scope: Construct, id: string, props: McpServerProps) {
    super(scope, id);
    const { manifest } = props;
    const { project, environment } = manifest;
    const model = new AccessModel(manifest);
    const spec = manifest.servers.find((s) => s.name === props.server);
    if (!spec) {
      throw new Error(`McpServer ${id}: server "${props.server}" is not in the manifest (servers: ${manifest.servers.map((s) => s.name).join(', ')}); use one of those names.`);
    }
    this.manifest = manifest;
    this.serverName = spec.name;
    this.agents = model.agentsOfServer(spec.name).map((a) => a.name);
    if (this.agents.length === 0) {
      throw new Error(`McpServer ${spec.name}: no agent is granted a tool on this server, so nobody could call it; grant one in the manifest (agents[].tools) or remove the server.`);
    }
    if (props.network && (props.vpc || props.vpcCidr || props.apiClients || props.dynamoDbPrefixListId)) {
      throw new Error(`McpServer ${spec.name}: pass either network or vpc/vpcCidr/apiClients/dynamoDbPrefixListId, not both; with a shared network, set those on the WardenNetwork.`);
    }
    const roleNames = this.agents.map((a) => agentRoleNames(project, environment, a));
    this.callerAdmission = props.callerAdmission ?? chooseCallerAdmission(roleNames.map((n) => n.caller), roleNames.map((n) => n.data));
    const stack = Stack.of(this);
    const ephemeral = isEphemeralEnvironment(environment);
    const removalPolicy = props.removalPolicy ?? defaultRemovalPolicy(environment);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    this.encryptionKey = props.encryptionKey ?? this.createKey(spec, removalPolicy);
    this.serverKey = this.createServerKey(spec, removalPolicy);

    // ---- network: shared (`network`), or one of its own (in `vpc`, or a new VPC)
    this.network =
      props.network ??
      new WardenNetwork(this, 'Network', {
        project,
        environment,
        vpc: props.vpc,
        dynamoDbPrefixListId: props.dynamoDbPrefixListId,
        vpcCidr: props.vpcCidr,
        apiClients: props.apiClients,
        encryptionKey: this.encryptionKey,
        logRetention: retention,
        removalPolicy,
      });
    this.vpc = this.network.vpc;
    const subnets = this.network.subnets;
    this.endpointSecurityGroup = this.network.endpointSecurityGroup;
    this.apiEndpoint = this.network.apiEndpoint;
    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: `mcp-warden ${spec.name}: MCP function, HTTPS to VPC endpoints only`,
      allowAllOutbound: false,
    });
    this.functionSecurityGroup.addEgressRule(this.endpointSecurityGroup, ec2.Port.tcp(443), 'HTTPS to interface endpoints');
    this.network.admitServer(this.functionSecurityGroup, `HTTPS from the MCP function of ${spec.name}`);
    // the regional DynamoDB prefix list (given, or found at deploy time by the network)
    this.functionSecurityGroup.addEgressRule(this.network.dynamoDbPeer, ec2.Port.tcp(443), 'HTTPS to DynamoDB through its gateway endpoint');

    // ---- tables
    this.agentStatusTable = props.agentStatusTable ?? this.createTable('AgentStatusTable', AGENT_STATUS_TABLE.partitionKey, removalPolicy, ephemeral);
    this.rateLimitTable = this.createTable('RateLimitTable', RATE_LIMIT_TABLE.partitionKey, removalPolicy, ephemeral, RATE_LIMIT_TABLE.ttlAttribute);
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      suppress(this.rateLimitTable, {
        rule: `${pack}-DynamoDBInBackupPlan`,
        reason: 'Holds only per-minute call counters that expire by TTL within minutes; restoring them would have no value, and point-in-time recovery is on regardless.',
      });
      if (!props.agentStatusTable) {
        suppress(this.agentStatusTable, {
          rule: `${pack}-DynamoDBInBackupPlan`,
          reason:
            'Point-in-time recovery keeps 35 days of continuous backups of the kill-switch flags, and every status change is also recorded by incident response; pass agentStatusTable to use a table in your backup plan.',
        });
      }
    }

    const datasetTableArns = model.datasetsOfServer(spec.name).map(
      (d) => d.tableArn ?? stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: datasetTableName(project, environment, d.name) }),
    );
    this.network.allowTables([this.agentStatusTable.tableArn, this.rateLimitTable.tableArn, ...datasetTableArns]);

    // ---- function role: assume the agents' data roles, read the kill switch, count calls
    this.functionRole = new iam.Role(this, 'FunctionRole', {
      roleName: serverFunctionRoleName(project, environment, spec.name),
      description: `mcp-warden ${project}-${environment}: MCP server ${spec.name}; acts for agents only through their data roles`,
      assumedBy: accountBoundServicePrincipal(this, 'lambda.amazonaws.com'),
      maxSessionDuration: Duration.hours(1),
      permissionsBoundary: props.permissionsBoundary ?? ServerRoleBoundary.of(this, { project, environment }).policy,
    });
    Tags.of(this.functionRole).add('warden:role', 'server');
    Tags.of(this.functionRole).add('warden:server', spec.name);
    const roleArn = (name: string) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name });
    const wardenRoles = wardenRoleNamePattern(project, environment);
    // Its sessions always say which server opened them: the data roles' trust requires this tag
    // to name this server, and their policies grant per server (AgentIdentity).
    const ownServerTag = { [`aws:RequestTag/${SESSION_TAG_SERVER}`]: spec.name };
    // ...and only from this function's own code: Lambda puts lambda:SourceFunctionArn on every call
    // made from the execution environment, so a function someone else created with this role
    // (iam:PassRole) or the role's credentials used outside Lambda cannot open an agent's session
    const functionArn = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: serverFunctionName(project, environment, spec.name), arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const fromOwnFunction = { ArnLike: { 'lambda:SourceFunctionArn': [functionArn, `${functionArn}:*`] } };
    const actAsItsAgents =
      this.callerAdmission === 'list'
        ? new iam.PolicyStatement({
            sid: 'ActAsItsAgents',
            actions: ['sts:AssumeRole', 'sts:TagSession'],
            resources: roleNames.map((n) => roleArn(n.data)),
            conditions: { StringEquals: ownServerTag, ...fromOwnFunction },
          })
        : new iam.PolicyStatement({
            sid: 'ActAsItsAgents',
            actions: ['sts:AssumeRole', 'sts:TagSession'],
            resources: [roleArn(`${wardenRoles}-data`)],
            conditions: { StringEquals: { ...ownServerTag, [`aws:ResourceTag/${serverAccessTag(spec.name)}`]: SERVER_ACCESS_TAG_VALUE }, ...fromOwnFunction },
          });
    // the kill switch may be encrypted with a key of its own (the shared table of the servers stack)
    const statusKey = this.agentStatusTable.encryptionKey;

    this.logGroup = new logs.LogGroup(this, 'FunctionLogs', { encryptionKey: this.encryptionKey, retention, removalPolicy });
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { encryptionKey: this.encryptionKey, retention, removalPolicy });

    this.functionPolicy = new iam.ManagedPolicy(this, 'FunctionPolicy', {
      description: `mcp-warden ${spec.name}: data roles of its agents, kill switch, rate limits, logs, traces`,
      roles: [this.functionRole],
      statements: [
        actAsItsAgents,
        new iam.PolicyStatement({ sid: 'ReadKillSwitch', actions: ['dynamodb:GetItem'], resources: [this.agentStatusTable.tableArn] }),
        ...(statusKey && statusKey !== this.encryptionKey
          ? [
              new iam.PolicyStatement({
                sid: 'DecryptKillSwitch',
                actions: ['kms:Decrypt'],
                resources: [statusKey.keyArn],
                // only for DynamoDB reading the table, never a direct Decrypt of other ciphertext
                conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` } },
              }),
            ]
          : []),
        new iam.PolicyStatement({ sid: 'CountCalls', actions: ['dynamodb:UpdateItem'], resources: [this.rateLimitTable.tableArn] }),
        new iam.PolicyStatement({ sid: 'UseTableAndLogKey', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [this.encryptionKey.keyArn] }),
        // derives its shared secrets (requestState); no VerifyMac, no other key, no other algorithm
        new iam.PolicyStatement({
          sid: 'DeriveServerSecrets',
          actions: ['kms:GenerateMac'],
          resources: [this.serverKey.keyArn],
          conditions: { StringEquals: { 'kms:MacAlgorithm': SERVER_KEY_MAC_ALGORITHM } },
        }),
        new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
        // X-Ray and the two Describe calls have no resource-level permissions (Service Authorization Reference).
        new iam.PolicyStatement({ sid: 'Traces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'FindNetworkInterfaces', actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
        // Lambda manages the function's ENIs with this role: EC2 resources of this account and region
        // only (the form the Lambda guide gives for DeleteNetworkInterface; Lambda checks Create on
        // network-interface/* before it attaches the function to the VPC)
        new iam.PolicyStatement({
          sid: 'ManageNetworkInterfaces',
          actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: [stack.formatArn({ service: 'ec2', resource: '*', resourceName: '*' })],
        }),
      ],
    });
    // guard.injection.engine: bedrock-guardrails — the endpoint (no internet route here) and the one guardrail
    const injection = injectionSettings(manifest.guard);
    if (injection.engine === 'bedrock-guardrails' && injection.bedrock) {
      this.network.bedrockRuntimeEndpoint();
      const id = injection.bedrock.guardrailId;
      const guardrailArn = id.startsWith('arn:') ? id : stack.formatArn({ service: 'bedrock', resource: 'guardrail', resourceName: id });
      this.functionPolicy.addStatements(new iam.PolicyStatement({ sid: 'ScreenArguments', actions: ['bedrock:ApplyGuardrail'], resources: [guardrailArn] }));
    }
    suppress(this.functionPolicy, {
      rule: 'AwsSolutions-IAM5',
      reason:
        'X-Ray trace submission, ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets accept only Resource "*" (Service Authorization Reference); the ENI actions Lambda takes with this role are limited to EC2 resources of this account and region, as the Lambda guide requires (it checks them on network-interface/* before attaching the function); no data or identity action is wildcarded.',
      appliesTo: ['Resource::*', 'Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:*/*'],
    });
    if (this.callerAdmission === 'tag') {
      suppress(this.functionPolicy, {
        rule: 'AwsSolutions-IAM5',
        reason:
          `This server admits too many agents to list their data roles within IAM's 6,144-character policy limit; it may assume only roles named ${wardenRoles}-data that carry the tag ${serverAccessTag(spec.name)}=${SERVER_ACCESS_TAG_VALUE}, which AgentIdentity puts on exactly the data roles of this server's agents, and each data role's trust names this function role.`,
        appliesTo: [`Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${wardenRoles}-data`],
      });
    }

    // ---- function
    const throttlingRateLimit = props.throttlingRateLimit ?? 50;
    const toolModule = isAbsolute(spec.entry) ? spec.entry : resolve(props.manifestDir, spec.entry);
    const extraPolicies = readTeamPolicies(manifest, props.manifestDir);
    // NodejsFunction bundles entries under the project root only (the folder of cdk.json and the lockfile)
    const entryDir = join(process.cwd(), 'node_modules', '.cache', 'mcp-warden', `${Names.uniqueId(Stack.of(this))}-${Names.uniqueId(this)}`);
    // Cedar's every decision for this server, so the Lambda answers without loading cedar-wasm
    const decisions = precomputeDecisions(manifest, { server: spec.name, extraPolicies });
    const entry = writeHandlerEntry(entryDir, { manifest, server: spec.name, toolModule, extraPolicies, decisions });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      // named, so the trail's data events and metric filters can find it from another stack
      functionName: serverFunctionName(project, environment, spec.name),
      entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memorySize ?? 512,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 29),
      // reserved: the server cannot take the account's unreserved pool, and no other function can take its share
      reservedConcurrentExecutions: spec.reservedConcurrency ?? props.reservedConcurrency ?? throttlingRateLimit,
      tracing: lambda.Tracing.ACTIVE,
      role: this.functionRole.withoutPolicyUpdates(),
      vpc: this.vpc,
      vpcSubnets: subnets,
      securityGroups: [this.functionSecurityGroup],
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      description: `mcp-warden ${project}-${environment}: MCP server ${spec.name}`,
      environment: {
        [RUNTIME_ENV.server]: spec.name,
        [RUNTIME_ENV.agentStatusTable]: this.agentStatusTable.tableName,
        [RUNTIME_ENV.rateLimitTable]: this.rateLimitTable.tableName,
        [RUNTIME_ENV.dataRoleArnPrefix]: stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '' }),
        [RUNTIME_ENV.serverKey]: this.serverKey.keyArn,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: true,
        // Source maps stay so that logged stack traces (NODE_OPTIONS --enable-source-maps) name
        // the TypeScript file and line, which is what an on-call engineer needs. The sources' full
        // text inside the map does not help there (the code is in the repository) and made the
        // map 2.8 MB instead of 1.0 MB, uploaded, stored and unzipped on every cold start.
        sourceMap: true,
        sourcesContent: false,
        target: 'node24',
        // the Node.js 24 runtime ships AWS SDK v3; @smithy/* too (feature flag sdkV3ExcludeSmithyPackages)
        externalModules: ['@aws-sdk/*', '@smithy/*'],
        esbuildArgs: Object.fromEntries(Object.entries(bundleAliases(entryDir)).map(([from, to]) => [`--alias:${from}`, to])),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // cedar-wasm loads its WebAssembly from next to the module: ship it next to the bundle.
          // Resolved from this package, as esbuild resolves the JS: a project with another
          // cedar-wasm version at its top level must not get that version's .wasm.
          afterBundling: (_inputDir: string, outputDir: string) => [`cp "${CEDAR_WASM}" "${outputDir}/cedar_wasm_bg.wasm"`],
        },
      },
    });
    this.function.node.addDependency(this.functionPolicy);
    Tags.of(this.function).add('warden:server', spec.name);
    suppress(this.function, {
      rule: 'NIST.800.53.R5-LambdaDLQ',
      reason: 'Invoked only synchronously by API Gateway: a failed call is returned to the agent and audited, there is no asynchronous event to park in a dead-letter queue.',
    });
    suppress(this.function, {
      rule: 'Serverless-LambdaDLQ',
      reason: 'Invoked only synchronously by API Gateway: a failed call is returned to the agent and audited, there is no asynchronous event to park in a dead-letter queue.',
    });
    suppress(this.function, {
      rule: 'HIPAA.Security-LambdaDLQ',
      reason: 'Invoked only synchronously by API Gateway: a failed call is returned to the agent and audited, there is no asynchronous event to park in a dead-letter queue.',
    });

    // ---- API
    const executionLogging = props.executionLogging ?? 'create';
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: serverApiName(project, environment, spec.name),
      description: `mcp-warden ${project}-${environment}: MCP server ${spec.name} (private, IAM auth)`,
      endpointConfiguration: { types: [apigw.EndpointType.PRIVATE], vpcEndpoints: [this.apiEndpoint, ...(props.additionalApiEndpoints ?? [])] },
      policy: this.resourcePolicy(stack, [this.apiEndpoint, ...(props.additionalApiEndpoints ?? [])]),
      cloudWatchRole: false,
      deploy: true,
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: accessLogFormat(),
        tracingEnabled: true,
        throttlingRateLimit,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
        metricsEnabled: true,
        // errors only; bodies never (they hold agents' arguments and unredacted tool results)
        ...(executionLogging === 'off' ? {} : { loggingLevel: apigw.MethodLoggingLevel.ERROR }),
        dataTraceEnabled: false,
      },
      disableExecuteApiEndpoint: false,
    });
    Tags.of(this.api).add('warden:server', spec.name);
    if (executionLogging !== 'off') {
      this.executionLogs = new StageExecutionLogs(this, 'ExecutionLogs', { api: this.api, stageName: STAGE_NAME, logging: executionLogging, encryptionKey: this.encryptionKey, retention, removalPolicy });
    }
    const messageModel = this.api.addModel('JsonRpcMessage', {
      contentType: 'application/json',
      modelName: 'JsonRpcMessage',
      schema: {
        schema: apigw.JsonSchemaVersion.DRAFT4,
        type: apigw.JsonSchemaType.OBJECT,
        required: ['jsonrpc'],
        properties: { jsonrpc: { type: apigw.JsonSchemaType.STRING, enum: ['2.0'] }, method: { type: apigw.JsonSchemaType.STRING, maxLength: 128 } },
      },
    });
    const validator = this.api.addRequestValidator('BodyValidator', { validateRequestBody: true, validateRequestParameters: true });
    // The model refuses a body that is not a JSON-RPC 2.0 object before the Lambda runs (no
    // invocation billed for it); its refusal is a JSON-RPC error like every edge answer.
    const mcp = this.api.root.addResource(MCP_PATH);
    mcp.addMethod('POST', new apigw.LambdaIntegration(this.function, {
      proxy: true,
      // no console test-invoke permission: a test invoke skips IAM auth and the resource policy,
      // so the only way to the function is a signed request through the endpoint
      allowTestInvoke: false,
    }), {
      authorizationType: apigw.AuthorizationType.IAM,
      requestValidator: validator,
      requestModels: { 'application/json': messageModel },
    });
    addMethodNotAllowed(mcp);
    // the server id its callers bind their caller proofs to (lib/caller-proof): the REST API id,
    // which the agents' client reads from the URL it calls
    this.function.addEnvironment(RUNTIME_ENV.serverId, this.api.restApiId);
    addJsonRpcGatewayResponses(this.api);
    this.suppressApiFindings(executionLogging);
  }

  /** The URL agents connect to (`SigV4StreamableHTTPClientTransport(new URL(url))`). */
  public get mcpUrl(): string {
    return this.api.urlForPath(`/${MCP_PATH}`);
  }

  /** The execute-api ARN of `POST /mcp` on this server's stage: the only method that reaches the function. */
  public get invokeArn(): string {
    return this.api.arnForExecuteApi('POST', `/${MCP_PATH}`, STAGE_NAME);
  }

  /**
   * The execute-api ARNs of every HTTP method of `/mcp` on this server's stage: what agents may
   * invoke (POST reaches the function; the others get the JSON-RPC 405 without it). Named one by
   * one rather than `*`, so identity policies hold no wildcard.
   */
  public get mcpRouteArns(): string[] {
    return HTTP_METHODS.map((method) => this.api.arnForExecuteApi(method, `/${MCP_PATH}`, STAGE_NAME));
  }

  /** Lets `grantee` call `/mcp` (the resource policy must admit it too: only the manifest's agents). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns: this.mcpRouteArns });
  }

  /**
   * Grants every admitted agent's caller role `execute-api:Invoke` on exactly `/mcp` of this
   * API (POST, and the 405 of the other methods), in one managed policy of this stack attached to the roles by name. The roles live in
   * other stacks (AgentIdentity), which must deploy first; nothing here references them, so
   * there is no cross-stack export and no dependency cycle. One policy per server keeps 1,000
   * agents at one resource (a policy may be attached to any number of roles).
   */
  public grantInvokeToAgents(): iam.ManagedPolicy {
    const { project, environment } = this.manifest;
    const existing = this.node.tryFindChild('CallerInvokePolicy');
    if (existing instanceof iam.ManagedPolicy) return existing;
    return new iam.ManagedPolicy(this, 'CallerInvokePolicy', {
      description: `mcp-warden ${project}-${environment}: its agents' caller roles may call /mcp of MCP server ${this.serverName}`,
      statements: [new iam.PolicyStatement({ sid: 'CallThisServer', actions: ['execute-api:Invoke'], resources: this.mcpRouteArns })],
      roles: this.agents.map((a, i) => iam.Role.fromRoleName(this, `Caller${i}`, agentRoleNames(project, environment, a).caller)),
    });
  }

  /** A metric the guard emits (EMF, namespace `McpWarden`), for one agent or summed over this server's agents. */
  public metric(name: ServerMetricName, options: ServerMetricOptions = {}): cloudwatch.IMetric {
    return serverMetric(this.agents, name, options);
  }
  public metricCalls(options: ServerMetricOptions = {}): cloudwatch.IMetric {
    return this.metric('Calls', options);
  }
  public metricDenied(options: ServerMetricOptions = {}): cloudwatch.IMetric {
    return this.metric('Denied', options);
  }
  public metricRateLimited(options: ServerMetricOptions = {}): cloudwatch.IMetric {
    return this.metric('RateLimited', options);
  }
  public metricInjectionFlagged(options: ServerMetricOptions = {}): cloudwatch.IMetric {
    return this.metric('InjectionFlagged', options);
  }
  public metricRedactions(options: ServerMetricOptions = {}): cloudwatch.IMetric {
    return this.metric('Redactions', options);
  }
  public metricLatency(options: ServerMetricOptions = {}): cloudwatch.IMetric {
    return this.metric('Latency', options);
  }
  /** Tool and runtime errors the guard counted. */
  public metricErrors(options: ServerMetricOptions = {}): cloudwatch.IMetric {
    return this.metric('Errors', options);
  }
  /** Lambda's own error count (crashes, timeouts). */
  public metricFunctionErrors(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.function.metricErrors(options);
  }
  /** API Gateway 4XX responses (refused signatures and resource-policy denials show up here). */
  public metricApiClientErrors(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.api.metricClientError(options);
  }

  /** The resource policy of caller-admission.ts: its agents only, only through the endpoint(s), everyone else denied. */
  private resourcePolicy(stack: Stack, endpoints: readonly ec2.IInterfaceVpcEndpoint[]): iam.PolicyDocument {
    const { project, environment } = this.manifest;
    const roleArn = (name: string) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name });
    return apiResourcePolicy({
      admission: this.callerAdmission,
      callerRoleArns: this.agents.map((a) => roleArn(agentRoleNames(project, environment, a).caller)),
      callerRolePattern: roleArn(`${wardenRoleNamePattern(project, environment)}-caller`),
      serverTag: { key: serverAccessTag(this.serverName), value: SERVER_ACCESS_TAG_VALUE },
      endpointIds: endpoints.map((e) => e.vpcEndpointId),
      route: `execute-api:/${STAGE_NAME}/*/${MCP_PATH}`,
    });
  }

  private createKey(spec: ServerSpec, removalPolicy: RemovalPolicy): kms.Key {
    // CloudWatch Logs encrypts this server's log groups (and only log groups of this account/region)
    return logEncryptionKey(this, 'Key', { description: `mcp-warden ${this.manifest.project}-${this.manifest.environment}: logs and tables of MCP server ${spec.name}`, removalPolicy });
  }

  /**
   * HMAC keys cannot rotate automatically (KMS rotates symmetric encryption keys only; cdk-nag's
   * rotation rules apply to those alone). A derived secret only seals state that expires in
   * minutes, so replacing the key (a new logical id) rotates it, at the cost of the
   * input_required rounds in flight at that moment.
   */
  private createServerKey(spec: ServerSpec, removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'ServerKey', {
      description: `mcp-warden ${this.manifest.project}-${this.manifest.environment}: secrets shared by the instances of MCP server ${spec.name} (requestState)`,
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy,
    });
    return key;
  }

  private createTable(id: string, partitionKey: string, removalPolicy: RemovalPolicy, ephemeral: boolean, ttl?: string): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !ephemeral,
      timeToLiveAttribute: ttl,
      removalPolicy,
    });
  }

  private suppressApiFindings(executionLogging: ExecutionLogging): void {
    const stage = this.api.deploymentStage;
    for (const verb of ['POST', 'ANY']) {
      suppress(this.api.root.getResource(MCP_PATH)!.node.findChild(verb), {
        rule: 'AwsSolutions-COG4',
        reason: 'Agents are AWS workloads authenticated with SigV4 (AWS_IAM authorization) and admitted by role in the resource policy; Cognito user pools are for human users.',
      });
    }
    const waf = 'Private API reachable only through the VPC endpoint by the caller roles named in the resource policy; abuse is bounded by stage throttling, per-agent rate limits and argument screening in the guard.';
    suppress(stage, { rule: 'AwsSolutions-APIG3', reason: waf });
    const executionLogs =
      "Execution logging was turned off (executionLogging: 'off'); every request is still access-logged (caller ARN, status, latency, integration and authorization errors) to a KMS-encrypted log group and the function writes an audit event per call.";
    if (executionLogging === 'off') suppress(stage, { rule: 'AwsSolutions-APIG6', reason: executionLogs });
    for (const pack of ['NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security']) {
      if (executionLogging === 'off') suppress(stage, { rule: `${pack}-APIGWExecutionLoggingEnabled`, reason: executionLogs });
      suppress(stage, {
        rule: `${pack}-APIGWCacheEnabledAndEncrypted`,
        reason: 'MCP responses are per agent and per call (and may carry redacted data); caching them could serve one agent another agent\'s result, so caching stays off.',
      });
      suppress(stage, {
        rule: `${pack}-APIGWSSLEnabled`,
        reason: 'Client certificates authenticate API Gateway to HTTP backends; this API integrates with Lambda directly over the AWS API, so there is no backend TLS endpoint to present one to.',
      });
    }
    for (const pack of ['NIST.800.53.R5', 'PCI.DSS.321']) suppress(stage, { rule: `${pack}-APIGWAssociatedWithWAF`, reason: waf });
  }
}

export type { ServerMetricName, ServerMetricOptions };
