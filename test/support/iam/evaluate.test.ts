/**
 * The test IAM evaluator must be right before it judges the templates: each case is a small
 * policy whose outcome AWS documents.
 */
import { evaluate, type EvaluationInput, type NamedPolicy, RequestContext, type Statement, UnsupportedConditionError } from '.';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`;
const TABLE = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`;
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const policy = (name: string, ...statements: Statement[]): NamedPolicy => ({ name, document: { Version: '2012-10-17', Statement: statements } });
const allow = (action: string | string[], resource: string | string[] = '*', extra: Partial<Statement> = {}): Statement => ({ Effect: 'Allow', Action: action, Resource: resource, ...extra });
const deny = (action: string | string[], resource: string | string[] = '*', extra: Partial<Statement> = {}): Statement => ({ Effect: 'Deny', Action: action, Resource: resource, ...extra });

function decide(input: Partial<EvaluationInput> & { identity?: NamedPolicy[]; context?: RequestContext }): string {
  return evaluate({
    principal: { arn: ROLE, sessionArn: SESSION, account: ACCOUNT },
    action: 'dynamodb:GetItem',
    resource: TABLE,
    identityPolicies: input.identity ?? [],
    ...input,
    context: input.context ?? new RequestContext({ 'aws:PrincipalArn': ROLE }),
  }).decision;
}

describe('identity policies', () => {
  it('denies by default when nothing allows', () => {
    expect(decide({})).toBe('implicit-deny');
  });

  it('allows what an identity policy allows', () => {
    expect(decide({ identity: [policy('p', allow('dynamodb:GetItem', TABLE))] })).toBe('allow');
  });

  it('lets an explicit Deny win over any Allow', () => {
    expect(decide({ identity: [policy('a', allow('*')), policy('d', deny('dynamodb:Get*', TABLE))] })).toBe('explicit-deny');
  });

  it('matches actions case-insensitively and with * and ? wildcards', () => {
    expect(decide({ identity: [policy('p', allow('DynamoDB:getitem', TABLE))] })).toBe('allow');
    expect(decide({ identity: [policy('p', allow('dynamodb:Get?tem', TABLE))] })).toBe('allow');
    expect(decide({ identity: [policy('p', allow('dynamodb:Get?', TABLE))] })).toBe('implicit-deny');
    expect(decide({ identity: [policy('p', allow('dynamodb:*Item', TABLE))] })).toBe('allow');
  });

  it('matches resources case-sensitively, per ARN component', () => {
    expect(decide({ identity: [policy('p', allow('dynamodb:GetItem', TABLE.toUpperCase()))] })).toBe('implicit-deny');
    expect(decide({ identity: [policy('p', allow('dynamodb:GetItem', 'arn:aws:dynamodb:*:*:table/ord*'))] })).toBe('allow');
    // a wildcard inside the region component does not swallow the account component
    expect(decide({ identity: [policy('p', allow('dynamodb:GetItem', `arn:aws:dynamodb:eu-*:table/orders`))] })).toBe('implicit-deny');
    expect(decide({ identity: [policy('p', allow('dynamodb:GetItem', `${TABLE}/index/*`))] })).toBe('implicit-deny');
    expect(decide({ identity: [policy('p', allow('dynamodb:Query', `${TABLE}/index/*`))], action: 'dynamodb:Query', resource: `${TABLE}/index/byCustomer` })).toBe('allow');
  });

  it('reads NotAction as every action but those, and NotResource likewise', () => {
    const notIam = policy('p', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    expect(decide({ identity: [notIam] })).toBe('allow');
    expect(decide({ identity: [notIam], action: 'iam:CreateUser', resource: '*' })).toBe('implicit-deny');
    const notOrders = policy('p', { Effect: 'Allow', Action: 'dynamodb:*', NotResource: TABLE });
    expect(decide({ identity: [notOrders] })).toBe('implicit-deny');
    expect(decide({ identity: [notOrders], resource: TABLE.replace('orders', 'catalog') })).toBe('allow');
  });

  it('substitutes policy variables from the request context', () => {
    const own = policy('p', allow('dynamodb:GetItem', `arn:aws:dynamodb:*:*:table/\${aws:PrincipalTag/team}`));
    expect(decide({ identity: [own], context: new RequestContext({ 'aws:PrincipalTag/team': 'orders' }) })).toBe('allow');
    expect(decide({ identity: [own], context: new RequestContext({ 'aws:PrincipalTag/team': 'catalog' }) })).toBe('implicit-deny');
    expect(decide({ identity: [own] })).toBe('implicit-deny');
  });
});

describe('permissions boundaries', () => {
  const boundary = policy('boundary', allow('dynamodb:*'), deny('iam:*'));

  it('allows only what both the identity policy and the boundary allow', () => {
    expect(decide({ identity: [policy('p', allow('*'))], permissionsBoundary: boundary })).toBe('allow');
    expect(decide({ identity: [policy('p', allow('*'))], permissionsBoundary: boundary, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' })).toBe('implicit-deny');
  });

  it('denies what the boundary denies even with AdministratorAccess', () => {
    expect(decide({ identity: [policy('admin', allow('*'))], permissionsBoundary: boundary, action: 'iam:AttachRolePolicy', resource: ROLE })).toBe('explicit-deny');
  });

  it('grants nothing by itself', () => {
    expect(decide({ permissionsBoundary: boundary })).toBe('implicit-deny');
  });
});

describe('resource policies (same account)', () => {
  const tablePolicy = (principal: Statement['Principal']): NamedPolicy => policy('table', allow('dynamodb:GetItem', TABLE, { Principal: principal }));

  it('allow the role they name without any identity policy', () => {
    expect(decide({ resourcePolicy: tablePolicy({ AWS: ROLE }) })).toBe('allow');
  });

  it('naming the account only delegates to identity policies', () => {
    expect(decide({ resourcePolicy: tablePolicy({ AWS: `arn:aws:iam::${ACCOUNT}:root` }) })).toBe('implicit-deny');
    expect(decide({ resourcePolicy: tablePolicy({ AWS: ACCOUNT }), identity: [policy('p', allow('dynamodb:GetItem', TABLE))] })).toBe('allow');
  });

  it('are capped by the boundary when they name the role, not when they name the session', () => {
    const boundary = policy('boundary', allow('s3:*'));
    expect(decide({ resourcePolicy: tablePolicy({ AWS: ROLE }), permissionsBoundary: boundary })).toBe('implicit-deny');
    expect(decide({ resourcePolicy: tablePolicy({ AWS: SESSION }), permissionsBoundary: boundary })).toBe('allow');
  });

  it('deny explicitly, for everyone or everyone but NotPrincipal', () => {
    const identity = [policy('p', allow('dynamodb:*', TABLE))];
    expect(decide({ identity, resourcePolicy: policy('t', deny('dynamodb:GetItem', '*', { Principal: { AWS: '*' } })) })).toBe('explicit-deny');
    expect(decide({ identity, resourcePolicy: policy('t', deny('dynamodb:GetItem', '*', { NotPrincipal: { AWS: ROLE } })) })).toBe('allow');
    expect(decide({ identity, resourcePolicy: policy('t', deny('dynamodb:GetItem', '*', { NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/other' } })) })).toBe('explicit-deny');
  });

  it('do not apply to a principal they do not name', () => {
    expect(decide({ resourcePolicy: tablePolicy({ AWS: 'arn:aws:iam::111122223333:role/other' }) })).toBe('implicit-deny');
    expect(decide({ resourcePolicy: tablePolicy({ Service: 'lambda.amazonaws.com' }) })).toBe('implicit-deny');
  });
});

describe('KMS key policies and trust policies (the resource policy is required)', () => {
  const kms = (keyPolicy: NamedPolicy, identity: NamedPolicy[] = []): string =>
    decide({ action: 'kms:Decrypt', resource: KEY, resourcePolicy: keyPolicy, resourcePolicyRequired: true, identity });
  const rootKeyPolicy = policy('key', allow('kms:*', '*', { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }));

  it('deny a principal with IAM permissions when the key policy does not allow it', () => {
    expect(kms(policy('key', allow('kms:*', '*', { Principal: { AWS: 'arn:aws:iam::111122223333:role/admin' } })), [policy('p', allow('kms:Decrypt', KEY))])).toBe('implicit-deny');
  });

  it('with the account in the key policy, the identity policy decides', () => {
    expect(kms(rootKeyPolicy)).toBe('implicit-deny');
    expect(kms(rootKeyPolicy, [policy('p', allow('kms:Decrypt', KEY))])).toBe('allow');
  });

  it('allow a principal the key policy names without an identity policy', () => {
    expect(kms(policy('key', allow('kms:Decrypt', '*', { Principal: { AWS: ROLE } })))).toBe('allow');
  });

  it('let a trust policy for a service admit only that service', () => {
    const trust = policy('trust', { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } });
    const assume = (principal: EvaluationInput['principal']): string =>
      evaluate({ principal, action: 'sts:AssumeRole', resource: ROLE, context: new RequestContext(), identityPolicies: [], resourcePolicy: trust, resourcePolicyRequired: true }).decision;
    expect(assume({ arn: 'lambda.amazonaws.com', account: 'service', service: 'lambda.amazonaws.com' })).toBe('allow');
    expect(assume({ arn: 'ecs-tasks.amazonaws.com', account: 'service', service: 'ecs-tasks.amazonaws.com' })).toBe('implicit-deny');
    expect(assume({ arn: ROLE, account: ACCOUNT })).toBe('implicit-deny');
  });
});

describe('cross-account requests', () => {
  it('need both the identity policy and the resource policy', () => {
    const other = { arn: 'arn:aws:iam::444455556666:role/x', account: '444455556666' };
    const resourcePolicy = policy('table', allow('dynamodb:GetItem', TABLE, { Principal: { AWS: '444455556666' } }));
    const identity = [policy('p', allow('dynamodb:GetItem', TABLE))];
    const run = (p: Partial<EvaluationInput>): string =>
      evaluate({ principal: other, action: 'dynamodb:GetItem', resource: TABLE, context: new RequestContext(), identityPolicies: [], resourceAccount: ACCOUNT, ...p }).decision;
    expect(run({ resourcePolicy })).toBe('implicit-deny');
    expect(run({ identityPolicies: identity })).toBe('implicit-deny');
    expect(run({ identityPolicies: identity, resourcePolicy })).toBe('allow');
  });
});

describe('conditions', () => {
  const when = (condition: Statement['Condition'], context: Record<string, string | string[] | boolean | number>): string =>
    decide({ identity: [policy('p', allow('dynamodb:GetItem', TABLE, { Condition: condition }))], context: new RequestContext(context) });

  it('StringEquals compares case-sensitively, values of one key are alternatives', () => {
    expect(when({ StringEquals: { 'aws:SourceVpce': ['vpce-1', 'vpce-2'] } }, { 'aws:SourceVpce': 'vpce-2' })).toBe('allow');
    expect(when({ StringEquals: { 'aws:SourceVpce': 'vpce-1' } }, { 'aws:SourceVpce': 'VPCE-1' })).toBe('implicit-deny');
    expect(when({ StringEquals: { 'aws:SourceVpce': 'vpce-1' } }, {})).toBe('implicit-deny');
  });

  it('reads condition key names case-insensitively', () => {
    expect(when({ StringEquals: { 'AWS:SOURCEVPCE': 'vpce-1' } }, { 'aws:SourceVpce': 'vpce-1' })).toBe('allow');
  });

  it('requires every key and every operator of the block', () => {
    const both = { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:dynamodb:tableName': 'orders' } };
    expect(when(both, { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:dynamodb:tableName': 'orders' })).toBe('allow');
    expect(when(both, { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:dynamodb:tableName': 'customers' })).toBe('implicit-deny');
    expect(when(both, { 'kms:EncryptionContext:aws:dynamodb:tableName': 'orders' })).toBe('implicit-deny');
    expect(when({ ...both, Bool: { 'aws:SecureTransport': 'true' } }, { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:dynamodb:tableName': 'orders', 'aws:SecureTransport': false })).toBe('implicit-deny');
  });

  it('StringNotEquals holds when the key is missing (which is why Deny ...NotEquals blocks requests without it)', () => {
    expect(when({ StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } }, {})).toBe('allow');
    expect(when({ StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } }, { 'aws:SourceVpce': 'vpce-1' })).toBe('implicit-deny');
    expect(when({ StringNotEquals: { 'aws:SourceVpce': ['vpce-1', 'vpce-2'] } }, { 'aws:SourceVpce': 'vpce-3' })).toBe('allow');
  });

  it('StringLike and StringNotLike use * and ?', () => {
    expect(when({ StringLike: { 'aws:PrincipalTag/team': 'ord?rs-*' } }, { 'aws:PrincipalTag/team': 'orders-eu' })).toBe('allow');
    expect(when({ StringNotLike: { 'aws:PrincipalTag/team': 'ord*' } }, { 'aws:PrincipalTag/team': 'orders' })).toBe('implicit-deny');
  });

  it('ArnLike, ArnEquals and ArnNotLike match the ARN per component', () => {
    expect(when({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/shop-prod-*-data' } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/shop-prod-fraud-agent-data' })).toBe('allow');
    expect(when({ ArnEquals: { 'aws:PrincipalArn': ROLE } }, { 'aws:PrincipalArn': ROLE })).toBe('allow');
    expect(when({ ArnEquals: { 'aws:PrincipalArn': ROLE } }, { 'aws:PrincipalArn': `${ROLE}2` })).toBe('implicit-deny');
    expect(when({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app' } }, { 'aws:PrincipalArn': ROLE })).toBe('implicit-deny');
    expect(when({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } }, { 'aws:PrincipalArn': ROLE })).toBe('implicit-deny');
  });

  it('Bool and Null', () => {
    expect(when({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, { 'aws:MultiFactorAuthPresent': true })).toBe('allow');
    expect(when({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, {})).toBe('implicit-deny');
    expect(when({ Null: { 'aws:RequestTag/owner': 'false' } }, { 'aws:RequestTag/owner': 'me' })).toBe('allow');
    expect(when({ Null: { 'aws:RequestTag/owner': 'false' } }, {})).toBe('implicit-deny');
    expect(when({ Null: { 'aws:RequestTag/owner': 'true' } }, {})).toBe('allow');
  });

  it('NumericLessThanEquals compares numbers, not strings', () => {
    expect(when({ NumericLessThanEquals: { 'sts:DurationSeconds': '3600' } }, { 'sts:DurationSeconds': 900 })).toBe('allow');
    expect(when({ NumericLessThanEquals: { 'sts:DurationSeconds': '3600' } }, { 'sts:DurationSeconds': 43200 })).toBe('implicit-deny');
    expect(when({ NumericLessThanEquals: { 'sts:DurationSeconds': '3600' } }, { 'sts:DurationSeconds': 'abc' })).toBe('implicit-deny');
  });

  it('...IfExists holds when the key is absent and compares when present', () => {
    expect(when({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } }, {})).toBe('allow');
    expect(when({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } }, { 'aws:SourceVpce': 'vpce-2' })).toBe('implicit-deny');
  });

  it('ForAnyValue needs one request value to match, and fails on a missing key', () => {
    expect(when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['warden:agent'] } }, { 'aws:TagKeys': ['team', 'warden:agent'] })).toBe('allow');
    expect(when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['warden:agent'] } }, { 'aws:TagKeys': ['team'] })).toBe('implicit-deny');
    expect(when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['warden:agent'] } }, {})).toBe('implicit-deny');
  });

  it('ForAllValues needs every request value to match, and holds on a missing key', () => {
    expect(when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['warden:agent', 'team'] } }, { 'aws:TagKeys': ['team'] })).toBe('allow');
    expect(when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['warden:agent'] } }, { 'aws:TagKeys': ['team', 'warden:agent'] })).toBe('implicit-deny');
    expect(when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['warden:agent'] } }, {})).toBe('allow');
    expect(when({ 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['warden:*'] } }, { 'aws:TagKeys': ['team', 'owner'] })).toBe('allow');
    expect(when({ 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['warden:*'] } }, { 'aws:TagKeys': ['team', 'warden:agent'] })).toBe('implicit-deny');
  });

  it('a plain operator on a multi-valued key matches when any value matches', () => {
    expect(when({ StringEquals: { 'aws:TagKeys': 'team' } }, { 'aws:TagKeys': ['owner', 'team'] })).toBe('allow');
    expect(when({ StringNotEquals: { 'aws:TagKeys': 'team' } }, { 'aws:TagKeys': ['owner', 'team'] })).toBe('implicit-deny');
  });

  it('refuses an operator it does not know instead of guessing', () => {
    expect(() => when({ StringStartsWith: { 'aws:SourceVpce': 'vpce' } }, {})).toThrow(UnsupportedConditionError);
  });
});
