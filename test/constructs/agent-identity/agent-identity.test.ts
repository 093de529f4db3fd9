import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AgentIdentity,
  AUDIT_TAMPERING_ACTIONS,
  DATA_ROLE_DYNAMODB_ACTIONS,
  DataRoleBoundary,
  KMS_ADMINISTRATION_ACTIONS,
  RECORD_TAMPERING_ACTIONS,
  WardenPermissionsBoundary,
} from '../../../constructs/agent-identity';
import { DataClassKeys, Dataset } from '../../../constructs/data-plane';
import type { Manifest } from '../../../lib/config/schema';
import { AccessModel } from '../../../lib/policy/access-model';
import { buildWardenStacks } from '../../../lib/stacks';
import { defaultManifest, newTestApp, testManifest } from '../../lib/stacks/warden-test-app';

/** The data stack and one identity stack built by hand from `manifest`. */
function identities(manifest: Manifest) {
  const app = newTestApp();
  const data = new Stack(app, 'Data');
  const keys = new DataClassKeys(data, 'Keys', { project: manifest.project, environment: manifest.environment, dataClasses: manifest.dataClasses });
  const datasets = manifest.datasets.map((d) => new Dataset(data, d.name, { project: manifest.project, environment: manifest.environment, dataset: d, encryptionKey: keys.key(d.class) }));
  const stack = new Stack(app, 'Identity');
  const model = new AccessModel(manifest);
  return { app, stack, model, datasets, keys };
}

const boundaryStatements = (template: Template) => {
  const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('permissions boundary of shop-prod: caps every caller') } });
  expect(Object.keys(policies)).toHaveLength(1);
  return Object.values(policies)[0]!.Properties.PolicyDocument.Statement as { Sid: string; Effect: string; Action: string | string[]; NotResource?: unknown; Condition?: unknown }[];
};

describe('AgentIdentity on the default manifest', () => {
  const loaded = defaultManifest();
  const stacks = buildWardenStacks(newTestApp(), loaded);
  const template = Template.fromStack(stacks.identities[0]!);
  const boundaryId = stacks.identities[0]!.getLogicalId(WardenPermissionsBoundary.of(stacks.identities[0]!, { project: 'shop', environment: 'prod' }).policy.node.defaultChild as never);
  const dataBoundaryId = stacks.identities[0]!.getLogicalId(DataRoleBoundary.of(stacks.identities[0]!, { project: 'shop', environment: 'prod' }).policy.node.defaultChild as never);

  it.each(loaded.manifest.agents.map((a) => [a.name, a] as const))('gives %s a caller role trusted as assumedBy says, capped and tagged', (name, agent) => {
    const principal = 'service' in agent.assumedBy ? { Service: agent.assumedBy.service } : Match.anyValue();
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: `shop-prod-${name}-caller`,
      MaxSessionDuration: 3600,
      PermissionsBoundary: { Ref: boundaryId },
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: principal }] },
      Tags: Match.arrayWith([
        { Key: 'warden:agent', Value: name },
        { Key: 'warden:environment', Value: 'prod' },
        { Key: 'warden:managed-by', Value: 'mcp-warden' },
        { Key: 'warden:owner', Value: agent.owner },
        { Key: 'warden:project', Value: 'shop' },
        { Key: 'warden:reviewed-on', Value: agent.reviewedOn },
        { Key: 'warden:role', Value: 'caller' },
      ]),
    });
  });

  it.each(loaded.manifest.agents.map((a) => [a.name, a] as const))('gives %s a data role only its servers\' roles may assume, with session tags', (name) => {
    const servers = [...new Set(stacks.model.grantsOf(name).map((g) => g.server))].sort();
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: `shop-prod-${name}-data`,
      MaxSessionDuration: 3600,
      PermissionsBoundary: { Ref: dataBoundaryId },
      // one statement per server: only that server's function role, only with the session tags
      // naming that server and this agent, and no tag keys but the warden ones
      AssumeRolePolicyDocument: {
        Statement: servers.map((s) => ({
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: {
            ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:role/shop-prod-${s}-server`]] } },
            StringEquals: { 'aws:RequestTag/warden:server': s, 'aws:RequestTag/warden:agent': name },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['warden:agent', 'warden:server', 'warden:access'] },
          },
        })),
      },
      Tags: Match.arrayWith([{ Key: 'warden:role', Value: 'data' }]),
    });
  });

  it('conditions every data-policy statement on the servers whose tools need it, never merging a read via one server into a write via another', () => {
    const fraud = stacks.identityOf('fraud-agent');
    const policy = Template.fromStack(Stack.of(fraud)).toJSON().Resources[Stack.of(fraud).getLogicalId(fraud.dataPolicy.node.defaultChild as never)];
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Condition: { StringEquals: Record<string, unknown> } }>;
    const servers = statements.map((st) => st.Condition.StringEquals['aws:PrincipalTag/warden:server']);
    expect(servers.every((s) => Array.isArray(s) && s.length > 0)).toBe(true);
    const writes = statements.filter((st) => [st.Action].flat().includes('dynamodb:PutItem'));
    expect(writes.map((st) => st.Condition.StringEquals['aws:PrincipalTag/warden:server'])).toEqual([['payments']]);
    expect(fraud.serverDatasetAccess).toEqual(new Map([['commerce', new Map([['orders', 'read']])], ['payments', new Map([['payments', 'write']])]]));
  });

  it('keeps a read via one server and a write via another on the same table as two statements', () => {
    const manifest = testManifest({
      datasets: [{ name: 'catalog', class: 'public' }],
      servers: [
        { name: 'reader', entry: 'tools.ts', tools: [{ name: 'look', dataset: 'catalog', access: 'read' as const }] },
        { name: 'writer', entry: 'tools.ts', tools: [{ name: 'put', dataset: 'catalog', access: 'write' as const }] },
      ],
      agents: [{ name: 'both-agent', owner: 'a@shop.example', reviewedOn: '2026-11-01', clearance: 'public', assumedBy: { service: 'lambda.amazonaws.com' }, tools: ['reader/look', 'writer/put'] }],
    });
    const built = buildWardenStacks(newTestApp(), { manifest });
    const identity = built.identityOf('both-agent');
    const statements = Stack.of(identity).resolve(identity.dataPolicy.document.toJSON()).Statement as Array<{ Action: string | string[]; Condition: { StringEquals: Record<string, unknown> } }>;
    const byServer = (server: string) => statements.filter((st) => JSON.stringify(st.Condition.StringEquals['aws:PrincipalTag/warden:server']) === JSON.stringify([server])).flatMap((st) => [st.Action].flat());
    expect(byServer('reader')).not.toContain('dynamodb:PutItem');
    expect(byServer('reader')).not.toContain('kms:GenerateDataKey');
    expect(byServer('reader')).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'kms:Decrypt']));
    expect(byServer('writer')).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'kms:GenerateDataKey']));
    expect(statements).toHaveLength(4);
  });

  it('gives caller roles no permissions at all', () => {
    const callerIds = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: Match.stringLikeRegexp('-caller$') } }));
    const attached = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap((p) => (p.Properties.Roles ?? []) as { Ref: string }[]);
    expect(attached.filter((r) => callerIds.includes(r.Ref))).toEqual([]);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('has one boundary per stack that denies IAM, account, KMS administration, audit tampering and foreign roles', () => {
    const statements = boundaryStatements(template);
    const denied = (sid: string) => [statements.find((s) => s.Sid === sid && s.Effect === 'Deny')!.Action].flat();
    expect(denied('NoIdentityOrAccountAdministration')).toEqual(expect.arrayContaining(['iam:*', 'organizations:*', 'account:*']));
    expect(denied('NoKeyAdministration')).toEqual([...KMS_ADMINISTRATION_ACTIONS]);
    expect(denied('NoAuditTampering')).toEqual(expect.arrayContaining(['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', ...AUDIT_TAMPERING_ACTIONS]));
    expect(statements.find((s) => s.Sid === 'AssumeOnlyWardenRolesByName')).toEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sts:AssumeRole', NotResource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/shop-prod-*']] } }),
    );
    expect(statements.find((s) => s.Sid === 'AssumeOnlyRolesOfThisProject')).toEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:ResourceTag/warden:project': 'shop' } } }),
    );
    expect(statements.find((s) => s.Sid === 'AssumeOnlyRolesOfThisEnvironment')).toEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:ResourceTag/warden:environment': 'prod' } } }),
    );
    expect(statements.find((s) => s.Effect === 'Allow')).toEqual(expect.objectContaining({ Action: '*', Resource: '*' }));
  });

  it('closes the escalation paths of caller roles: warden functions, network and APIs, table items, logs, backups and detection', () => {
    const statements = boundaryStatements(template);
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid && s.Effect === 'Deny')!;
    expect(bySid('NothingOnWardenFunctions')).toMatchObject({ Action: 'lambda:*' });
    expect(JSON.stringify(bySid('NothingOnWardenFunctions'))).toContain(':function:shop-prod-*');
    expect(bySid('NothingOnWardenTaggedFunctions')).toMatchObject({ Action: 'lambda:*', Condition: { StringEquals: { 'aws:ResourceTag/warden:project': 'shop' } } });
    expect([bySid('NoChangeToWardenNetworkOrApis').Action].flat()).toEqual(expect.arrayContaining(['apigateway:PATCH', 'apigateway:DELETE', 'ec2:Modify*', 'ec2:Revoke*', 'ec2:Delete*']));
    expect(bySid('NoChangeToWardenNetworkOrApis').Condition).toEqual({ StringEquals: { 'aws:ResourceTag/warden:project': 'shop' } });
    expect(JSON.stringify(bySid('NoWardenTableItemsButForDataRoles').Condition)).toContain(':role/shop-prod-*-data');
    expect([bySid('NoRecordTampering').Action].flat()).toEqual([...RECORD_TAMPERING_ACTIONS]);
    expect(RECORD_TAMPERING_ACTIONS).toEqual(expect.arrayContaining(['logs:DeleteLogGroup', 'backup:DeleteRecoveryPoint', 'dynamodb:UpdateContinuousBackups', 'dynamodb:PutResourcePolicy']));
    expect(AUDIT_TAMPERING_ACTIONS).toEqual(expect.arrayContaining(['guardduty:DeleteDetector', 'config:StopConfigurationRecorder', 'securityhub:DisableSecurityHub', 'access-analyzer:DeleteAnalyzer']));
  });

  it('caps data roles with an allow-list boundary: item reads and writes and class keys through DynamoDB, nothing else', () => {
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('shop-prod data roles: exactly the actions') } }))[0]!;
    const statements = policy.Properties.PolicyDocument.Statement as { Effect: string; Action: string | string[]; Condition?: unknown }[];
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([...DATA_ROLE_DYNAMODB_ACTIONS, 'kms:Decrypt', 'kms:GenerateDataKey'].sort());
    expect(statements[1]!.Condition).toEqual({ StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' } });
  });

  it("tags each data role with the classes of its datasets, the tag class keys and table policies admit it by", () => {
    for (const agent of loaded.manifest.agents) {
      const classes = [...new Set(stacks.model.datasetGrantsOf(agent.name).map((g) => g.dataset.class))].sort();
      template.hasResourceProperties('AWS::IAM::Role', { RoleName: `shop-prod-${agent.name}-data`, Tags: Match.arrayWith([{ Key: 'warden:classes', Value: `/${classes.join('/')}/` }]) });
    }
  });
});

describe('AgentIdentity', () => {
  it('trusts a role ARN or a whole account when assumedBy says so', () => {
    const manifest = testManifest();
    const { stack, model, datasets } = identities(manifest);
    new AgentIdentity(stack, 'Writer', { model, agent: model.agent('writer'), datasets });
    new AgentIdentity(stack, 'Other', { model, agent: { ...model.agent('reader'), name: 'reader', assumedBy: { accountId: '444455556666' } }, datasets });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'shop-prod-writer-caller', AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: 'arn:aws:iam::111122223333:role/runner' } })] } });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'shop-prod-reader-caller',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:root']] } } })] },
    });
  });

  it('trusts the data role to a principal passed in, adding sts:TagSession', () => {
    const { stack, model, datasets } = identities(testManifest());
    const server = new iam.Role(stack, 'Server', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const identity = new AgentIdentity(stack, 'Reader', { model, agent: model.agent('reader'), datasets, dataRoleTrustedBy: server });
    identity.grantAssumeData(server);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'shop-prod-reader-data',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { AWS: { 'Fn::GetAtt': [stack.getLogicalId(server.node.defaultChild as never), 'Arn'] } } })] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: { 'Fn::GetAtt': [stack.getLogicalId(identity.dataRole.node.defaultChild as never), 'Arn'] } })] },
    });
  });

  it('grantInvoke puts execute-api:Invoke on the route into a managed caller policy, never an inline one', () => {
    const { stack, model, datasets } = identities(testManifest());
    const identity = new AgentIdentity(stack, 'Reader', { model, agent: model.agent('reader'), datasets });
    identity.grantInvoke({ arnForExecuteApi: (method, path, stage) => `arn:aws:execute-api:eu-west-1:111122223333:abc123/${stage ?? '*'}/${method}${path}` });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:111122223333:abc123/v1/POST/mcp' }] },
      Roles: [{ Ref: stack.getLogicalId(identity.callerRole.node.defaultChild as never) }],
    });
    expect(() => identity.grantInvokeArns()).toThrow(/at least one execute-api ARN/);
  });

  it('grantInvoke defaults to the API\'s deployed stage, never every stage', () => {
    const { stack, model, datasets } = identities(testManifest());
    const identity = new AgentIdentity(stack, 'Reader', { model, agent: model.agent('reader'), datasets });
    identity.grantInvoke({ arnForExecuteApi: (method, path, stage) => `arn:aws:execute-api:eu-west-1:111122223333:abc123/${stage ?? '*'}/${method}${path}`, deploymentStage: { stageName: 'prod' } });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Resource: 'arn:aws:execute-api:eu-west-1:111122223333:abc123/prod/POST/mcp' })] },
    });
  });

  it('imports both roles of a deployed agent by their deterministic names', () => {
    const stack = new Stack(newTestApp(), 'Consumer');
    const imported = AgentIdentity.fromAgentName(stack, 'Fraud', { project: 'shop', environment: 'prod', agent: 'fraud-agent' });
    expect(imported.callerRole.roleName).toBe('shop-prod-fraud-agent-caller');
    expect(imported.dataRole.roleName).toBe('shop-prod-fraud-agent-data');
    expect(stack.resolve(imported.dataRole.roleArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/shop-prod-fraud-agent-data']] });
  });

  it('rejects an agent unknown to the model, a missing dataset and a role name over 64 characters', () => {
    const manifest = testManifest();
    const { stack, model, datasets } = identities(manifest);
    const reader = model.agent('reader');
    expect(() => new AgentIdentity(stack, 'Ghost', { model, agent: { ...reader, name: 'ghost' }, datasets })).toThrow(/agent "ghost" is not in the manifest/);
    expect(() => new AgentIdentity(stack, 'NoData', { model, agent: reader, datasets: datasets.filter((d) => d.datasetName !== 'catalog') })).toThrow(
      /no Dataset for "catalog" \(used by commerce\/search_products\); pass it in `datasets`/,
    );
    // 16 + 12 + 32 characters of names, plus hyphens and "-caller": 69.
    expect(() => AgentIdentity.fromAgentName(stack, 'Long', { project: 'p'.repeat(16), environment: 'e'.repeat(12), agent: 'a'.repeat(32) })).toThrow(/69 characters, 5 over the 64-character limit/);
  });

  it('refuses a second boundary for another project in the same stack', () => {
    const stack = new Stack(newTestApp(), 'S');
    WardenPermissionsBoundary.of(stack, { project: 'shop', environment: 'prod' });
    expect(WardenPermissionsBoundary.of(stack, { project: 'shop', environment: 'prod' })).toBe(WardenPermissionsBoundary.of(stack, { project: 'shop', environment: 'prod' }));
    expect(() => WardenPermissionsBoundary.of(stack, { project: 'bank', environment: 'prod' })).toThrow(/already has the boundary of shop-prod/);
  });
});
