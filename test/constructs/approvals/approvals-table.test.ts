/** The approvals table, its grants and the stacks' wiring of held calls (lib/approvals). */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApprovalsTable } from '../../../constructs/approvals';

const stackWithTable = (props: Partial<ConstructorParameters<typeof ApprovalsTable>[2]> = {}) => {
  const stack = new Stack(new App(), 'T', { env: { account: '123456789012', region: 'eu-west-1' } });
  const approvals = new ApprovalsTable(stack, 'Approvals', { project: 'shop', environment: 'prod', ...props });
  return { stack, approvals, template: () => Template.fromStack(stack) };
};
type TableResource = { Properties: { ResourcePolicy: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } } };
/** The statements of the table's resource policy. */
const policyStatements = () => (Object.values(stackWithTable().template().findResources('AWS::DynamoDB::Table'))[0] as TableResource).Properties.ResourcePolicy.PolicyDocument.Statement;

describe('ApprovalsTable', () => {
  it('is named for the deployment, encrypted with its own rotating key, with TTL, PITR and deletion protection', () => {
    const { template } = stackWithTable();
    template().hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'shop-prod-approvals',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() }),
    });
    template().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('drops deletion protection in ephemeral environments only', () => {
    const { template } = stackWithTable({ environment: 'dev' });
    template().hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('makes items create-only for everyone', () => {
    expect(policyStatements()).toContainEqual(expect.objectContaining({ Sid: 'ItemsAreCreateOnly', Effect: 'Deny', Principal: { AWS: '*' }, Action: expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem']) }));
  });

  it('lets only the server roles and the deciding role write, the servers never decisions, the decider nothing else', () => {
    const s = Object.fromEntries(policyStatements().map((x) => [x.Sid, x]));
    expect(JSON.stringify(s.OnlyServersAndTheDeciderWrite)).toMatch(/ArnNotLike.*shop-prod-\*-server.*shop-prod-warden-admin/);
    expect(s.ServersNeverWriteDecisions).toMatchObject({ Effect: 'Deny', Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['decision#*'] } } });
    expect(JSON.stringify(s.ServersNeverWriteDecisions)).toMatch(/shop-prod-\*-server/);
    expect(s.TheDeciderWritesOnlyDecisions).toMatchObject({ Effect: 'Deny', Condition: { 'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': ['decision#*'] } } });
    expect(JSON.stringify(s.TheDeciderWritesOnlyDecisions)).toMatch(/shop-prod-warden-admin/);
    expect(s.NoAgentAccess).toMatchObject({ Effect: 'Deny', Action: 'dynamodb:*' });
    expect(JSON.stringify(s.NoAgentAccess)).toMatch(/shop-prod-\*-caller.*shop-prod-\*-data/);
  });

  it('names the manifest\'s deciding role instead of the admin role when one is given', () => {
    const { template } = stackWithTable({ deciderRoleArn: 'arn:aws:iam::123456789012:role/risk-approvers' });
    expect(JSON.stringify(template().toJSON())).toContain('role/risk-approvers');
    expect(JSON.stringify(template().toJSON())).not.toContain('warden-admin');
  });

  it('grants a server read and create, never scan; a decider read, create and scan', () => {
    const { stack, approvals, template } = stackWithTable();
    const server = new iam.Role(stack, 'Server', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const decider = new iam.Role(stack, 'Decider', { assumedBy: new iam.AccountRootPrincipal() });
    approvals.grantServer(server);
    approvals.grantDecide(decider);
    const policies = template().findResources('AWS::IAM::Policy');
    const actionsOf = (role: string) =>
      Object.values(policies)
        .filter((p) => JSON.stringify(p).includes(role))
        .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } } }).Properties.PolicyDocument.Statement.flatMap((st) => st.Action));
    expect(actionsOf('ServerDefaultPolicy')).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
    expect(actionsOf('ServerDefaultPolicy')).not.toContain('dynamodb:Scan');
    expect(actionsOf('DeciderDefaultPolicy')).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan']));
  });
});
