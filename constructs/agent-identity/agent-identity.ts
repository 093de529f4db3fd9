/**
 * `AgentIdentity`: the two IAM roles of one agent.
 *
 * - The *caller role* is what the agent's runtime assumes (as the manifest's `assumedBy` says).
 *   It starts with no permissions; the MCP server grants it `execute-api:Invoke` on its route
 *   with `grantInvoke`.
 * - The *data role* is assumed (with session tags) only by the MCP server acting for this agent.
 *   It may use exactly the agent's datasets: the DynamoDB actions its tools need on those tables
 *   and their indexes, and the class keys only through DynamoDB for those table names. Each
 *   statement also names the servers whose tools need it (`aws:PrincipalTag/warden:server`, a
 *   session tag the trust binds to the assuming server's role), so a server acting for the agent
 *   reaches only its own tools' datasets at its own tools' access level.
 *
 * Both roles have one-hour sessions, the warden permissions boundary, and `warden:*` tags that
 * the compliance rules and incident response rely on.
 */
import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AgentSpec, AssumedBy } from '../../lib/config/schema';
import type { AccessModel } from '../../lib/policy/access-model';
import { DATA_CLASSES_TAG, dataClassesTagValue, IAM_TAG_VALUE_MAX } from '../../lib/config/role-names';
import type { IDataset } from '../data-plane';
import { ManagedPolicyPrincipal } from './managed-policy-principal';
import { DataRoleBoundary } from './allow-list-boundaries';
import { WardenPermissionsBoundary } from './permissions-boundary';
import { accountBoundServicePrincipal } from './service-trust';
import { agentRoleNames, roleNameLengthProblem, SERVER_ACCESS_TAG_VALUE, serverAccessTag, serverFunctionRoleName } from './role-names';
import { DATA_SESSION_TAG_KEYS, SESSION_TAG_AGENT, SESSION_TAG_SERVER } from './session-tags';

/** One hour: IAM's default and the warden maximum for agent sessions. */
export const AGENT_MAX_SESSION = Duration.hours(1);

/** The two roles of an agent, created here or imported by name. */
export interface IAgentIdentity {
  readonly agentName: string;
  readonly callerRole: iam.IRole;
  readonly dataRole: iam.IRole;
  /** Lets `grantee` assume the data role with session tags (its trust policy must admit it too). */
  grantAssumeData(grantee: iam.IGrantable): iam.Grant;
}

export interface AgentIdentityProps {
  /** The manifest's access model; the agent's grants are read from it, never re-derived. */
  readonly model: AccessModel;
  /** The agent as declared in the manifest. */
  readonly agent: AgentSpec;
  /** The datasets of the manifest (at least every dataset the agent's tools use). */
  readonly datasets: readonly IDataset[];
  /**
   * Boundary of the caller role.
   * @default - the warden deny-list boundary of this stack (`WardenPermissionsBoundary.of`)
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * Boundary of the data role.
   * @default - the warden allow-list boundary of data roles of this stack (`DataRoleBoundary.of`)
   */
  readonly dataRoleBoundary?: iam.IManagedPolicy;
  /**
   * Who may assume the data role. `sts:TagSession` is added to the trust automatically, with the
   * conditions every session must meet (`warden:agent` = this agent, only the warden session tag
   * keys). The principal must also send `warden:server` naming a server of this agent: the data
   * policy allows nothing without it.
   * @default - one trust statement per MCP server this agent's tools are on: that server's
   * function role (`serverFunctionRoleName`, matched by `aws:PrincipalArn` so the trust needs no
   * deploy order and survives a server role being re-created) with the session tag
   * `warden:server` = that server's name
   */
  readonly dataRoleTrustedBy?: iam.IPrincipal;
}

export interface AgentIdentityLookup {
  readonly project: string;
  readonly environment: string;
  readonly agent: string;
}

export class AgentIdentity extends Construct implements IAgentIdentity {
  /** The roles of an agent deployed elsewhere, found by their deterministic names. */
  public static fromAgentName(scope: Construct, id: string, lookup: AgentIdentityLookup): IAgentIdentity {
    return new ImportedAgentIdentity(scope, id, lookup);
  }

  public readonly agentName: string;
  public readonly callerRole: iam.Role;
  public readonly dataRole: iam.Role;
  /** The only policy of the data role: the agent's datasets and their keys. */
  public readonly dataPolicy: iam.ManagedPolicy;
  /** Datasets the data role reaches, with the access its tools need (over all its servers). */
  public readonly datasetAccess: ReadonlyMap<string, 'read' | 'write'>;
  /** Per server the agent has tools on: the datasets a session tagged with that server reaches. */
  public readonly serverDatasetAccess: ReadonlyMap<string, ReadonlyMap<string, 'read' | 'write'>>;
  private callerPolicy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: AgentIdentityProps) {
    super(scope, id);
    const { model, agent } = props;
    const { project, environment } = model.manifest;
    const where = `AgentIdentity ${agent.name}`;
    if (!model.manifest.agents.some((a) => a.name === agent.name)) {
      throw new Error(`${where}: agent "${agent.name}" is not in the manifest of the access model; build the model from the manifest that declares it.`);
    }
    const tooLong = roleNameLengthProblem(project, environment, agent.name);
    if (tooLong) throw new Error(`${where}: ${tooLong}.`);

    const grants = model.datasetGrantsOf(agent.name);
    if (grants.length === 0) {
      throw new Error(`${where}: the agent has no dataset grants; give it at least one tool in the manifest, or remove it.`);
    }
    const byName = new Map(props.datasets.map((d) => [d.datasetName, d]));
    const datasets = grants.map((g) => {
      const dataset = byName.get(g.dataset.name);
      if (!dataset) {
        throw new Error(`${where}: no Dataset for "${g.dataset.name}" (used by ${g.tools.join(', ')}); pass it in \`datasets\`.`);
      }
      if (dataset.dataClass !== g.dataset.class) {
        throw new Error(`${where}: Dataset "${g.dataset.name}" is of class "${dataset.dataClass}" but the manifest says "${g.dataset.class}"; build both from the same manifest.`);
      }
      return { dataset, access: g.access };
    });
    this.agentName = agent.name;
    this.datasetAccess = new Map(datasets.map((d) => [d.dataset.datasetName, d.access]));
    this.serverDatasetAccess = serverDatasetAccess(model, agent.name);

    const boundary = props.permissionsBoundary ?? WardenPermissionsBoundary.of(this, { project, environment }).managedPolicy;
    const names = agentRoleNames(project, environment, agent.name);

    this.callerRole = new iam.Role(this, 'CallerRole', {
      roleName: names.caller,
      description: `mcp-warden ${project}-${environment}: ${agent.name} calls its MCP servers with this role`,
      assumedBy: callerPrincipal(this, agent.assumedBy),
      maxSessionDuration: AGENT_MAX_SESSION,
      permissionsBoundary: boundary,
    });

    const [first, ...others] = props.dataRoleTrustedBy ? [props.dataRoleTrustedBy] : this.serverPrincipals(model);
    this.dataRole = new iam.Role(this, 'DataRole', {
      roleName: names.data,
      description: `mcp-warden ${project}-${environment}: the MCP server uses ${agent.name}'s datasets with this role`,
      assumedBy: this.sessionPrincipal(first!),
      maxSessionDuration: AGENT_MAX_SESSION,
      permissionsBoundary: props.dataRoleBoundary ?? DataRoleBoundary.of(this, { project, environment }).managedPolicy,
    });
    for (const principal of others) this.sessionPrincipal(principal).addToAssumeRolePolicy(this.dataRole.assumeRolePolicy!);

    // One statement set per (dataset, access), naming the servers whose tools need exactly that:
    // a read tool on one server and a write tool on another never merge into a write for both.
    const statements = datasets.flatMap((d) =>
      (['read', 'write'] as const).flatMap((access) => {
        const servers = [...this.serverDatasetAccess].filter(([, byDataset]) => byDataset.get(d.dataset.datasetName) === access).map(([server]) => server);
        if (servers.length === 0) return [];
        return d.dataset.accessStatements(this, access).map((s) => {
          s.addCondition('StringEquals', { [`aws:PrincipalTag/${SESSION_TAG_SERVER}`]: servers });
          return s;
        });
      }),
    );
    this.dataPolicy = new iam.ManagedPolicy(this, 'DataPolicy', {
      description: `mcp-warden ${project}-${environment}: datasets of ${agent.name} by server (${[...this.serverDatasetAccess]
        .map(([server, byDataset]) => `${server}: ${[...byDataset].map(([d, a]) => `${d}:${a}`).join(' ')}`)
        .join('; ')})`.slice(0, 1000),
      statements,
      roles: [this.dataRole],
    });
    // the classes of its datasets: class keys and classified tables admit data roles by this tag
    const classes = dataClassesTagValue(datasets.map((d) => d.dataset.dataClass));
    if (classes.length > IAM_TAG_VALUE_MAX) {
      throw new Error(`${where}: its datasets span data classes whose names make a ${DATA_CLASSES_TAG} tag of ${classes.length} characters, over IAM's ${IAM_TAG_VALUE_MAX}; use shorter data class names.`);
    }
    Tags.of(this.dataRole).add(DATA_CLASSES_TAG, classes);

    for (const [role, kind] of [
      [this.callerRole, 'caller'],
      [this.dataRole, 'data'],
    ] as const) {
      const tags = Tags.of(role);
      tags.add('warden:project', project);
      tags.add('warden:agent', agent.name);
      tags.add('warden:role', kind);
      tags.add('warden:owner', agent.owner);
      tags.add('warden:reviewed-on', agent.reviewedOn);
      // which servers may admit this agent (caller) and act with its data (data role); used by
      // servers with too many agents to list role ARNs in their policies
      for (const server of this.serverNames(model)) tags.add(serverAccessTag(server), SERVER_ACCESS_TAG_VALUE);
    }
  }

  /**
   * Grants the caller role `execute-api:Invoke` on one route of an API (the MCP server's).
   * Goes into the caller role's managed policy, never an inline one.
   * @param route @default - `POST /mcp` on the API's deployed stage (`deploymentStage`), else `v1`
   */
  public grantInvoke(
    api: { arnForExecuteApi(method?: string, path?: string, stage?: string): string; deploymentStage?: { stageName: string } },
    route: { method?: string; path?: string; stage?: string } = {},
  ): iam.Grant {
    // never the `*` stage by default: a grant on every stage is a wildcard the compliance packs reject
    const stage = route.stage ?? api.deploymentStage?.stageName ?? 'v1';
    return this.grantInvokeArns(api.arnForExecuteApi(route.method ?? 'POST', route.path ?? '/mcp', stage));
  }

  /** Grants the caller role `execute-api:Invoke` on exactly these execute-api ARNs. */
  public grantInvokeArns(...executeApiArns: string[]): iam.Grant {
    if (executeApiArns.length === 0) throw new Error(`AgentIdentity ${this.agentName}: grantInvokeArns needs at least one execute-api ARN.`);
    return iam.Grant.addToPrincipal({ grantee: this.callerGrantee(), actions: ['execute-api:Invoke'], resourceArns: executeApiArns });
  }

  /** The caller role as a grantee whose grants land in its managed policy (for other `grant*` methods). */
  public callerGrantee(): iam.IGrantable {
    return new ManagedPolicyPrincipal(this.callerRole, () => {
      this.callerPolicy ??= new iam.ManagedPolicy(this, 'CallerPolicy', {
        description: `mcp-warden: what ${this.agentName}'s caller role may invoke`,
        roles: [this.callerRole],
      });
      return this.callerPolicy;
    });
  }

  public grantAssumeData(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sts:AssumeRole', 'sts:TagSession'], resourceArns: [this.dataRole.roleArn] });
  }

  /** The MCP servers this agent has a tool on, sorted. */
  private serverNames(model: AccessModel): string[] {
    return [...new Set(model.grantsOf(this.agentName).map((g) => g.server))].sort();
  }

  /**
   * The default data-role trust, one principal per server of the agent: this account's function
   * role of that server, only with the session tag naming that server, so a server cannot open a
   * session carrying another server's grants.
   */
  private serverPrincipals(model: AccessModel): iam.IPrincipal[] {
    const { project, environment } = model.manifest;
    const stack = Stack.of(this);
    return this.serverNames(model).map((server) =>
      new iam.AccountPrincipal(stack.account).withConditions({
        ArnEquals: { 'aws:PrincipalArn': stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: serverFunctionRoleName(project, environment, server) }) },
        StringEquals: { [`aws:RequestTag/${SESSION_TAG_SERVER}`]: server },
      }),
    );
  }

  /** `principal` with sts:TagSession, only for sessions tagged for this agent with warden keys. */
  private sessionPrincipal(principal: iam.IPrincipal): iam.SessionTagsPrincipal {
    // PrincipalWithConditions merges these into the principal's own StringEquals
    return new iam.SessionTagsPrincipal(
      new iam.PrincipalWithConditions(principal, {
        StringEquals: { [`aws:RequestTag/${SESSION_TAG_AGENT}`]: this.agentName },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [...DATA_SESSION_TAG_KEYS] },
      }),
    );
  }
}

/** server -> dataset -> the strongest access the agent's tools on that server need. */
function serverDatasetAccess(model: AccessModel, agent: string): Map<string, Map<string, 'read' | 'write'>> {
  const out = new Map<string, Map<string, 'read' | 'write'>>();
  for (const g of model.grantsOf(agent)) {
    const byDataset = out.get(g.server) ?? new Map<string, 'read' | 'write'>();
    if (byDataset.get(g.dataset) !== 'write') byDataset.set(g.dataset, g.access);
    out.set(g.server, byDataset);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

function callerPrincipal(scope: Construct, assumedBy: AssumedBy): iam.IPrincipal {
  // a service acts for this account only (confused deputy)
  if ('service' in assumedBy) return accountBoundServicePrincipal(scope, assumedBy.service);
  if ('roleArn' in assumedBy) return new iam.ArnPrincipal(assumedBy.roleArn);
  return new iam.AccountPrincipal(assumedBy.accountId);
}

class ImportedAgentIdentity extends Construct implements IAgentIdentity {
  public readonly agentName: string;
  public readonly callerRole: iam.IRole;
  public readonly dataRole: iam.IRole;

  constructor(scope: Construct, id: string, lookup: AgentIdentityLookup) {
    super(scope, id);
    const tooLong = roleNameLengthProblem(lookup.project, lookup.environment, lookup.agent);
    if (tooLong) throw new Error(`AgentIdentity.fromAgentName ${lookup.agent}: ${tooLong}.`);
    const names = agentRoleNames(lookup.project, lookup.environment, lookup.agent);
    this.agentName = lookup.agent;
    this.callerRole = iam.Role.fromRoleName(this, 'CallerRole', names.caller);
    this.dataRole = iam.Role.fromRoleName(this, 'DataRole', names.data);
  }

  public grantAssumeData(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sts:AssumeRole', 'sts:TagSession'], resourceArns: [this.dataRole.roleArn] });
  }
}
