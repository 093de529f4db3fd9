/**
 * The manifest resolved into who may do what: every (agent, server, tool, dataset,
 * data class, access) grant. IAM policies, Cedar policies and the access matrix are all
 * derived from this one model so they cannot disagree. Pure: no aws-cdk-lib.
 */
import type { AccessLevel, AgentSpec, DatasetSpec, Manifest, ServerSpec, ToolSpec } from '../config/schema';

export interface Grant {
  readonly agent: string;
  readonly server: string;
  readonly tool: string;
  readonly dataset: string;
  readonly dataClass: string;
  readonly access: AccessLevel;
}

/** What one agent may do with one dataset: the union of its tools' access. */
export interface DatasetGrant {
  readonly dataset: DatasetSpec;
  /** 'write' implies read. */
  readonly access: AccessLevel;
  /** The tools that need this dataset. */
  readonly tools: readonly string[];
}

export class AccessModel {
  public readonly grants: readonly Grant[];
  private readonly datasets: ReadonlyMap<string, DatasetSpec>;
  private readonly servers: ReadonlyMap<string, ServerSpec>;
  private readonly agents: ReadonlyMap<string, AgentSpec>;

  constructor(public readonly manifest: Manifest) {
    this.datasets = new Map(manifest.datasets.map((d) => [d.name, d]));
    this.servers = new Map(manifest.servers.map((s) => [s.name, s]));
    this.agents = new Map(manifest.agents.map((a) => [a.name, a]));
    const grants: Grant[] = [];
    for (const agent of manifest.agents) {
      for (const ref of agent.tools) {
        const { server, tool } = this.resolveTool(ref);
        const dataset = this.dataset(tool.dataset);
        grants.push({ agent: agent.name, server: server.name, tool: tool.name, dataset: dataset.name, dataClass: dataset.class, access: tool.access });
      }
    }
    this.grants = grants;
  }

  /** Rank of a data class: 0 is the least sensitive. Throws for an unknown class. */
  public classRank(dataClass: string): number {
    const rank = this.manifest.dataClasses.indexOf(dataClass);
    if (rank < 0) throw new Error(`unknown data class "${dataClass}"`);
    return rank;
  }

  /** True when an agent cleared for `clearance` may see data of `dataClass` unredacted. */
  public isCleared(clearance: string, dataClass: string): boolean {
    return this.classRank(dataClass) <= this.classRank(clearance);
  }

  public agent(name: string): AgentSpec {
    const agent = this.agents.get(name);
    if (!agent) throw new Error(`unknown agent "${name}"`);
    return agent;
  }

  public server(name: string): ServerSpec {
    const server = this.servers.get(name);
    if (!server) throw new Error(`unknown server "${name}"`);
    return server;
  }

  public dataset(name: string): DatasetSpec {
    const dataset = this.datasets.get(name);
    if (!dataset) throw new Error(`unknown dataset "${name}"`);
    return dataset;
  }

  /** Resolves `server/tool`. */
  public resolveTool(ref: string): { server: ServerSpec; tool: ToolSpec } {
    const [serverName, toolName, ...rest] = ref.split('/');
    const server = this.servers.get(serverName ?? '');
    const tool = server?.tools.find((t) => t.name === toolName);
    if (!server || !tool || rest.length > 0) throw new Error(`unknown tool "${ref}"`);
    return { server, tool };
  }

  public grantsOf(agent: string): Grant[] {
    return this.grants.filter((g) => g.agent === agent);
  }

  /** The datasets an agent may touch, with the strongest access any of its tools needs. */
  public datasetGrantsOf(agent: string): DatasetGrant[] {
    const byDataset = new Map<string, { access: AccessLevel; tools: string[] }>();
    for (const g of this.grantsOf(agent)) {
      const entry = byDataset.get(g.dataset) ?? { access: 'read' as AccessLevel, tools: [] };
      if (g.access === 'write') entry.access = 'write';
      entry.tools.push(`${g.server}/${g.tool}`);
      byDataset.set(g.dataset, entry);
    }
    return [...byDataset.entries()].map(([name, e]) => ({ dataset: this.dataset(name), access: e.access, tools: e.tools }));
  }

  /** Agents granted at least one tool on a server: the only callers its API admits. */
  public agentsOfServer(server: string): AgentSpec[] {
    const names = new Set(this.grants.filter((g) => g.server === server).map((g) => g.agent));
    return this.manifest.agents.filter((a) => names.has(a.name));
  }

  /** The datasets a server's tools use. */
  public datasetsOfServer(server: string): DatasetSpec[] {
    const names = new Set(this.server(server).tools.map((t) => t.dataset));
    return this.manifest.datasets.filter((d) => names.has(d.name));
  }
}
