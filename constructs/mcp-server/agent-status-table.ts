/**
 * `AgentStatusTable`: the kill switch every MCP server of a project and environment reads before
 * each call (partition key `agent`, attribute `status`: 'active' | 'contained').
 *
 * Named `<project>-<environment>-agent-status` so incident response and the CLI find it without
 * cross-stack references. Encrypted with a customer-managed key of its own (rotating), point-in-
 * time recovery on. No agent may write it: the table's resource policy denies every write to the
 * warden agent and server roles by name (`<project>-<environment>-*-caller|data|server`), which
 * holds whatever identity policy such a role is given later; and it denies every item write to
 * every principal but the incident-response role (containment and release) and the MFA-gated
 * admin role (a backup restore), by name, so no other role of the account can lift a containment
 * whatever its identity policy allows. Servers get read access with
 * `grantRead`; incident response gets write access with `grantWriteStatus`.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { defaultRemovalPolicy } from '../data-plane/retention';
import { ITEM_WRITE_ACTIONS, wardenTable } from '../data-plane/warden-table';
import { agentStatusTableName, incidentResponseRoleName, wardenAdminRoleName } from '../../lib/config/deployment-names';
import { wardenRoleNamePattern } from '../agent-identity';
import { suppress } from '../compliance';
import { AgentStatusBackup, type AgentStatusBackupOptions } from './agent-status-backup';
import { AGENT_STATUS_TABLE } from './runtime/table-schemas';

export interface AgentStatusTableProps {
  readonly project: string;
  readonly environment: string;
  /** @default - RETAIN, or DESTROY for dev/test/sandbox environments */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * AWS Backup recovery points of the table in a vault of its own (`AgentStatusBackup`), or
   * `false` to rely on point-in-time recovery alone (35 days).
   * @default - daily at 05:00 UTC, kept 365 days
   */
  readonly backups?: AgentStatusBackupOptions | false;
}

/** Write actions no agent, data or server role may take on the kill switch. */
export const AGENT_STATUS_WRITE_ACTIONS: readonly string[] = [
  ...ITEM_WRITE_ACTIONS,
  'dynamodb:ImportTable',
  'dynamodb:RestoreTableFromBackup',
  'dynamodb:RestoreTableToPointInTime',
  'dynamodb:DeleteTable',
  'dynamodb:UpdateTable',
];

/** Item writes: only incident response and the admin role may make them (the table's resource policy). */
export const AGENT_STATUS_ITEM_WRITES: readonly string[] = ITEM_WRITE_ACTIONS;

/** `<project>-<environment>-agent-status` (lib/config, so the backup runtime and the CLI name it too). */
export { agentStatusTableName };


export class AgentStatusTable extends Construct {
  public readonly table: dynamodb.Table;
  public readonly encryptionKey: kms.Key;
  public readonly tableName: string;
  /** The backup plan of the table, unless `backups: false`. */
  public readonly backup?: AgentStatusBackup;

  constructor(scope: Construct, id: string, props: AgentStatusTableProps) {
    super(scope, id);
    const { project, environment } = props;
    const removalPolicy = props.removalPolicy ?? defaultRemovalPolicy(environment);
    const stack = Stack.of(this);
    this.tableName = agentStatusTableName(project, environment);
    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `mcp-warden ${project}-${environment}: the agent-status (kill switch) table`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const agentRoles = ['caller', 'data', 'server'].map((kind) =>
      stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${wardenRoleNamePattern(project, environment)}-${kind}` }),
    );
    this.table = wardenTable(this, 'Table', {
      tableName: this.tableName,
      partitionKey: AGENT_STATUS_TABLE.partitionKey,
      encryptionKey: this.encryptionKey,
      environment,
      removalPolicy,
      resourcePolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'NoAgentOrServerWrites',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: [...AGENT_STATUS_WRITE_ACTIONS],
            resources: ['*'],
            conditions: { ArnLike: { 'aws:PrincipalArn': agentRoles } },
          }),
          // table-level actions stay CloudFormation's (deployments update the table); items are incident response's
          new iam.PolicyStatement({
            sid: 'OnlyIncidentResponseAndAdminWriteItems',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: [...AGENT_STATUS_ITEM_WRITES],
            resources: ['*'],
            conditions: {
              ArnNotEquals: {
                'aws:PrincipalArn': [incidentResponseRoleName(project, environment), wardenAdminRoleName(project, environment)].map((name) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name })),
              },
            },
          }),
        ],
      }),
    });
    if (props.backups === false) {
      for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
        suppress(this.table, {
          rule: `${pack}-DynamoDBInBackupPlan`,
          reason:
            'Backups were turned off for this table (backups: false): point-in-time recovery keeps 35 days of continuous backups of the kill-switch flags, and incident response records every status change in its incident record.',
        });
      }
    } else {
      this.backup = new AgentStatusBackup(this, 'Backup', { ...props.backups, project, environment, table: this.table, removalPolicy });
    }
  }

  /** Strongly consistent reads of the flags (the MCP servers). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem').combine(this.encryptionKey.grantDecrypt(grantee));
  }

  /** Setting and clearing flags (incident response). */
  public grantWriteStatus(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem').combine(this.encryptionKey.grantEncryptDecrypt(grantee));
  }
}
