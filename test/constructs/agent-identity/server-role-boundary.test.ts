import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ServerRoleBoundary, VPC_NETWORK_INTERFACE_ACTIONS } from '../../../constructs/agent-identity';
import { ADMINISTRATOR_ACCESS, type CfnTemplate, evaluate, RequestContext, SIMULATED_ENVIRONMENT, TemplateResolver, type NamedPolicy, type PolicyDocument } from '../../support/iam';

const { account, region, partition } = SIMULATED_ENVIRONMENT;
const roleArn = `arn:${partition}:iam::${account}:role/shop-prod-commerce-server`;
const functionArn = `arn:${partition}:lambda:${region}:${account}:function:shop-prod-commerce`;
const eniArn = `arn:${partition}:ec2:${region}:${account}:network-interface/eni-0123456789abcdef0`;
const ENI_CHANGES = VPC_NETWORK_INTERFACE_ACTIONS.filter((a) => !a.startsWith('ec2:Describe'));

function boundaryDocument(): PolicyDocument {
  const stack = new Stack(new App(), 'servers');
  const boundary = ServerRoleBoundary.of(stack, { project: 'shop', environment: 'prod' });
  const template = Template.fromStack(stack).toJSON() as CfnTemplate;
  const resolver = new TemplateResolver({ servers: template });
  return resolver.properties('servers', stack.getLogicalId(boundary.policy.node.defaultChild as never)).PolicyDocument as PolicyDocument;
}

describe('ServerRoleBoundary', () => {
  const boundary: NamedPolicy = { name: 'WardenServerRoleBoundary', document: boundaryDocument() };
  // the worst case: AdministratorAccess attached to the server role, only the boundary in the way
  const attempt = (action: string, context: Record<string, string>) =>
    evaluate({
      principal: { arn: roleArn, account },
      action,
      resource: eniArn,
      context: new RequestContext(context),
      identityPolicies: [ADMINISTRATOR_ACCESS],
      permissionsBoundary: boundary,
    }).decision;

  it("lets Lambda manage the function's network interfaces: its own ENI calls carry no lambda:SourceFunctionArn", () => {
    for (const action of ENI_CHANGES) expect(attempt(action, {})).toBe('allow');
  });

  it("refuses every network-interface change made from the function's own code, even with AdministratorAccess attached", () => {
    for (const action of ENI_CHANGES) expect(attempt(action, { 'lambda:SourceFunctionArn': functionArn })).toBe('implicit-deny');
  });

  it('keeps the ENI changes to EC2 resources of its own account and region', () => {
    const elsewhere = evaluate({
      principal: { arn: roleArn, account },
      action: 'ec2:DeleteNetworkInterface',
      resource: `arn:${partition}:ec2:us-east-1:${account}:network-interface/eni-0123456789abcdef0`,
      context: new RequestContext(),
      identityPolicies: [ADMINISTRATOR_ACCESS],
      permissionsBoundary: boundary,
    });
    expect(elsewhere.decision).toBe('implicit-deny');
  });
});

describe('ServerRoleBoundary: approver notices', () => {
  const topicArn = (name: string) => `arn:${partition}:sns:${region}:${account}:${name}`;
  const publish = (boundary: NamedPolicy, resource: string) =>
    evaluate({ principal: { arn: roleArn, account }, action: 'sns:Publish', resource, context: new RequestContext(), identityPolicies: [ADMINISTRATOR_ACCESS], permissionsBoundary: boundary }).decision;
  const documentOf = (props: { notifyTopicArns?: string[] }) => {
    const stack = new Stack(new App(), 'servers');
    const made = ServerRoleBoundary.of(stack, { project: 'shop', environment: 'prod', ...props });
    const resolver = new TemplateResolver({ servers: Template.fromStack(stack).toJSON() as CfnTemplate });
    return { name: 'WardenServerRoleBoundary', document: resolver.properties('servers', stack.getLogicalId(made.policy.node.defaultChild as never)).PolicyDocument as PolicyDocument };
  };

  it("admits Publish to the deployment's alert topic (shop-prod-warden-alerts) only, by default, even with AdministratorAccess attached", () => {
    const boundary = documentOf({});
    expect(publish(boundary, topicArn('shop-prod-warden-alerts'))).toBe('allow');
    expect(publish(boundary, topicArn('shop-prod-other'))).toBe('implicit-deny');
    expect(publish(boundary, topicArn('someone-elses-topic'))).toBe('implicit-deny');
  });

  it('admits Publish to exactly the topics given, in another account too', () => {
    const theirs = `arn:${partition}:sns:${region}:210987654321:approvers`;
    const boundary = documentOf({ notifyTopicArns: [theirs] });
    expect(publish(boundary, theirs)).toBe('allow');
    expect(publish(boundary, topicArn('shop-prod-warden-alerts'))).toBe('implicit-deny');
  });

  it('refuses a second ServerRoleBoundary.of in the stack that asks for other topics', () => {
    const stack = new Stack(new App(), 'servers');
    ServerRoleBoundary.of(stack, { project: 'shop', environment: 'prod' });
    expect(ServerRoleBoundary.of(stack, { project: 'shop', environment: 'prod' }).notifyTopicArns).toHaveLength(1);
    expect(() => ServerRoleBoundary.of(stack, { project: 'shop', environment: 'prod', notifyTopicArns: ['arn:aws:sns:eu-west-1:123456789012:approvers'] })).toThrow(/pass notifyTopicArns on the first ServerRoleBoundary.of of the stack/);
  });
});
