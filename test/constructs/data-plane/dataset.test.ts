import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DataClassKeys, Dataset, DatasetBackupPlan, DYNAMODB_DATA_PLANE_ACTIONS } from '../../../constructs/data-plane';
import type { DatasetSpec } from '../../../lib/config/schema';
import { newTestApp } from '../../lib/stacks/warden-test-app';

function build(datasets: DatasetSpec[], environment = 'prod') {
  const stack = new Stack(newTestApp(), 'Data');
  const keys = new DataClassKeys(stack, 'Keys', { project: 'shop', environment, dataClasses: ['public', 'restricted'] });
  const built = datasets.map((d) => new Dataset(stack, `Dataset-${d.name}`, { project: 'shop', environment, dataset: d, encryptionKey: keys.key(d.class) }));
  return { stack, keys, datasets: built };
}

const keyRef = (stack: Stack, keys: DataClassKeys, dataClass: string) => ({ 'Fn::GetAtt': [stack.getLogicalId(keys.key(dataClass).node.defaultChild as never), 'Arn'] });

describe('Dataset', () => {
  it('creates the table encrypted with its class key, with PITR and deletion protection, retained', () => {
    const { stack, keys } = build([{ name: 'payments', class: 'restricted' }]);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'shop-prod-payments',
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyRef(stack, keys, 'restricted') },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        Tags: Match.arrayWith([
          { Key: 'warden:class', Value: 'restricted' },
          { Key: 'warden:dataset', Value: 'payments' },
        ]),
      }),
    });
  });

  it.each(['dev', 'test', 'sandbox'])('in %s destroys the table and leaves deletion protection off', (environment) => {
    const { stack } = build([{ name: 'catalog', class: 'public' }], environment);
    Template.fromStack(stack).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    });
  });

  it('uses the manifest partition and sort keys', () => {
    const { stack } = build([{ name: 'orders', class: 'public', partitionKey: 'customerId', sortKey: 'orderId' }]);
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'customerId', KeyType: 'HASH' },
        { AttributeName: 'orderId', KeyType: 'RANGE' },
      ],
    });
  });

  it('imports a brought table by ARN, creates nothing, and keys it with the class key', () => {
    const arn = 'arn:aws:dynamodb:eu-west-1:111122223333:table/legacy-payments';
    const { stack, datasets, keys } = build([{ name: 'payments', class: 'restricted', tableArn: arn }]);
    Template.fromStack(stack).resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(datasets[0]!.imported).toBe(true);
    expect(datasets[0]!.tableName).toBe('legacy-payments');
    expect(datasets[0]!.table.tableArn).toBe(arn);
    expect(datasets[0]!.encryptionKey).toBe(keys.key('restricted'));
  });

  it('rejects keys on a brought table', () => {
    expect(() => build([{ name: 'payments', class: 'restricted', tableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/t1', partitionKey: 'id' }])).toThrow(
      /partitionKey\/sortKey describe a table warden creates; remove them/,
    );
  });

  it('grantRead gives read actions on the table alone (warden tables have no indexes), and Decrypt only via DynamoDB for this table name', () => {
    const { stack, keys, datasets } = build([{ name: 'payments', class: 'restricted' }]);
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    datasets[0]!.grantRead(role);
    const arn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:table/shop-prod-payments${suffix}`]] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
            Resource: arn(''),
          }),
          Match.objectLike({
            Action: 'kms:Decrypt',
            Resource: keyRef(stack, keys, 'restricted'),
            Condition: { StringEquals: { 'kms:ViaService': Match.anyValue(), 'kms:EncryptionContext:aws:dynamodb:tableName': 'shop-prod-payments' } },
          }),
        ]),
      },
    });
  });

  it('grants exactly the declared indexes of a brought table, never index/*', () => {
    const arn = 'arn:aws:dynamodb:eu-west-1:111122223333:table/legacy-orders';
    const { stack, datasets } = build([{ name: 'orders', class: 'restricted', tableArn: arn, indexes: ['by-customer'] }]);
    const statements = datasets[0]!.accessStatements(stack, 'read').map((s) => s.toStatementJson() as { Resource: string | string[] });
    expect([statements[0]!.Resource].flat()).toEqual([arn, `${arn}/index/by-customer`]);
    expect(JSON.stringify(statements)).not.toContain('index/*');
  });

  it('rejects indexes on a table warden creates', () => {
    expect(() => build([{ name: 'orders', class: 'restricted', indexes: ['by-customer'] }])).toThrow(/indexes name the secondary indexes of a brought table/);
  });

  it('gives a created table a resource policy denying data-plane actions to every principal but warden data roles of its class, AWS Backup and break-glass', () => {
    const stack = new Stack(newTestApp(), 'Data');
    const keys = new DataClassKeys(stack, 'Keys', { project: 'shop', environment: 'prod', dataClasses: ['public', 'restricted'] });
    const backupRoleArn = 'arn:aws:iam::111122223333:role/shop-prod-dataset-backup';
    new Dataset(stack, 'Payments', { project: 'shop', environment: 'prod', dataset: { name: 'payments', class: 'restricted' }, encryptionKey: keys.key('restricted'), backupRoleArn, breakGlass: { roleArn: 'arn:aws:iam::111122223333:role/BreakGlass' } });
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'))[0]!.Properties.ResourcePolicy.PolicyDocument as { Statement: { Sid: string; Effect: string; Action: string[]; Condition: Record<string, Record<string, unknown>> }[] };
    const [everyone, otherClasses] = policy.Statement;
    expect(everyone).toMatchObject({ Sid: 'OnlyWardenDataRolesUseTheData', Effect: 'Deny', Principal: { AWS: '*' } });
    expect(everyone!.Action).toEqual([...DYNAMODB_DATA_PLANE_ACTIONS]);
    expect(everyone!.Action).not.toEqual(expect.arrayContaining(['dynamodb:DescribeTable']));
    const exempt = everyone!.Condition.ArnNotLike!['aws:PrincipalArn'] as unknown[];
    expect(JSON.stringify(exempt[0])).toContain(':role/shop-prod-*-data');
    expect(exempt.slice(1)).toEqual([backupRoleArn, 'arn:aws:iam::111122223333:role/BreakGlass']);
    expect(everyone!.Condition.Bool).toEqual({ 'aws:PrincipalIsAWSService': 'false' });
    expect(otherClasses).toMatchObject({ Sid: 'OnlyDataRolesGrantedThisClass', Effect: 'Deny', Condition: { StringNotLike: { 'aws:PrincipalTag/warden:classes': '*/restricted/*' } } });
  });

  it('lets any warden data role through the table policy of a public dataset (its identity policy still decides)', () => {
    const { stack } = build([{ name: 'catalog', class: 'public' }]);
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'))[0]!.Properties.ResourcePolicy.PolicyDocument as { Statement: { Sid: string }[] };
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['OnlyWardenDataRolesUseTheData']);
  });

  it('grantWrite adds the write actions and GenerateDataKey', () => {
    const { stack, datasets } = build([{ name: 'catalog', class: 'public' }]);
    const role = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    datasets[0]!.grantWrite(role);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0]!.Properties.PolicyDocument.Statement as { Action: string[] }[];
    expect(statements.flatMap((s) => [s.Action].flat())).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'kms:GenerateDataKey']));
  });
});

describe('DatasetBackupPlan', () => {
  it('backs up the created tables daily into a vault encrypted with its own rotating key', () => {
    const { stack, datasets } = build([
      { name: 'catalog', class: 'public' },
      { name: 'legacy', class: 'public', tableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/legacy' },
    ]);
    new DatasetBackupPlan(stack, 'Backups', { project: 'shop', environment: 'prod', datasets });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'shop-prod-datasets', EncryptionKeyArn: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shop-prod-datasets-backup' });
    template.hasResourceProperties('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 365 }, ScheduleExpression: 'cron(0 5 * * ? *)' })] } });
    const selection = Object.values(template.findResources('AWS::Backup::BackupSelection'))[0]!;
    const catalogTable = stack.getLogicalId(datasets[0]!.table.node.defaultChild as never);
    expect(selection.Properties.BackupSelection.Resources).toEqual([{ 'Fn::GetAtt': [catalogTable, 'Arn'] }]);
  });

  it('backs up with its own role, named for the key and table policies, trusted by AWS Backup of this account only', () => {
    const { stack, datasets } = build([{ name: 'catalog', class: 'public' }]);
    const plan = new DatasetBackupPlan(stack, 'Backups', { project: 'shop', environment: 'prod', datasets });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'shop-prod-dataset-backup',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' }, Condition: { StringEqualsIfExists: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })] },
    });
    const selection = Object.values(template.findResources('AWS::Backup::BackupSelection'))[0]!;
    expect(selection.Properties.BackupSelection.IamRoleArn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(plan.role.node.defaultChild as never), 'Arn'] });
  });

  it('refuses a plan with only brought tables', () => {
    const { stack, datasets } = build([{ name: 'legacy', class: 'public', tableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/legacy' }]);
    expect(() => new DatasetBackupPlan(stack, 'Backups', { project: 'shop', environment: 'prod', datasets })).toThrow(/none of the datasets is a table created here/);
  });
});
