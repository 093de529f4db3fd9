/** The template resolver turns intrinsic functions into the strings CloudFormation would deploy. */
import { SimulatedAccount, TemplateResolver, UnresolvableError } from '.';

const data = {
  Resources: {
    Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } } }] } } },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'shop-prod-orders', SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } } },
    Unnamed: { Type: 'AWS::DynamoDB::Table', Properties: {} },
  },
  Outputs: {
    KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: 'data:KeyArn' } },
  },
};
const identity = {
  Resources: {
    Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'reader', AssumeRolePolicyDocument: { Statement: [] } } },
    Policy: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        Roles: [{ Ref: 'Role' }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/shop-prod-orders']] } },
            { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::ImportValue': 'data:KeyArn' } },
            { Effect: 'Allow', Action: 'kms:Encrypt', Resource: { 'Fn::GetStackOutput': { StackName: 'data', OutputName: 'KeyArn' } } },
          ],
        },
      },
    },
  },
};

describe('TemplateResolver', () => {
  const resolver = new TemplateResolver({ data, identity });

  it('resolves pseudo parameters, Fn::Join and Fn::Sub in the fixed simulation environment', () => {
    expect(resolver.resolve('x', { 'Fn::Join': ['-', [{ Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::Partition' }]] })).toBe('111122223333-eu-west-1-aws');
    expect(resolver.resolve('data', { 'Fn::Sub': ['${A}/${Table}/${Key.Arn}/${!Literal}', { A: 'a' }] })).toBe(`a/shop-prod-orders/${resolver.getAtt('data', 'Key', 'Arn')}/\${Literal}`);
  });

  it('uses physical names the template sets and deterministic fakes otherwise', () => {
    expect(resolver.getAtt('data', 'Table', 'Arn')).toBe('arn:aws:dynamodb:eu-west-1:111122223333:table/shop-prod-orders');
    expect(resolver.getAtt('data', 'Key', 'Arn')).toMatch(/^arn:aws:kms:eu-west-1:111122223333:key\/[0-9a-f-]{36}$/);
    expect(resolver.ref('data', 'Unnamed')).toMatch(/^data-Unnamed-[0-9A-F]{12}$/);
    expect(new TemplateResolver({ data, identity }).ref('data', 'Unnamed')).toBe(resolver.ref('data', 'Unnamed'));
  });

  it('follows Fn::ImportValue and Fn::GetStackOutput into the exporting template', () => {
    const statements = (resolver.properties('identity', 'Policy').PolicyDocument as { Statement: { Resource: string }[] }).Statement;
    const keyArn = resolver.getAtt('data', 'Key', 'Arn');
    expect(statements.map((s) => s.Resource)).toEqual(['arn:aws:dynamodb:eu-west-1:111122223333:table/shop-prod-orders', keyArn, keyArn]);
  });

  it('refuses references it cannot resolve rather than inventing them', () => {
    expect(() => resolver.resolve('identity', { 'Fn::ImportValue': 'nope' })).toThrow(UnresolvableError);
    expect(() => resolver.resolve('identity', { 'Fn::If': ['C', 'a', 'b'] })).toThrow(/not supported/);
    expect(() => resolver.resolve('identity', { Ref: 'Missing' })).toThrow(/no resource "Missing"/);
  });
});

describe('SimulatedAccount', () => {
  const account = new SimulatedAccount({ data, identity });

  it('attaches managed policies declared in another template by role name, and evaluates them with the key policy', () => {
    const key = account.resolver.getAtt('data', 'Key', 'Arn');
    expect(account.role('reader').identityPolicies.map((p) => p.name)).toEqual(['identity/Policy']);
    expect(account.allows({ principal: 'reader', action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/shop-prod-orders' })).toBe(true);
    expect(account.allows({ principal: 'reader', action: 'dynamodb:PutItem', resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/shop-prod-orders' })).toBe(false);
    expect(account.allows({ principal: 'reader', action: 'kms:Decrypt', resource: key })).toBe(true);
    expect(account.allows({ principal: 'reader', action: 'kms:GenerateDataKey', resource: key })).toBe(false);
  });
});
