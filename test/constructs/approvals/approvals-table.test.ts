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

  it('names only the holding servers\' roles when serverNames is given (what the servers stack passes)', () => {
    const { template } = stackWithTable({ serverNames: ['commerce', 'payments'] });
    const table = Object.values(template().findResources('AWS::DynamoDB::Table'))[0] as TableResource;
    const s = Object.fromEntries(table.Properties.ResourcePolicy.PolicyDocument.Statement.map((x) => [x.Sid, x]));
    const role = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::123456789012:role/${name}`]] });
    const roles = [role('shop-prod-commerce-server'), role('shop-prod-payments-server')];
    expect((s.OnlyServersAndTheDeciderWrite as { Condition: { ArnNotLike: { 'aws:PrincipalArn': unknown[] } } }).Condition.ArnNotLike['aws:PrincipalArn']).toEqual([...roles, role('shop-prod-warden-admin')]);
    expect((s.ServersNeverWriteDecisions as { Condition: { ArnLike: { 'aws:PrincipalArn': unknown[] } } }).Condition.ArnLike['aws:PrincipalArn']).toEqual(roles);
    expect(JSON.stringify(table)).not.toContain('shop-prod-*-server');
  });

  it('refuses an empty serverNames, saying what to pass', () => {
    expect(() => stackWithTable({ serverNames: [] })).toThrow(/serverNames is empty; name the servers whose tools need approval, or leave it out/);
  });

  it('names the manifest\'s deciding role instead of the admin role when one is given', () => {
    const { template } = stackWithTable({ deciderRoleArn: 'arn:aws:iam::123456789012:role/risk-approvers' });
    expect(JSON.stringify(template().toJSON())).toContain('role/risk-approvers');
    expect(JSON.stringify(template().toJSON())).not.toContain('warden-admin');
  });

  it('grants a server GetItem and PutItem of request and execution items only; a decider GetItem, Scan, PutItem of decision items and its decision stream', () => {
    const { stack, approvals, template } = stackWithTable();
    const server = new iam.Role(stack, 'Server', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const decider = new iam.Role(stack, 'Decider', { assumedBy: new iam.AccountRootPrincipal() });
    approvals.grantServer(server);
    approvals.grantDecide(decider);
    const policies = template().findResources('AWS::IAM::Policy');
    type Statement = { Action: string | string[]; Condition?: Record<string, unknown>; Resource: unknown };
    const statementsOf = (role: string) =>
      Object.values(policies)
        .filter((p) => JSON.stringify(p).includes(role))
        .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement)
        .map((st) => ({ actions: [st.Action].flat().sort(), condition: st.Condition, resource: JSON.stringify(st.Resource) }));
    const server_ = statementsOf('ServerDefaultPolicy');
    expect(server_.map((s) => s.actions)).toEqual([['dynamodb:GetItem'], ['dynamodb:PutItem'], ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']]);
    expect(server_[1]!.condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['request#*', 'execution#*'] } });
    const decider_ = statementsOf('DeciderDefaultPolicy');
    expect(decider_.map((s) => s.actions)).toEqual([['dynamodb:GetItem', 'dynamodb:Scan'], ['dynamodb:PutItem'], ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], ['logs:PutLogEvents']]);
    expect(decider_[1]!.condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['decision#*'] } });
    expect(decider_[3]!.resource).toMatch(/:log-group:shop-prod-servers-approval-decisions:log-stream:decisions"/);
    // nothing on any other table, key or log group
    for (const st of [...server_, ...decider_].slice(0, -1)) expect(st.resource).toMatch(/ApprovalsTable|ApprovalsKey/);
  });

  it('keeps the decisions\' audit log under the servers\' audit prefix, encrypted with the table\'s key, a year, in one stream', () => {
    const { template } = stackWithTable();
    template().hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'shop-prod-servers-approval-decisions', RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ApprovalsKey'), 'Arn'] } });
    template().resourceCountIs('AWS::Logs::LogStream', 1);
    template().hasResourceProperties('AWS::Logs::LogStream', { LogStreamName: 'decisions', LogGroupName: { Ref: Match.stringLikeRegexp('ApprovalsDecisionLog') } });
    // CloudWatch Logs may use the key, only for this account's log groups
    template().hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'CloudWatchLogsOfThisAccount', Principal: { Service: 'logs.eu-west-1.amazonaws.com' } })]) },
    });
  });
});
