import { resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AgentStatusTable, McpServer } from '../../../constructs/mcp-server';
import { shopManifest } from './shop-manifest';

const ROOT = resolve(__dirname, '../../..');
const manifest = shopManifest();

function synth(server = 'commerce') {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Servers', { env: { account: '123456789012', region: 'eu-west-1' } });
  const mcp = new McpServer(stack, 'Server', { manifest, server, manifestDir: ROOT });
  return { stack, mcp, template: Template.fromStack(stack) };
}

describe('McpServer', () => {
  const { mcp, template, stack } = synth('commerce');
  const resolveJson = (v: unknown) => JSON.stringify(stack.resolve(v));

  it('builds a VPC of isolated subnets only: no NAT gateway, no internet gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    expect(mcp.vpc.isolatedSubnets).toHaveLength(2);
    expect(mcp.vpc.publicSubnets).toHaveLength(0);
    expect(mcp.vpc.privateSubnets).toHaveLength(0);
  });

  it('logs all VPC traffic to a KMS-encrypted log group', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
  });

  it('runs the function on Node.js 24, ARM, traced, in the isolated subnets with the endpoint-only security group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 512,
      Timeout: 29,
      VpcConfig: {
        SubnetIds: mcp.vpc.isolatedSubnets.map((s) => stack.resolve(s.subnetId)),
        SecurityGroupIds: [stack.resolve(mcp.functionSecurityGroup.securityGroupId)],
      },
    });
  });

  it('lets the function send only HTTPS, to the endpoints security group and the DynamoDB prefix list', () => {
    const sg = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('MCP function') } });
    const [props] = Object.values(sg).map((r) => r.Properties);
    const egress = [...(props.SecurityGroupEgress ?? [])];
    const separate = template.findResources('AWS::EC2::SecurityGroupEgress');
    egress.push(...Object.values(separate).map((r) => r.Properties));
    expect(egress.length).toBe(2);
    for (const rule of egress) expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
    expect(egress.some((r) => JSON.stringify(r.DestinationSecurityGroupId ?? '') === resolveJson(mcp.endpointSecurityGroup.securityGroupId))).toBe(true);
    expect(egress.some((r) => JSON.stringify(r.DestinationPrefixListId ?? '') === resolveJson(mcp.network.dynamoDbPrefixList!.prefixListId))).toBe(true);
    expect(JSON.stringify(egress)).not.toContain('0.0.0.0/0');
  });

  it('creates private-DNS interface endpoints for execute-api, STS, KMS and CloudWatch Logs', () => {
    for (const service of ['execute-api', 'sts', 'kms', 'logs']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        ServiceName: Match.stringLikeRegexp(`\\.${service}$`),
      });
    }
  });

  it('limits the DynamoDB gateway endpoint to warden tables', () => {
    const endpoints = template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } });
    const dynamo = Object.values(endpoints).find((e) => JSON.stringify(e.Properties.ServiceName).includes('dynamodb'))!;
    const text = JSON.stringify(dynamo.Properties.PolicyDocument);
    for (const table of ['shop-prod-catalog', 'shop-prod-inventory', 'shop-prod-orders', 'shop-prod-customers']) expect(text).toContain(`table/${table}`);
    expect(text).not.toContain('shop-prod-payments'); // not a dataset of the commerce server
    expect(text).not.toMatch(/"Resource":"\*"/);
  });

  it('has no S3 endpoint: nothing in the VPC uses S3, so none is a way out', () => {
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoints.filter((e) => JSON.stringify(e.Properties.ServiceName).includes('.s3'))).toEqual([]);
  });

  it('serves a PRIVATE REST API tagged with the server name', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: [stack.resolve(mcp.apiEndpoint.vpcEndpointId)] },
      Tags: Match.arrayWith([{ Key: 'warden:server', Value: 'commerce' }]),
    });
  });

  it('has one resource, /mcp: POST to the function with AWS_IAM auth and request validation, ANY to the 405 mock', () => {
    template.resourceCountIs('AWS::ApiGateway::Resource', 1);
    template.resourceCountIs('AWS::ApiGateway::Method', 2);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      RequestValidatorId: Match.anyValue(),
      Integration: { Type: 'AWS_PROXY', Uri: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'ANY', AuthorizationType: 'AWS_IAM', Integration: Match.objectLike({ Type: 'MOCK' }) });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'mcp' });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
  });

  it("admits only the commerce agents' caller roles, only through the VPC endpoint, and denies everything else not from it", () => {
    const [api] = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
    const statements = api!.Properties.Policy.Statement as Array<Record<string, any>>;
    const allow = statements.find((s) => s.Effect === 'Allow')!;
    const deny = statements.find((s) => s.Effect === 'Deny')!;
    const principals = JSON.stringify(allow.Principal.AWS);
    for (const agent of ['inventory-agent', 'pricing-agent', 'support-agent', 'fraud-agent']) expect(principals).toContain(`role/shop-prod-${agent}-caller`);
    expect(allow).toMatchObject({ Action: 'execute-api:Invoke', Resource: 'execute-api:/v1/*/mcp' });
    expect(allow.Condition).toEqual({ StringEquals: { 'aws:SourceVpce': [stack.resolve(mcp.apiEndpoint.vpcEndpointId)] } });
    expect(deny).toMatchObject({ Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' });
    expect(deny.Condition).toEqual({ StringNotEquals: { 'aws:SourceVpce': [stack.resolve(mcp.apiEndpoint.vpcEndpointId)] } });
  });

  it('denies execute-api:Invoke to every principal that is not one of its caller roles, with or without the endpoint', () => {
    const [api] = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
    const statements = api!.Properties.Policy.Statement as Array<Record<string, any>>;
    const others = statements.find((s) => s.Sid === 'NobodyButItsAgents')!;
    expect(others).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' });
    // the same ARNs the Allow names, so an identity policy of any other principal (admin, CI) cannot reach the API
    const allow = statements.find((s) => s.Effect === 'Allow')!;
    expect(others.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual(allow.Principal.AWS);
    expect(others.Condition.ArnNotEquals['aws:PrincipalArn']).toHaveLength(4);
  });

  it('gives API Gateway no test-invoke permission on the function: only the deployed stage may invoke it', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => JSON.stringify(p.Properties.SourceArn));
    expect(permissions).toEqual([resolveJson(mcp.api.arnForExecuteApi('POST', '/mcp', mcp.api.deploymentStage.stageName))]);
    expect(permissions.filter((arn) => arn.includes('test-invoke-stage'))).toEqual([]);
  });

  it('access-logs one JSON object per request with caller ARN, latency, integration status and error fields', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    const format = stage!.Properties.AccessLogSetting.Format as string;
    // every $context variable becomes a string: the line parses as JSON whatever API Gateway substitutes
    const line = JSON.parse(format.replace(/\$context\.[A-Za-z.]+/g, '-'));
    expect(Object.keys(line)).toEqual(expect.arrayContaining(['requestId', 'callerArn', 'status', 'responseLatencyMs', 'integrationLatencyMs', 'integrationStatus', 'integrationError', 'authenticateError', 'authorizeError', 'errorResponseType', 'errorMessage', 'sourceIp', 'vpceId']));
    expect(format).toContain('"callerArn":"$context.identity.userArn"');
    expect(format).toContain('"integrationStatus":"$context.integration.status"');
    expect(format).toContain('"errorMessage":"$context.error.message"');
  });

  it('admits on the payments server only the agent granted a payments tool', () => {
    const payments = synth('payments');
    expect(payments.mcp.agents).toEqual(['fraud-agent']);
    const [api] = Object.values(payments.template.findResources('AWS::ApiGateway::RestApi'));
    const allow = (api!.Properties.Policy.Statement as Array<Record<string, any>>).find((s) => s.Effect === 'Allow')!;
    expect(JSON.stringify(allow.Principal)).toContain('shop-prod-fraud-agent-caller');
    expect(JSON.stringify(allow.Principal)).not.toMatch(/inventory-agent|support-agent|pricing-agent/);
  });

  it('access-logs the stage to an encrypted log group and throttles it', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      AccessLogSetting: { DestinationArn: stack.resolve(mcp.accessLogGroup.logGroupArn), Format: Match.stringLikeRegexp('caller') },
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
  });

  it('writes execution logs (errors, never bodies) to a stage log group it creates encrypted and kept, before the stage logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false })]),
    });
    const group = mcp.executionLogs!.logGroup;
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', stack.resolve(mcp.api.restApiId), '/v1']] },
      KmsKeyId: stack.resolve(mcp.encryptionKey.keyArn),
      RetentionInDays: 365,
    });
    const stage = template.findResources('AWS::ApiGateway::Stage');
    const [stageProps] = Object.values(stage);
    const account = mcp.executionLogs!.accountRole!.account;
    expect(stageProps!.DependsOn).toEqual(expect.arrayContaining([stack.getLogicalId(group.node.defaultChild as any), stack.getLogicalId(account)]));
  });

  it("sets the account's API Gateway CloudWatch role once, allowed to write only API Gateway's log groups", () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    const role = mcp.executionLogs!.accountRole!;
    template.hasResourceProperties('AWS::ApiGateway::Account', { CloudWatchRoleArn: stack.resolve(role.role.roleArn) });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' }, Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } } })] },
      ManagedPolicyArns: Match.absent(),
    });
    const doc = JSON.stringify(stack.resolve(role.policy.document));
    expect(doc).toContain('log-group:API-Gateway-Execution-Logs_*');
    expect(doc).not.toMatch(/"Resource":"\*"/);
    expect(doc).not.toMatch(/logs:\*/);
    // a second server in the same stack reuses it
    const s2 = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Two', { env: { account: '123456789012', region: 'eu-west-1' } });
    const first = new McpServer(s2, 'First', { manifest, server: 'commerce', manifestDir: ROOT });
    const second = new McpServer(s2, 'Second', { manifest, server: 'payments', manifestDir: ROOT, network: first.network, agentStatusTable: first.agentStatusTable });
    expect(second.executionLogs!.accountRole).toBe(first.executionLogs!.accountRole);
    Template.fromStack(s2).resourceCountIs('AWS::ApiGateway::Account', 1);
  });

  it("relies on the account's role with executionLogging 'existing', and logs nothing with 'off'", () => {
    for (const executionLogging of ['existing', 'off'] as const) {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const s = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
      const server = new McpServer(s, 'Server', { manifest, server: 'payments', manifestDir: ROOT, executionLogging });
      const t = Template.fromStack(s);
      t.resourceCountIs('AWS::ApiGateway::Account', 0);
      const settings = JSON.stringify(Object.values(t.findResources('AWS::ApiGateway::Stage'))[0]!.Properties.MethodSettings);
      if (executionLogging === 'existing') {
        expect(settings).toContain('"LoggingLevel":"ERROR"');
        expect(server.executionLogs!.accountRole).toBeUndefined();
      } else {
        expect(settings).not.toContain('LoggingLevel');
        expect(server.executionLogs).toBeUndefined();
      }
    }
  });

  it('reserves concurrency for the function: the stage rate limit by default, the manifest value when set', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'shop-prod-commerce-mcp', ReservedConcurrentExecutions: 50 });
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const s = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const sized = { ...manifest, servers: manifest.servers.map((srv) => (srv.name === 'payments' ? { ...srv, reservedConcurrency: 7 } : srv)) };
    new McpServer(s, 'Server', { manifest: sized, server: 'payments', manifestDir: ROOT, throttlingRateLimit: 20 });
    Template.fromStack(s).hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'shop-prod-payments-mcp', ReservedConcurrentExecutions: 7 });
    const t = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'T', { env: { account: '123456789012', region: 'eu-west-1' } });
    new McpServer(t, 'Server', { manifest, server: 'payments', manifestDir: ROOT, throttlingRateLimit: 20 });
    Template.fromStack(t).hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'shop-prod-payments-mcp', ReservedConcurrentExecutions: 20 });
  });

  it('lets Lambda manage the function ENIs on EC2 resources of this account and region only; only the Describe calls and X-Ray on "*"', () => {
    const statements = stack.resolve(mcp.functionPolicy.document.toJSON()).Statement as Array<Record<string, any>>;
    const star = statements.filter((st) => st.Resource === '*').flatMap((st) => [st.Action].flat()).sort();
    expect(star).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expect(statements.find((st) => st.Sid === 'ManageNetworkInterfaces')).toEqual({
      Sid: 'ManageNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:123456789012:*/*']] },
    });
  });

  it("lets the function role assume exactly its agents' data roles, with session tags", () => {
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).find((p) => JSON.stringify(p.Properties.Description).includes('data roles of its agents'))!;
    const statement = (policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>).find((s) => s.Sid === 'ActAsItsAgents')!;
    expect(statement.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    const resources = JSON.stringify(statement.Resource);
    expect(statement.Resource).toHaveLength(4);
    for (const agent of ['inventory-agent', 'pricing-agent', 'support-agent', 'fraud-agent']) expect(resources).toContain(`role/shop-prod-${agent}-data`);
  });

  it("lets the function role assume its agents' data roles only from its own function (lambda:SourceFunctionArn), not from a function someone passed the role to", () => {
    const statement = (stack.resolve(mcp.functionPolicy.document.toJSON()) as { Statement: Array<Record<string, any>> }).Statement.find((s) => s.Sid === 'ActAsItsAgents')!;
    const fn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:eu-west-1:123456789012:function:shop-prod-commerce-mcp']] };
    expect(statement.Condition.ArnLike).toEqual({ 'lambda:SourceFunctionArn': [fn, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:eu-west-1:123456789012:function:shop-prod-commerce-mcp:*']] }] });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'shop-prod-commerce-mcp' });
  });

  it('gives the function role no access to any dataset table', () => {
    const documents = JSON.stringify([
      ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map((p) => p.Properties.PolicyDocument),
      ...Object.values(template.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument),
    ]);
    for (const dataset of manifest.datasets) expect(documents).not.toContain(`table/shop-prod-${dataset.name}`);
    template.resourceCountIs('AWS::IAM::Policy', 0); // no inline policies at all
  });

  it('reads the kill switch and counts calls, nothing more on its own tables', () => {
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).find((p) => JSON.stringify(p.Properties.Description).includes('data roles of its agents'))!;
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>;
    expect(statements.find((s) => s.Sid === 'ReadKillSwitch')).toMatchObject({ Action: 'dynamodb:GetItem', Resource: stack.resolve(mcp.agentStatusTable.tableArn) });
    expect(statements.find((s) => s.Sid === 'CountCalls')).toMatchObject({ Action: 'dynamodb:UpdateItem', Resource: stack.resolve(mcp.rateLimitTable.tableArn) });
  });

  it('names the function role as agent data roles trust it, with the warden boundary and tags', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'shop-prod-commerce-server',
      PermissionsBoundary: Match.anyValue(),
      MaxSessionDuration: 3600,
      Tags: Match.arrayWith([{ Key: 'warden:role', Value: 'server' }]),
    });
  });

  it('encrypts the kill-switch and rate-limit tables with a rotating CMK and keeps point-in-time recovery', () => {
    template.allResourcesProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('passes table names and the server to the function in small environment variables', () => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }));
    const variables = fn!.Properties.Environment.Variables;
    expect(variables.WARDEN_SERVER).toBe('commerce');
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['WARDEN_AGENT_STATUS_TABLE', 'WARDEN_RATE_LIMIT_TABLE', 'WARDEN_DATA_ROLE_ARN_PREFIX']));
    expect(JSON.stringify(variables).length).toBeLessThan(4096);
  });

  it('tells the function its REST API id, the server id its callers bind their caller proofs to', () => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }));
    expect(fn!.Properties.Environment.Variables.WARDEN_SERVER_ID).toEqual(stack.resolve(mcp.api.restApiId));
  });

  it('lets callers\' presigned GetCallerIdentity through the STS endpoint, for principals of this account only', () => {
    const endpoint = template.toJSON().Resources[stack.getLogicalId(mcp.network.stsEndpoint.node.defaultChild as never)];
    const proofs = (endpoint!.Properties.PolicyDocument.Statement as Array<Record<string, any>>).filter((st) => st.Action === 'sts:GetCallerIdentity');
    expect(proofs).toEqual([{ Sid: 'WhoAmIOfThisAccount', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:GetCallerIdentity', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } } }]);
  });

  it('offers per-agent and whole-server metrics in the McpWarden namespace', () => {
    const metric = mcp.metricDenied({ agent: 'support-agent' }).toMetricConfig().metricStat!;
    expect(metric).toMatchObject({ namespace: 'McpWarden', metricName: 'Denied', dimensions: [{ name: 'Agent', value: 'support-agent' }] });
    const all = mcp.metricCalls().toMetricConfig().mathExpression!;
    expect(all.expression).toMatch(/^SUM\(\[a0, a1, a2, a3\]\)$/);
    expect(() => mcp.metricCalls({ agent: 'nobody' })).toThrow(/has no tool on this server/);
  });

  it('refuses a server the manifest does not declare, naming the ones it does', () => {
    const stack2 = new Stack(new App(), 'Other');
    expect(() => new McpServer(stack2, 'X', { manifest, server: 'billing', manifestDir: ROOT })).toThrow(/server "billing" is not in the manifest \(servers: commerce, payments\)/);
  });

  it('grants invoke on /mcp of stage v1 only (POST, and the 405 of the other methods)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const s = new Stack(app, 'G', { env: { account: '123456789012', region: 'eu-west-1' } });
    const server = new McpServer(s, 'Server', { manifest, server: 'payments', manifestDir: ROOT });
    const { Role, AccountPrincipal } = jest.requireActual('aws-cdk-lib/aws-iam');
    const role = new Role(s, 'Tester', { assumedBy: new AccountPrincipal('123456789012') });
    server.grantInvoke(role);
    const [policy] = Object.values(Template.fromStack(s).findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument.Statement);
    expect(policy).toEqual([expect.objectContaining({ Action: 'execute-api:Invoke', Resource: s.resolve(server.mcpRouteArns) })]);
    const routes = server.mcpRouteArns.map((arn) => JSON.stringify(s.resolve(arn)).match(/\/v1\/([A-Z]+)\/mcp"/)?.[1]);
    expect(routes.sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
  });
});

describe('McpServer policies by pattern and tag', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Tagged', { env: { account: '123456789012', region: 'eu-west-1' } });
  const mcp = new McpServer(stack, 'Server', { manifest, server: 'commerce', manifestDir: ROOT, callerAdmission: 'tag' });
  const template = Template.fromStack(stack);

  it('admits only caller roles of this project named by pattern and tagged for this server, through the endpoint', () => {
    const [api] = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
    const allow = (api!.Properties.Policy.Statement as Array<Record<string, any>>).find((s) => s.Effect === 'Allow')!;
    expect(allow.Principal).toEqual({ AWS: '*' });
    expect(allow.Condition.StringEquals).toEqual({ 'aws:SourceVpce': [stack.resolve(mcp.apiEndpoint.vpcEndpointId)], 'aws:PrincipalTag/warden:server-commerce': 'allowed' });
    expect(allow.Condition.ArnLike).toEqual({ 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:role/shop-prod-*-caller']] } });
  });

  it('denies every principal outside the caller-role pattern, and every one without this server\'s tag', () => {
    const [api] = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
    const statements = api!.Properties.Policy.Statement as Array<Record<string, any>>;
    const pattern = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:role/shop-prod-*-caller']] };
    expect(statements.find((s) => s.Sid === 'NobodyButCallerRoles')).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Resource: 'execute-api:/*', Condition: { ArnNotLike: { 'aws:PrincipalArn': pattern } } });
    expect(statements.find((s) => s.Sid === 'NobodyButItsAgents')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Resource: 'execute-api:/*',
      Condition: { StringNotEquals: { 'aws:PrincipalTag/warden:server-commerce': 'allowed' } },
    });
  });

  it('assumes only data roles of this project tagged for this server', () => {
    const statement = (mcp.functionPolicy.document.toJSON() as { Statement: Array<Record<string, any>> }).Statement.find((s) => s.Sid === 'ActAsItsAgents')!;
    expect(stack.resolve(statement.Resource)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:role/shop-prod-*-data']] });
    expect(stack.resolve(statement.Condition)).toEqual({
      StringEquals: { 'aws:RequestTag/warden:server': 'commerce', 'aws:ResourceTag/warden:server-commerce': 'allowed' },
      ArnLike: { 'lambda:SourceFunctionArn': expect.arrayContaining([expect.objectContaining({ 'Fn::Join': expect.anything() })]) },
    });
  });

  it('lists role ARNs by default while they fit', () => {
    expect(synth('commerce').mcp.callerAdmission).toBe('list');
  });
});

describe('McpServer wiring', () => {
  it('reads a kill switch passed in, and may decrypt it with its own key', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Shared', { env: { account: '123456789012', region: 'eu-west-1' } });
    const status = new AgentStatusTable(stack, 'Status', { project: 'shop', environment: 'prod' });
    const mcp = new McpServer(stack, 'Server', { manifest, server: 'payments', manifestDir: ROOT, agentStatusTable: status.table });
    const statements = stack.resolve(mcp.functionPolicy.document.toJSON()).Statement as Array<Record<string, any>>;
    expect(statements.find((s) => s.Sid === 'ReadKillSwitch')).toMatchObject({ Action: 'dynamodb:GetItem', Resource: stack.resolve(status.table.tableArn) });
    expect(statements.find((s) => s.Sid === 'DecryptKillSwitch')).toEqual({
      Sid: 'DecryptKillSwitch',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: stack.resolve(status.encryptionKey.keyArn),
      Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
    });
    Template.fromStack(stack).resourceCountIs('AWS::DynamoDB::Table', 2); // the shared kill switch and this server's rate limits
  });

  it("attaches one invoke policy for /mcp (POST and the 405 of other methods) to its agents' caller roles by name", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Invoke', { env: { account: '123456789012', region: 'eu-west-1' } });
    const mcp = new McpServer(stack, 'Server', { manifest, server: 'payments', manifestDir: ROOT });
    const policy = mcp.grantInvokeToAgents();
    expect(mcp.grantInvokeToAgents()).toBe(policy);
    const json = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('may call /mcp') } });
    const [props] = Object.values(json).map((p) => p.Properties);
    expect(props.Roles).toEqual(['shop-prod-fraud-agent-caller']);
    expect(props.PolicyDocument.Statement).toEqual([{ Sid: 'CallThisServer', Effect: 'Allow', Action: 'execute-api:Invoke', Resource: stack.resolve(mcp.mcpRouteArns) }]);
    expect(JSON.stringify(props.PolicyDocument)).not.toContain('*');
  });

  it('limits the egress to the DynamoDB prefix list in a brought VPC too, found at deploy time', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Byo', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const server = new McpServer(stack, 'Server', { manifest, server: 'payments', manifestDir: ROOT, vpc });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: stack.resolve(server.functionSecurityGroup.securityGroupId),
      DestinationPrefixListId: stack.resolve(server.network.dynamoDbPrefixList!.prefixListId),
    });
  });

  it('gives its isolated subnets no route out but the DynamoDB gateway endpoint', () => {
    const { template, mcp, stack } = synth('commerce');
    for (const type of ['AWS::EC2::Route', 'AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway', 'AWS::EC2::EgressOnlyInternetGateway', 'AWS::EC2::TransitGatewayAttachment', 'AWS::EC2::VPCPeeringConnection', 'AWS::EC2::VPNGateway']) {
      template.resourceCountIs(type, 0);
    }
    const routeTables = mcp.vpc.isolatedSubnets.map((s) => stack.resolve(s.routeTable.routeTableId));
    const gateways = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }));
    expect(gateways).toHaveLength(1);
    for (const g of gateways) expect(g.Properties.RouteTableIds).toEqual(routeTables);
  });
});
