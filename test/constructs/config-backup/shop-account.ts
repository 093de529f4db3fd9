/** The example shop as deployed, in a FakeAccount: its roles, policies, keys, alarms, APIs and kill switch. */
import { agentRoleNames } from '../../../lib/config/role-names';
import { agentStatusTableName, backupFunctionRoleName, wardenAdminRoleName } from '../../../lib/config/deployment-names';
import { alarmName } from '../../../lib/alarms/alarm-name';
import type { Manifest } from '../../../lib/config/schema';
import { defaultManifest } from '../../lib/policy/default-manifest';
import { ACCOUNT, FakeAccount, REGION } from './fake-account';

export interface ShopAccount {
  readonly account: FakeAccount;
  readonly manifest: Manifest;
  readonly backupKeyArn: string;
  readonly classKeyArn: string;
  readonly invokePolicyArn: string;
}

export async function shopAccount(): Promise<ShopAccount> {
  const manifest = defaultManifest();
  const { project, environment } = manifest;
  const account = new FakeAccount();
  const tags = { 'warden:project': project, 'warden:environment': environment };
  const boundary = account.addPolicy(`${project}-${environment}-identity-WardenPermissionsBoundary-ABC`, { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] });
  const invokePolicyArn = account.addPolicy(`${project}-${environment}-servers-ServercommerceCallerInvokePolicy-XYZ`, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123/v1/POST/mcp` }],
  });
  for (const agent of manifest.agents) {
    const names = agentRoleNames(project, environment, agent.name);
    account.addRole(names.caller, {
      trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      boundary,
      tags: { ...tags, 'warden:agent': agent.name },
      attached: [invokePolicyArn],
    });
    account.addRole(names.data, {
      trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/${project}-${environment}-commerce-server` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] },
      boundary,
      tags: { ...tags, 'warden:agent': agent.name },
      inline: { DataAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${project}-${environment}-catalog` }] } },
    });
  }
  account.addRole(backupFunctionRoleName(project, environment), { trust: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, tags });
  account.addRole(wardenAdminRoleName(project, environment), {
    trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] },
    tags,
    attached: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  });
  // a role of another team in the same account: never backed up
  account.addRole('payments-team-ci', { trust: { Statement: [] } });
  const keyPolicy = (sid: string) => ({ Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:Describe*', Resource: '*' }] });
  const classKeyArn = account.addKey({ policy: keyPolicy('ClassKey'), tags: { ...tags, 'warden:class': 'restricted' }, aliases: [`alias/${project}-${environment}-restricted`] });
  const backupKeyArn = account.addKey({ policy: keyPolicy('BackupKey'), tags, aliases: [`alias/${project}-${environment}-backups`] });
  account.addKey({ policy: keyPolicy('Other'), tags: { 'warden:project': 'other' } });
  account.alarms.push(
    { AlarmName: alarmName({ project, environment, severity: 'high', subjectKind: 'agent', subject: 'fraud-agent', kind: 'denied' }), Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', StateValue: 'OK', StateReason: 'fine' },
    { AlarmName: alarmName({ project, environment, severity: 'high', subjectKind: 'deployment', subject: 'backup', kind: 'missed' }), Threshold: 1, ComparisonOperator: 'LessThanThreshold', StateValue: 'OK' },
    { AlarmName: 'someone-elses-alarm', Threshold: 5 },
  );
  account.apis.push(
    {
      id: 'abc123',
      name: `${project}-${environment}-commerce-mcp`,
      // API Gateway escapes the policy's quotes once more
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] }).replace(/"/g, '\\"'),
      endpointConfiguration: { types: ['PRIVATE'], vpcEndpointIds: ['vpce-1'] },
    },
    { id: 'zzz', name: 'unrelated-api' },
  );
  await account.start(
    agentStatusTableName(project, environment),
    Object.fromEntries(manifest.agents.map((a) => [a.name, 'active'])),
  );
  return { account, manifest, backupKeyArn, classKeyArn, invokePolicyArn };
}
