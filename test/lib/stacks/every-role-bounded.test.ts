import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildWardenStacks, WardenStack } from '../../../lib/stacks';
import { defaultManifest, newTestApp, testManifest } from './warden-test-app';

/** Each stack's roles: logical id → the PermissionsBoundary the template gives it. */
function boundaries(stack: Stack): Record<string, unknown> {
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
  return Object.fromEntries(Object.entries(roles).map(([id, r]) => [id, r.Properties.PermissionsBoundary]));
}
const boundaryRef = (stack: Stack, id = 'WardenPermissionsBoundary') => ({ Ref: stack.getLogicalId(stack.node.findChild(id).node.findChild('Policy').node.defaultChild as iam.CfnManagedPolicy) });
/** Data and server roles carry their allow-list boundaries; every other role the deny-list one. */
const expectedBoundary = (stack: Stack, role: Record<string, unknown>) => {
  const tags = ((role.Tags ?? []) as { Key: string; Value: string }[]).find((t) => t.Key === 'warden:role')?.Value;
  return boundaryRef(stack, tags === 'data' ? 'WardenDataRoleBoundary' : tags === 'server' ? 'WardenServerRoleBoundary' : 'WardenPermissionsBoundary');
};

describe('every role of a warden stack carries the warden boundary', () => {
  const stacks = buildWardenStacks(newTestApp(), defaultManifest());

  it.each(['shop-prod-data', 'shop-prod-identity', 'shop-prod-servers'])('in %s, the roles warden constructs create and those CDK creates for them alike', (name) => {
    const stack = stacks.all.find((s) => s.stackName === name)!;
    const roles = boundaries(stack);
    const props = Object.fromEntries(Object.entries(Template.fromStack(stack).findResources('AWS::IAM::Role')).map(([id, r]) => [id, r.Properties as Record<string, unknown>]));
    expect(Object.keys(roles).length).toBeGreaterThan(0);
    expect(roles).toEqual(Object.fromEntries(Object.keys(roles).map((id) => [id, expectedBoundary(stack, props[id]!)])));
  });

  it('covers the service roles the audit found unbounded: backup selection, flow logs, the prefix-list lookup (which also closes the default security group)', () => {
    const ids = stacks.all.flatMap((s) => Object.keys(boundaries(s)));
    for (const prefix of ['BackupsRole', 'NetworkFlowLogRole', 'NetworkDynamoDbPrefixListRole']) {
      expect(ids.some((id) => id.startsWith(prefix))).toBe(true);
    }
    // CDK's restrictDefaultSecurityGroup provider (a plain CfnResource role and function, which cdk-nag skips) is gone
    expect(ids.some((id) => id.startsWith('CustomVpcRestrictDefaultSG'))).toBe(false);
  });

  it('runs every function with a role of its own template that carries a boundary, and as an L2 function cdk-nag checks', () => {
    for (const stack of stacks.all) {
      const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };
      const roles = boundaries(stack);
      const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      for (const [id, fn] of functions) {
        const roleId = fn.Properties!.Role?.['Fn::GetAtt']?.[0] as string | undefined;
        expect({ id, bounded: roleId !== undefined && roles[roleId] !== undefined }).toEqual({ id, bounded: true });
        expect(stack.node.findAll().some((c) => c instanceof CfnResource && stack.getLogicalId(c) === id && c.constructor.name === 'CfnFunction')).toBe(true);
      }
      // and no CustomResourceProvider function (a plain CfnResource of type AWS::Lambda::Function)
      expect(Object.values(template.Resources).some((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === '__entrypoint__.handler')).toBe(false);
    }
  });

  it('keeps a boundary a role already has, and gives a stack without roles no boundary policy', () => {
    const app = newTestApp();
    const stack = new WardenStack(app, { manifest: testManifest(), part: 'extra' });
    const own = new iam.ManagedPolicy(stack, 'OwnBoundary', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    new iam.Role(stack, 'Bounded', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), permissionsBoundary: own });
    new iam.Role(stack, 'Plain', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new CfnResource(stack, 'ProviderRole', { type: 'AWS::IAM::Role', properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] } } });
    const roles = boundaries(stack);
    expect(roles[stack.getLogicalId(stack.node.findChild('Bounded').node.defaultChild as iam.CfnRole)]).toEqual({ Ref: stack.getLogicalId(own.node.defaultChild as iam.CfnManagedPolicy) });
    expect(roles[stack.getLogicalId(stack.node.findChild('Plain').node.defaultChild as iam.CfnRole)]).toEqual(boundaryRef(stack));
    expect(roles.ProviderRole).toEqual(boundaryRef(stack));

    const empty = new WardenStack(newTestApp(), { manifest: testManifest(), part: 'empty' });
    new CfnResource(empty, 'Topic', { type: 'AWS::SNS::Topic' });
    Template.fromStack(empty).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });
});
