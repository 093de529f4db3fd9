/**
 * What an AWS Organization applies above the kit (docs/organizations.md), generated from the
 * manifest: a service control policy (SCP) for the account that runs the deployment, and a
 * resource control policy (RCP) for the services that support RCPs (here STS and KMS). The kit's
 * own controls (permissions boundary, resource policies, caller proofs) live in the account and
 * an account administrator can change them; these cannot be changed from inside the account.
 *
 * Pure: names are derived from the manifest exactly as the constructs derive them (the tests
 * check they agree). Limits: an SCP or RCP document is at most 5,120 characters (AWS
 * Organizations quotas); a statement list that does not fit is split into several policies
 * (up to 5 SCPs may be attached to one account or OU).
 */
import type { Manifest } from '../config/schema';
import { agentRoleNames } from '../config/role-names';

export const ORG_POLICY_MAX_CHARS = 5120;
/** SCPs (and RCPs) attached to one root, OU or account, at most (AWS Organizations quotas). */
export const ORG_POLICIES_PER_TARGET = 5;

/** The CloudFormation execution role of the CDK bootstrap (`cdk bootstrap`, default qualifier). */
export const CDK_EXECUTION_ROLE_PATTERN = 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*';

export interface OrgPolicyOptions {
  /** Principals still allowed to change warden resources (the deployment). @default - the CDK bootstrap's CloudFormation execution role */
  readonly deployerArns?: readonly string[];
  /** The account the deployment runs in; the RCP admits principals of this account only (and the manifest's trusted accounts). @default 'ACCOUNT_ID' (a placeholder to replace) */
  readonly accountId?: string;
}

export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Principal?: '*';
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface OrgPolicy {
  readonly name: string;
  readonly kind: 'SCP' | 'RCP';
  readonly description: string;
  readonly document: { readonly Version: '2012-10-17'; readonly Statement: readonly Statement[] };
  /** Characters of the document as uploaded (minified JSON). */
  readonly chars: number;
}

/** `<project>-<environment>-<server>-mcp`, as constructs/mcp-server/server-names.ts names the function. */
const serverFunction = (m: Pick<Manifest, 'project' | 'environment'>, server: string) => `${m.project}-${m.environment}-${server}-mcp`;

/** The SCP and RCP statements of a manifest, before splitting into documents of at most 5,120 characters. */
export function orgPolicyStatements(manifest: Manifest, options: OrgPolicyOptions = {}): { scp: Statement[]; rcp: Statement[] } {
  const { project, environment } = manifest;
  const deployers = [...(options.deployerArns ?? [CDK_EXECUTION_ROLE_PATTERN])];
  const exceptDeployers = { ArnNotLike: { 'aws:PrincipalArn': deployers } };
  const tagged = { 'aws:ResourceTag/warden:project': project, 'aws:ResourceTag/warden:environment': environment };
  const prefix = `${project}-${environment}-`;

  const scp: Statement[] = [
    {
      // API Gateway invokes as a service principal, which SCPs do not restrict: only direct invokes are denied
      Sid: 'NoDirectInvokeOfWardenServers',
      Effect: 'Deny',
      Action: ['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl', 'lambda:InvokeAsync'],
      Resource: manifest.servers.map((s) => `arn:aws:lambda:*:*:function:${serverFunction(manifest, s.name)}`),
      Condition: exceptDeployers,
    },
    {
      Sid: 'NoChangesToWardenFunctions',
      Effect: 'Deny',
      Action: ['lambda:Update*', 'lambda:Put*', 'lambda:Delete*', 'lambda:AddPermission', 'lambda:RemovePermission', 'lambda:CreateFunctionUrlConfig', 'lambda:PublishVersion', 'lambda:CreateAlias'],
      Resource: [`arn:aws:lambda:*:*:function:${prefix}*`],
      Condition: exceptDeployers,
    },
    {
      Sid: 'NoPassingWardenRoles',
      Effect: 'Deny',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::*:role/${prefix}*`,
      Condition: exceptDeployers,
    },
    {
      Sid: 'NoWardenTagChanges',
      Effect: 'Deny',
      Action: ['iam:TagRole', 'iam:UntagRole', 'iam:TagPolicy', 'iam:UntagPolicy', 'lambda:TagResource', 'lambda:UntagResource', 'dynamodb:TagResource', 'dynamodb:UntagResource', 'kms:TagResource', 'kms:UntagResource', 'logs:TagResource', 'logs:UntagResource', 'tag:TagResources', 'tag:UntagResources'],
      Resource: '*',
      Condition: { ...exceptDeployers, 'ForAnyValue:StringLike': { 'aws:TagKeys': ['warden:*'] } },
    },
    {
      Sid: 'NoAuditTampering',
      Effect: 'Deny',
      Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:PutInsightSelectors'],
      Resource: `arn:aws:cloudtrail:*:*:trail/${prefix}*`,
      Condition: exceptDeployers,
    },
    {
      Sid: 'NoLogTampering',
      Effect: 'Deny',
      Action: ['logs:DeleteLogGroup', 'logs:DeleteLogStream', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:DisassociateKmsKey', 'logs:DeleteDataProtectionPolicy', 'logs:DeleteSubscriptionFilter'],
      Resource: '*',
      Condition: { ...exceptDeployers, StringEquals: tagged },
    },
    {
      Sid: 'NoKeyTampering',
      Effect: 'Deny',
      Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:PutKeyPolicy', 'kms:DeleteAlias', 'kms:UpdateAlias', 'kms:DeleteImportedKeyMaterial'],
      Resource: '*',
      Condition: { ...exceptDeployers, StringEquals: tagged },
    },
  ];

  // accounts the manifest trusts to assume caller roles (assumedBy roleArn/accountId)
  const account = options.accountId ?? 'ACCOUNT_ID';
  const trusted = new Set([account]);
  for (const agent of manifest.agents) {
    const by = agent.assumedBy as { roleArn?: string; accountId?: string };
    const other = by.accountId ?? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(by.roleArn ?? '')?.[1];
    if (other) trusted.add(other);
  }
  const outsiders = { StringNotEqualsIfExists: { 'aws:PrincipalAccount': [...trusted] }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } };
  const rcp: Statement[] = [
    {
      Sid: 'WardenRolesOnlyFromTrustedAccounts',
      Effect: 'Deny',
      Principal: '*',
      Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
      Resource: `arn:aws:iam::*:role/${prefix}*`,
      Condition: outsiders,
    },
    {
      Sid: 'WardenKeysOnlyForThisAccount',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalAccount': [account] }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' }, StringEquals: tagged },
    },
  ];
  // data roles are never assumed from outside the account: a narrower statement than the caller roles'
  const dataRole = agentRoleNames(project, environment, '*').data;
  rcp.push({
    Sid: 'DataRolesOnlyFromThisAccount',
    Effect: 'Deny',
    Principal: '*',
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Resource: `arn:aws:iam::*:role/${dataRole}`,
    Condition: { StringNotEqualsIfExists: { 'aws:PrincipalAccount': [account] }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
  });
  return { scp, rcp };
}

/**
 * The policies to attach, each at most 5,120 characters: statements in order, a new document when
 * the next would not fit. @throws Error naming the statement when one alone is too large, or when
 * more than 5 SCPs would be needed for one target.
 */
export function orgPolicies(manifest: Manifest, options: OrgPolicyOptions = {}): OrgPolicy[] {
  const { scp, rcp } = orgPolicyStatements(manifest, options);
  const base = `${manifest.project}-${manifest.environment}-warden`;
  const split = (kind: 'SCP' | 'RCP', statements: readonly Statement[], description: string): OrgPolicy[] => {
    const groups: Statement[][] = [];
    for (const statement of statements) {
      const current = groups.at(-1);
      if (current && size([...current, statement]) <= ORG_POLICY_MAX_CHARS) current.push(statement);
      else {
        if (size([statement]) > ORG_POLICY_MAX_CHARS) {
          throw new Error(`${kind} statement ${statement.Sid} alone is ${size([statement])} characters, over AWS Organizations' ${ORG_POLICY_MAX_CHARS}; fewer servers per manifest would shorten its resource list`);
        }
        groups.push([statement]);
      }
    }
    if (groups.length > ORG_POLICIES_PER_TARGET) throw new Error(`the ${kind}s need ${groups.length} documents, but at most ${ORG_POLICIES_PER_TARGET} may be attached to one account`);
    return groups.map((group, i) => {
      const document = { Version: '2012-10-17' as const, Statement: group };
      return { name: `${base}-${kind.toLowerCase()}${groups.length > 1 ? `-${i + 1}` : ''}`, kind, description, document, chars: JSON.stringify(document).length };
    });
  };
  return [
    ...split('SCP', scp, `mcp-warden ${manifest.project}-${manifest.environment}: no direct invoke or change of warden functions, no PassRole of warden roles, no warden:* tag changes, no trail, log or key tampering (except the deployment)`),
    ...split('RCP', rcp, `mcp-warden ${manifest.project}-${manifest.environment}: warden roles and keys only for this account and the accounts the manifest trusts`),
  ];
}

function size(statements: readonly Statement[]): number {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }).length;
}
