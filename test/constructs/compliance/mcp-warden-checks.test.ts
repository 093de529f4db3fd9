import { CfnResource, Duration, Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { MCP_WARDEN_RULES, McpWardenChecks, suppress } from '../../../constructs/compliance';
import { newTestApp } from '../../lib/stacks/warden-test-app';

/** Rule ids of the findings McpWardenChecks reports for the app (after aspects such as Tags ran). */
function findings(build: (stack: Stack) => void, stackProps: StackProps = {}): string[] {
  const app = newTestApp();
  const stack = new Stack(app, 'S', stackProps);
  build(stack);
  app.synth();
  return new McpWardenChecks().validateScope(app).violations.map((v) => v.ruleName);
}

const boundary = (stack: Stack) => new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });

function wardenRole(stack: Stack, kind: 'caller' | 'data', props: Partial<iam.RoleProps> = {}): iam.Role {
  const role = new iam.Role(stack, `Role-${kind}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), ...props });
  Tags.of(role).add('warden:role', kind);
  return role;
}

describe(`${MCP_WARDEN_RULES.roleBoundary}`, () => {
  it('passes a warden role with a permissions boundary', () => {
    expect(findings((s) => wardenRole(s, 'caller', { permissionsBoundary: boundary(s) }))).not.toContain(MCP_WARDEN_RULES.roleBoundary);
  });
  it('flags a warden role without one', () => {
    expect(findings((s) => wardenRole(s, 'caller'))).toContain(MCP_WARDEN_RULES.roleBoundary);
  });
  it('ignores roles outside warden stacks that are not warden roles', () => {
    expect(findings((s) => new iam.Role(s, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }))).toEqual([]);
  });

  /** A stack tagged as WardenStack tags it: every role in it is a warden role for this rule. */
  const wardenStack: StackProps = { tags: { 'warden:managed-by': 'mcp-warden' } };
  const serviceRole = (s: Stack, props: Partial<iam.RoleProps> = {}) => new iam.Role(s, 'FlowLogRole', { assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'), ...props });
  /** A role as CustomResourceProvider creates it: a plain CfnResource, not a CfnRole. */
  const providerRole = (s: Stack) =>
    new CfnResource(s, 'ProviderRole', {
      type: 'AWS::IAM::Role',
      properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] } },
    });

  it('flags a service role without a boundary in a warden stack, though it has no warden:role tag', () => {
    expect(findings((s) => serviceRole(s), wardenStack)).toEqual([MCP_WARDEN_RULES.roleBoundary]);
  });
  it('passes a service role in a warden stack once it has the boundary', () => {
    expect(findings((s) => serviceRole(s, { permissionsBoundary: boundary(s) }), wardenStack)).toEqual([]);
  });
  it('flags a custom-resource provider role (a plain CfnResource) without a boundary in a warden stack', () => {
    expect(findings((s) => providerRole(s), wardenStack)).toEqual([MCP_WARDEN_RULES.roleBoundary]);
  });
  it('reads a boundary set by a property override, as iam.PermissionsBoundary.apply sets it', () => {
    expect(
      findings((s) => {
        providerRole(s);
        serviceRole(s);
        iam.PermissionsBoundary.of(s).apply(boundary(s));
      }, wardenStack),
    ).toEqual([]);
  });
});

describe(`${MCP_WARDEN_RULES.roleSession}`, () => {
  it('passes one hour and the unset IAM default', () => {
    expect(findings((s) => wardenRole(s, 'caller', { permissionsBoundary: boundary(s), maxSessionDuration: Duration.hours(1) }))).toEqual([]);
  });
  it('flags a warden role allowing two-hour sessions', () => {
    expect(findings((s) => wardenRole(s, 'caller', { permissionsBoundary: boundary(s), maxSessionDuration: Duration.hours(2) }))).toEqual([MCP_WARDEN_RULES.roleSession]);
  });
});

describe(`${MCP_WARDEN_RULES.tableCmk}`, () => {
  const table = (s: Stack, encryption: Partial<dynamodb.TableProps>) => {
    const t = new dynamodb.Table(s, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, ...encryption });
    Tags.of(t).add('warden:class', 'restricted');
    return t;
  };
  it('passes a classified table encrypted with a customer-managed key', () => {
    expect(findings((s) => table(s, { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: new kms.Key(s, 'Key', { enableKeyRotation: true }) }))).toEqual([]);
  });
  it('flags a classified table with the AWS-owned or AWS-managed key', () => {
    expect(findings((s) => table(s, {}))).toEqual([MCP_WARDEN_RULES.tableCmk]);
    expect(findings((s) => table(s, { encryption: dynamodb.TableEncryption.AWS_MANAGED }))).toEqual([MCP_WARDEN_RULES.tableCmk]);
  });
  it('ignores untagged tables', () => {
    expect(findings((s) => new dynamodb.Table(s, 'Plain', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }))).toEqual([]);
  });
});

describe(`${MCP_WARDEN_RULES.dataRoleWildcards}`, () => {
  const tableArn = 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders';
  const dataPolicy = (s: Stack, statement: iam.PolicyStatement, kind: 'data' | 'caller' = 'data') =>
    new iam.ManagedPolicy(s, 'DataPolicy', { statements: [statement], roles: [wardenRole(s, kind, { permissionsBoundary: boundary(s) })] });

  it('passes a data policy naming its table and that table\'s declared indexes', () => {
    expect(findings((s) => dataPolicy(s, new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [tableArn, `${tableArn}/index/by-customer`] })))).toEqual([]);
  });
  it('passes table ARNs built with Fn::Join (formatArn) that name one table', () => {
    expect(findings((s) => dataPolicy(s, new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [s.formatArn({ service: 'dynamodb', resource: 'table', resourceName: 'shop-prod-orders' })] })))).toEqual([]);
  });
  it.each([
    ['table/* built with Fn::Join', (s: Stack) => s.formatArn({ service: 'dynamodb', resource: 'table', resourceName: '*' })],
    ['a table\'s index/* built with Fn::Join', (s: Stack) => `${s.formatArn({ service: 'dynamodb', resource: 'table', resourceName: 'shop-prod-orders' })}/index/*`],
    ['a literal table/*', () => 'arn:aws:dynamodb:eu-west-1:111122223333:table/*'],
    ['a key/* built with Fn::Join', (s: Stack) => s.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
  ])('flags %s in a data policy', (_what, arn) => {
    expect(findings((s) => dataPolicy(s, new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [arn(s)] })))).toEqual([MCP_WARDEN_RULES.dataRoleWildcards]);
  });
  it('flags a wildcard in a policy attached to a data role by name (roles of another stack)', () => {
    expect(
      findings((s) => new iam.ManagedPolicy(s, 'ByName', { statements: [new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: ['*'] })], roles: [iam.Role.fromRoleName(s, 'R', 'shop-prod-fraud-agent-data')] })),
    ).toEqual([MCP_WARDEN_RULES.dataRoleWildcards]);
  });
  it.each([
    ['a * resource', new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: ['*'] })],
    ['a service-wide action', new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: [tableArn] })],
    ['a wildcard action', new iam.PolicyStatement({ actions: ['kms:GenerateDataKey*'], resources: [tableArn] })],
    ['an account-wide ARN', new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['arn:aws:kms:eu-west-1:111122223333:*'] })],
    ['NotResource', new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], notResources: [tableArn] })],
  ])('flags %s in a policy attached to a data role', (_what, statement) => {
    expect(findings((s) => dataPolicy(s, statement))).toEqual([MCP_WARDEN_RULES.dataRoleWildcards]);
  });
  it('flags a wildcard in an inline policy of a data role', () => {
    expect(
      findings((s) => wardenRole(s, 'data', { permissionsBoundary: boundary(s), inlinePolicies: { p: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }) } })),
    ).toEqual([MCP_WARDEN_RULES.dataRoleWildcards]);
  });
  it('ignores the same wildcard on a caller role (the boundary and other rules cover it)', () => {
    expect(findings((s) => dataPolicy(s, new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: ['*'] }), 'caller'))).toEqual([]);
  });
  it('ignores Deny statements', () => {
    expect(findings((s) => dataPolicy(s, new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'] })))).toEqual([]);
  });
});

describe('McpWardenChecks with suppress()', () => {
  it('drops a finding acknowledged through suppress() from the synth report', () => {
    const app = newTestApp();
    const stack = new Stack(app, 'S');
    const role = wardenRole(stack, 'caller', { permissionsBoundary: boundary(stack), maxSessionDuration: Duration.hours(2) });
    suppress(role.node.defaultChild!, { rule: MCP_WARDEN_RULES.roleSession, reason: 'A batch agent whose jobs run two hours; its owner re-reviews monthly.' });
    Validations.of(app).addPlugins(new McpWardenChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
