import { resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { McpServer, WardenNetwork } from '../../../constructs/mcp-server';
import { shopManifest } from './shop-manifest';

const ROOT = resolve(__dirname, '../../..');
const manifest = shopManifest();
const ACCOUNT = '123456789012';
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };

/** A template value as text, pseudo parameters and references as `<Name>`. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

/** Both shop servers in one network, as the servers stack builds them. */
function sharedNetwork() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Servers', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const network = new WardenNetwork(stack, 'Network', { project: 'shop', environment: 'prod' });
  const commerce = new McpServer(stack, 'Commerce', { manifest, server: 'commerce', manifestDir: ROOT, network });
  const payments = new McpServer(stack, 'Payments', { manifest, server: 'payments', manifestDir: ROOT, network });
  return { stack, network, commerce, payments, template: Template.fromStack(stack) };
}

describe('WardenNetwork shared by the servers of a stack', () => {
  const { stack, network, commerce, payments, template } = sharedNetwork();
  const interfaceEndpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
  const gatewayEndpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }));
  const service = (e: { [key: string]: any }) => JSON.stringify(e.Properties.ServiceName).match(/\.([a-z-]+)"?\]?\]?\}?$/)?.[1] ?? JSON.stringify(e.Properties.ServiceName);
  const endpointOf = (name: string) => interfaceEndpoints.find((e) => JSON.stringify(e.Properties.ServiceName).includes(`.${name}`))!;

  it('builds one VPC, one flow log, four interface endpoints and the DynamoDB gateway endpoint (no S3) for both servers', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    expect(interfaceEndpoints).toHaveLength(4);
    expect(gatewayEndpoints).toHaveLength(1);
    expect(gatewayEndpoints.map(service)).toEqual(['dynamodb']);
    expect(commerce.vpc).toBe(network.vpc);
    expect(payments.vpc).toBe(network.vpc);
    expect(commerce.apiEndpoint).toBe(payments.apiEndpoint);
  });

  it('has isolated subnets only and logs all traffic to a KMS-encrypted log group', () => {
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Route', 0);
    expect(network.vpc.isolatedSubnets).toHaveLength(2);
    expect(network.vpc.publicSubnets).toHaveLength(0);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogGroupName: stack.resolve(network.flowLogGroup!.logGroupName) });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: stack.resolve(network.encryptionKey!.keyArn) });
  });

  it('lets the DynamoDB gateway endpoint reach the tables of both servers and nothing else', () => {
    const dynamo = gatewayEndpoints.find((e) => JSON.stringify(e.Properties.ServiceName).includes('dynamodb'))!;
    const [statement, ...others] = dynamo.Properties.PolicyDocument.Statement as Statement[];
    expect(others).toHaveLength(0);
    const text = JSON.stringify(statement!.Resource);
    for (const dataset of ['catalog', 'inventory', 'orders', 'customers', 'payments']) expect(text).toContain(`table/shop-prod-${dataset}`);
    for (const table of [commerce.rateLimitTable, payments.rateLimitTable, commerce.agentStatusTable, payments.agentStatusTable]) {
      expect(text).toContain(JSON.stringify(stack.resolve(table.tableArn)).slice(1, -1));
    }
    expect(statement!.Resource).not.toContain('*');
    // each table once, although both servers registered the shared ones
    const resources = (statement!.Resource as unknown[]).map((r) => JSON.stringify(r));
    expect(new Set(resources).size).toBe(resources.length);
  });

  it('lets the STS endpoint assume only the data roles of this deployment, and answer GetCallerIdentity of this account', () => {
    const [assume, whoAmI, ...others] = endpointOf('sts').Properties.PolicyDocument.Statement as Statement[];
    expect(others).toEqual([]);
    expect(assume).toMatchObject({ Effect: 'Allow', Principal: { AWS: '*' }, Action: ['sts:AssumeRole', 'sts:TagSession'] });
    expect(render(assume!.Resource)).toBe(`arn:<AWS::Partition>:iam::${ACCOUNT}:role/shop-prod-*-data`);
    expect(whoAmI).toMatchObject({ Sid: 'WhoAmIOfThisAccount', Action: 'sts:GetCallerIdentity', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } });
  });

  it('answers DNS only for the AWS services the functions use, blocks every other name and logs every query', () => {
    const lists = Object.values(template.findResources('AWS::Route53Resolver::FirewallDomainList')).map((r) => r.Properties as { Name: string; Domains: unknown[] });
    const allowed = lists.find((l) => l.Name === 'shop-prod-allowed')!.Domains.map(render);
    expect(allowed.sort()).toEqual(['*.execute-api.eu-west-1.amazonaws.com', 'dynamodb.eu-west-1.amazonaws.com', 'kms.eu-west-1.amazonaws.com', 'logs.eu-west-1.amazonaws.com', 'sts.eu-west-1.amazonaws.com']);
    expect(lists.find((l) => l.Name === 'shop-prod-everything')!.Domains).toEqual(['*']);
    const [rules] = Object.values(template.findResources('AWS::Route53Resolver::FirewallRuleGroup')).map((r) => r.Properties.FirewallRules as { Priority: number; Action: string; BlockResponse?: string }[]);
    expect(rules!.map((r) => [r.Priority, r.Action, r.BlockResponse])).toEqual([
      [100, 'ALLOW', undefined],
      [200, 'BLOCK', 'NODATA'],
    ]);
    template.hasResourceProperties('AWS::Route53Resolver::FirewallRuleGroupAssociation', { VpcId: stack.resolve(network.vpc.vpcId), Priority: 101 });
    template.hasResourceProperties('AWS::Route53Resolver::ResolverQueryLoggingConfig', { DestinationArn: stack.resolve(network.dnsFirewall!.queryLogGroup.logGroupArn) });
    template.hasResourceProperties('AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation', { ResourceId: stack.resolve(network.vpc.vpcId) });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.absent(), KmsKeyId: stack.resolve(network.encryptionKey.keyArn), RetentionInDays: 365 });
  });

  it('trusts VPC flow logs of this account only, for its own flow-log resources (confused deputy)', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ],
      },
    });
  });

  it.each(['execute-api', 'kms', 'logs'])('admits through the %s endpoint only principals of this account, on resources of this account', (name) => {
    const endpoint = endpointOf(name);
    expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
    const statements = endpoint.Properties.PolicyDocument.Statement as Statement[];
    expect(statements).toHaveLength(1);
    const [allow] = statements;
    expect(allow).toMatchObject({ Effect: 'Allow', Principal: { AWS: '*' }, Action: `${name}:*` });
    expect(allow!.Condition!.StringEquals!['aws:PrincipalAccount']).toBe(ACCOUNT);
    for (const resource of [allow!.Resource].flat()) expect(render(resource)).toMatch(new RegExp(`^arn:<AWS::Partition>:[a-z-]+:(eu-west-1)?:${ACCOUNT}:`));
  });

  it('requires aws:ResourceAccount on the STS and KMS endpoints, whose requests carry it', () => {
    for (const name of ['sts', 'kms']) {
      const [allow] = endpointOf(name).Properties.PolicyDocument.Statement as Statement[];
      expect(allow!.Condition!.StringEquals!['aws:ResourceAccount']).toBe(ACCOUNT);
    }
  });

  it('admits HTTPS to the STS, KMS and Logs endpoints from the server functions only', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    const toServiceEndpoints = ingress.filter((r) => JSON.stringify(r.GroupId) === JSON.stringify(stack.resolve(network.endpointSecurityGroup.securityGroupId)));
    expect(toServiceEndpoints.map((r) => r.SourceSecurityGroupId).sort()).toEqual(
      [commerce, payments].map((s) => stack.resolve(s.functionSecurityGroup.securityGroupId)).sort(),
    );
    for (const rule of toServiceEndpoints) expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
    const sg = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('STS, KMS and Logs') } });
    expect(Object.values(sg)[0]!.Properties.SecurityGroupIngress).toBeUndefined();
    for (const name of ['sts', 'kms', 'logs']) expect(endpointOf(name).Properties.SecurityGroupIds).toEqual([stack.resolve(network.endpointSecurityGroup.securityGroupId)]);
  });

  it('admits HTTPS to the execute-api endpoint from inside the VPC, and serves both private APIs only through it', () => {
    expect(endpointOf('execute-api').Properties.SecurityGroupIds).toEqual([stack.resolve(network.apiEndpointSecurityGroup.securityGroupId)]);
    const sg = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('execute-api endpoint') } });
    expect(Object.values(sg)[0]!.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '10.0.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    const apis = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
    expect(apis).toHaveLength(2);
    for (const api of apis) {
      expect(api.Properties.EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: [stack.resolve(network.apiEndpoint.vpcEndpointId)] });
      const deny = (api.Properties.Policy.Statement as Statement[]).find((s) => s.Effect === 'Deny')!;
      expect(deny.Condition).toEqual({ StringNotEquals: { 'aws:SourceVpce': [stack.resolve(network.apiEndpoint.vpcEndpointId)] } });
    }
  });

  it('keeps each server on its own function security group: HTTPS to the service endpoints and DynamoDB only', () => {
    for (const server of [commerce, payments]) {
      const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
        .map((r) => r.Properties)
        .filter((r) => JSON.stringify(r.GroupId) === JSON.stringify(stack.resolve(server.functionSecurityGroup.securityGroupId)));
      const inline = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
        .filter((r) => String(r.Properties.GroupDescription).startsWith(`mcp-warden ${server.serverName}: MCP function`))
        .flatMap((r) => r.Properties.SecurityGroupEgress ?? []);
      const rules = [...egress, ...inline];
      expect(rules).toHaveLength(2);
      for (const rule of rules) expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
      expect(rules.some((r) => JSON.stringify(r.DestinationSecurityGroupId) === JSON.stringify(stack.resolve(network.endpointSecurityGroup.securityGroupId)))).toBe(true);
      expect(rules.some((r) => JSON.stringify(r.DestinationSecurityGroupId) === JSON.stringify(stack.resolve(network.apiEndpointSecurityGroup.securityGroupId)))).toBe(false);
      // the other rule: the DynamoDB prefix list the network found at deploy time, never an address range
      expect(rules.filter((r) => r.DestinationPrefixListId !== undefined).map((r) => r.DestinationPrefixListId)).toEqual([stack.resolve(network.dynamoDbPrefixList!.prefixListId)]);
      for (const rule of rules) expect(rule.CidrIp ?? rule.CidrIpv6).toBeUndefined();
    }
  });

  it('finds the DynamoDB prefix list of the region at deploy time, with one read-only call and a bounded role', () => {
    const lookups = Object.values(template.findResources('Custom::AWS'));
    expect(lookups).toHaveLength(2); // the lookup and the default group's egress revocation
    lookups.sort((a) => (JSON.stringify(a.Properties.Create).includes('DescribeManagedPrefixLists') ? -1 : 1));
    const create = JSON.stringify(lookups[0]!.Properties.Create);
    expect(create).toContain('DescribeManagedPrefixLists');
    expect(create).toContain('prefix-list-name');
    expect(lookups[0]!.Properties.Create['Fn::Join'][1]).toContainEqual({ Ref: 'AWS::Region' }); // the stack's region, at deploy time
    expect(create).toContain('.dynamodb');
    const lookup = network.dynamoDbPrefixList!;
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      PermissionsBoundary: stack.resolve(network.dynamoDbPrefixList!.role.permissionsBoundary!.managedPolicyArn),
      MaxSessionDuration: 3600,
    });
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([stack.resolve(lookup.role.roleName)]));
    // its own, and the default security group lockdown's (the stack's AwsCustomResource function runs both with this role)
    expect(policies).toHaveLength(2);
    expect(policies.map((p) => p.Properties.PolicyDocument.Statement).find((st) => st[0].Sid === 'FindThePrefixList')).toEqual([
      { Sid: 'FindThePrefixList', Effect: 'Allow', Action: 'ec2:DescribeManagedPrefixLists', Resource: '*' },
      { Sid: 'WriteItsLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: stack.resolve(lookup.logGroup.logGroupArn) },
    ]);
    // no inline policy: AwsCustomResource got the role, not a policy to attach
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Role: stack.resolve(lookup.role.roleArn), LoggingConfig: { LogGroup: stack.resolve(lookup.logGroup.logGroupName) } });
  });

  it("closes the default security group: both of EC2's default rules revoked, by calls cdk-nag checks, allowed on that group only", () => {
    const lockdown = network.defaultSecurityGroupLockdown!;
    const groupId = stack.resolve((network.vpc as ec2.Vpc).vpcDefaultSecurityGroup);
    // CDK's own provider (plain CfnResource role with an inline policy, unmanaged log group) is gone
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    expect(Object.keys(template.findResources('AWS::IAM::Role')).some((id) => id.startsWith('CustomVpcRestrictDefaultSG'))).toBe(false);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const calls = [...Object.values(template.findResources('Custom::VpcRestrictDefaultSG')), ...Object.values(template.findResources('Custom::AWS'))].map((r) => JSON.stringify(stack.resolve(r.Properties.Create)));
    const ingress = calls.find((c) => c.includes('RevokeSecurityGroupIngress'))!;
    const egress = calls.find((c) => c.includes('RevokeSecurityGroupEgress'))!;
    for (const call of [ingress, egress]) {
      expect(call).toContain(JSON.stringify(groupId)); // the VPC's DefaultSecurityGroup attribute
      expect(call).toContain('InvalidPermission');
    }
    expect(ingress).toContain('UserIdGroupPairs');
    expect(egress).toContain('0.0.0.0/0');
    expect(lockdown.role).toBe(network.dynamoDbPrefixList!.role);
    expect(stack.resolve(lockdown.policy.document.toJSON()).Statement).toEqual([
      {
        Sid: 'CloseTheDefaultSecurityGroup',
        Effect: 'Allow',
        Action: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ec2:eu-west-1:${ACCOUNT}:security-group/`, groupId]] },
      },
    ]);
    template.hasResourceProperties('AWS::EC2::VPC', Match.objectLike({ CidrBlock: '10.0.0.0/16' }));
  });

  it('names the services of its endpoints', () => {
    expect(interfaceEndpoints.map(service).sort()).toEqual(['execute-api', 'kms', 'logs', 'sts']);
  });
});

describe('WardenNetwork props', () => {
  it('looks the DynamoDB prefix list up at deploy time in a brought VPC too', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Byo', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const network = new WardenNetwork(stack, 'Network', { project: 'shop', environment: 'prod', vpc });
    new McpServer(stack, 'Payments', { manifest, server: 'payments', manifestDir: ROOT, network });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AWS', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { DestinationPrefixListId: stack.resolve(network.dynamoDbPrefixList!.prefixListId), FromPort: 443, ToPort: 443 });
  });

  it('adds its endpoints to a brought VPC and points the servers at a given DynamoDB prefix list, with no lookup', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Byo', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const network = new WardenNetwork(stack, 'Network', { project: 'shop', environment: 'prod', vpc, dynamoDbPrefixListId: 'pl-12345678' });
    new McpServer(stack, 'Payments', { manifest, server: 'payments', manifestDir: ROOT, network });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 0); // the brought VPC's flow logs are its owner's
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { DestinationPrefixListId: 'pl-12345678', FromPort: 443, ToPort: 443 });
    template.resourceCountIs('Custom::AWS', 0);
    expect(network.dynamoDbPrefixList).toBeUndefined();
    expect(network.ownsVpc).toBe(false);
    expect(network.defaultSecurityGroupLockdown).toBeUndefined(); // a brought VPC's default group is its owner's
  });

  it('closes the default group with a role, boundary and encrypted log group of its own when there is no lookup', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Own', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const network = new WardenNetwork(stack, 'Network', { project: 'shop', environment: 'prod', dynamoDbPrefixListId: 'pl-12345678' });
    new McpServer(stack, 'Payments', { manifest, server: 'payments', manifestDir: ROOT, network });
    const template = Template.fromStack(stack);
    const lockdown = network.defaultSecurityGroupLockdown!;
    const role = lockdown.node.findChild('Role') as import('aws-cdk-lib/aws-iam').Role;
    expect(lockdown.role).toBe(role);
    template.hasResourceProperties('AWS::Lambda::Function', { Role: stack.resolve(role.roleArn), LoggingConfig: { LogGroup: stack.resolve(lockdown.logGroup!.logGroupName) } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.absent(), KmsKeyId: stack.resolve(network.encryptionKey.keyArn) });
    expect(stack.resolve(role.permissionsBoundary!.managedPolicyArn)).toBeDefined();
    expect(JSON.stringify(stack.resolve(lockdown.policy.document.toJSON()))).toContain('WriteItsLogs');
  });

  it('refuses a prefix-list lookup added after another AwsCustomResource, whose function would run it with another role', () => {
    const stack = new Stack(new App(), 'Late', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const network = new WardenNetwork(stack, 'Network', { project: 'shop', environment: 'prod', dynamoDbPrefixListId: 'pl-12345678' });
    expect(network.defaultSecurityGroupLockdown).toBeDefined();
    const { DynamoDbPrefixList } = require('../../../constructs/mcp-server') as typeof import('../../../constructs/mcp-server');
    expect(() => new DynamoDbPrefixList(stack, 'Late', { description: 'late lookup', encryptionKey: network.encryptionKey, permissionsBoundary: network.defaultSecurityGroupLockdown!.policy })).toThrow(/create the DynamoDbPrefixList first/);
  });

  it('refuses a server given both a network and network props', () => {
    const stack = new Stack(new App(), 'Both', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const network = new WardenNetwork(stack, 'Network', { project: 'shop', environment: 'prod' });
    expect(() => new McpServer(stack, 'Payments', { manifest, server: 'payments', manifestDir: ROOT, network, vpcCidr: '10.1.0.0/16' })).toThrow(/pass either network or vpc/);
  });

  it('fails synth when no server registered its tables, rather than deploy an empty endpoint policy', () => {
    const stack = new Stack(new App(), 'Empty', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    new WardenNetwork(stack, 'Network', { project: 'shop', environment: 'prod' });
    expect(() => Template.fromStack(stack)).toThrow(/no server registered its tables/);
  });
});
