/**
 * `<project>-<environment>-servers[-N]`: one WardenNetwork (VPC, flow logs, endpoints) and one
 * McpServer per manifest server in it, each granting its agents' caller roles
 * `execute-api:Invoke` on its `POST /mcp`; the first shard also holds the shared kill-switch
 * table, which later shards read by reference.
 *
 * Servers share stacks rather than getting one each: nothing in a server grows with its agents
 * (they are named in policies by ARN or, past the size limits, by pattern and tag; the invoke
 * grant is one managed policy per server attached to the roles by name), so a server costs the
 * same ~SERVER_RESOURCES resources whether it admits 4 agents or 1,000, and a few fit a stack.
 * The stack names the identity stacks' roles only by their deterministic names: no exports, no
 * cycles. It deploys after them, so the roles its policies name and attach to already exist.
 */
import { CfnResource, Duration, TagManager } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { backupPlanCron } from '../../constructs/data-plane';
import { AgentStatusTable, McpServer, WardenNetwork } from '../../constructs/mcp-server';
import { ApprovalsTable } from '../../constructs/approvals';
import { ServerRoleBoundary } from '../../constructs/agent-identity';
import { approvalsTopicArn, grantApprovals } from './server-approvals';
import type { ServerSpec } from '../config/schema';
import { WardenStack, type WardenStackProps } from './warden-stack';

export interface WardenServersStackProps extends Omit<WardenStackProps, 'part' | 'shard'> {
  /** Folder the manifest's `entry` and policy paths are relative to. */
  readonly manifestDir: string;
  /** The servers of this shard. */
  readonly servers: readonly ServerSpec[];
  /** Shard index. @default 0 */
  readonly shard?: number;
  /** The kill switch of the first shard. @default - created here (the first shard) */
  readonly agentStatusTable?: dynamodb.ITable;
  /** The approvals table of the first shard. @default - created here (the first shard) when a tool needs approval */
  readonly approvals?: ApprovalsTable;
}

/**
 * Resources one McpServer adds in a shared network (key, security group and its rules, function,
 * role, policies, API with its two methods and 14 JSON-RPC gateway responses, rate-limit table,
 * log groups: 35 in the default app), rounded up.
 */
export const SERVER_RESOURCES = 40;
/**
 * Resources of the shared network (VPC, subnets, route tables, flow logs, six endpoints, two
 * security groups, key: 23 in the default app), the kill switch and the boundary, rounded up.
 */
export const NETWORK_RESOURCES = 35;
/** Servers per stack: 35 + 8 x 40 = 355 stays well inside CloudFormation's 500 resources per stack. */
export const SERVERS_PER_STACK = 8;

export class WardenServersStack extends WardenStack {
  /** The kill switch, when this is the shard that holds it. */
  public readonly agentStatus?: AgentStatusTable;
  /** The kill switch all servers of this shard read. */
  public readonly agentStatusTable: dynamodb.ITable;
  /** Held tool calls (lib/approvals), when a tool of the manifest needs approval: created by the first shard. */
  public readonly approvals?: ApprovalsTable;
  /** The network every server of this stack runs in. */
  public readonly network: WardenNetwork;
  /** One per manifest server, in manifest order. */
  public readonly servers: readonly McpServer[];

  constructor(scope: Construct, props: WardenServersStackProps) {
    const { manifestDir, servers, agentStatusTable, approvals, ...rest } = props;
    super(scope, { ...rest, part: 'servers' });
    const { manifest } = props;
    const { project, environment } = manifest;
    if (agentStatusTable) {
      this.agentStatusTable = agentStatusTable;
    } else {
      // backed up like the datasets, on the manifest's schedule and retention
      const { retainDays, schedule } = manifest.backups;
      this.agentStatus = new AgentStatusTable(this, 'AgentStatus', {
        project,
        environment,
        backups: { retention: Duration.days(retainDays), schedule: events.Schedule.expression(backupPlanCron(schedule)) },
      });
      this.agentStatusTable = this.agentStatus.table;
    }
    // One VPC per server would hit the 5-VPCs-per-region default quota and pay for four interface
    // endpoints per AZ per server; one network per stack keeps both flat.
    // every shard's servers that hold calls, by name: no other server role writes approvals
    const holdingServers = manifest.servers.filter((server) => server.tools.some((t) => t.approval !== undefined)).map((server) => server.name);
    if (holdingServers.length > 0) {
      this.approvals = approvals ?? new ApprovalsTable(this, 'Approvals', { project, environment, deciderRoleArn: manifest.approvals?.deciderRoleArn, serverNames: holdingServers });
    }
    // approvers are notified on SNS: its interface endpoint's name must resolve through the DNS firewall
    // before any server: the boundary admits Publish only to the approvers' topic
    if (this.approvals) ServerRoleBoundary.of(this, { project, environment, notifyTopicArns: [approvalsTopicArn(this, manifest)] });
    this.network = new WardenNetwork(this, 'Network', { project, environment, ...(this.approvals ? { allowedDomains: [`sns.${this.region}.amazonaws.com`] } : {}) });
    this.servers = servers.map((server) => {
      // the account's API Gateway CloudWatch role is one setting: the first shard creates it, later shards (deployed after it) use it
      const executionLogging = agentStatusTable ? 'existing' : 'create';
      const mcp = new McpServer(this, `Server-${server.name}`, { manifest, server: server.name, manifestDir, agentStatusTable: this.agentStatusTable, network: this.network, executionLogging });
      mcp.grantInvokeToAgents();
      if (this.approvals && server.tools.some((t) => t.approval !== undefined)) grantApprovals(mcp, this.approvals, manifest);
      return mcp;
    });
    this.tagProviderRoles();
  }

  /**
   * A CustomResourceProvider's role is a plain CfnResource, which the Tags aspect skips; give such
   * roles the stack's tags so every role of the stack says which project and environment it
   * belongs to (the network's own deploy-time calls use an L2 role, DefaultSecurityGroupLockdown).
   */
  private tagProviderRoles(): void {
    const tags = Object.entries(this.tags.tagValues()).map(([Key, Value]) => ({ Key, Value }));
    for (const c of this.node.findAll()) {
      if (c instanceof CfnResource && c.cfnResourceType === 'AWS::IAM::Role' && !TagManager.isTaggable(c)) c.addPropertyOverride('Tags', tags);
    }
  }

  /** A server by its manifest name. */
  public server(name: string): McpServer {
    const server = this.servers.find((s) => s.serverName === name);
    if (!server) throw new Error(`no server "${name}"; servers are ${this.servers.map((s) => s.serverName).join(', ')}.`);
    return server;
  }
}
