/**
 * The manifest resolved into who may do what: every (agent, server, tool, dataset,
 * data class, access) grant. IAM policies, Cedar policies and the access matrix are all
 * derived from this one model so they cannot disagree. Pure: no aws-cdk-lib.
 */
import type { AccessLevel, AgentSpec, DatasetSpec, Manifest, PromptSpec, ResourceSpec, ServerSpec, ToolSpec } from '../config/schema';

/** What an agent may use on a server: a tool, a resource (or template), or a prompt. */
export type FeatureKind = 'tool' | 'resource' | 'prompt';

/** A grant touching a dataset: a tool, or a resource (read). IAM data roles are built from these. */
export interface Grant {
  readonly agent: string;
  readonly server: string;
  /** The tool's (or resource's) name. */
  readonly tool: string;
  /** @default 'tool' */
  readonly kind?: 'tool' | 'resource';
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

/** A prompt grant: no dataset; its data class is the most sensitive one its arguments may carry. */
export interface PromptGrant {
  readonly agent: string;
  readonly server: string;
  readonly prompt: string;
  readonly dataClass: string;
}

export class AccessModel {
  /** Tool and resource grants (every grant that touches a dataset). */
  public readonly grants: readonly Grant[];
  public readonly promptGrants: readonly PromptGrant[];
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
        grants.push({ agent: agent.name, server: server.name, tool: tool.name, kind: 'tool', dataset: dataset.name, dataClass: dataset.class, access: tool.access });
      }
      for (const ref of agent.resources ?? []) {
        const { server, resource } = this.resolveResource(ref);
        const dataset = this.dataset(resource.dataset);
        grants.push({ agent: agent.name, server: server.name, tool: resource.name, kind: 'resource', dataset: dataset.name, dataClass: dataset.class, access: 'read' });
      }
    }
    this.grants = grants;
    this.promptGrants = manifest.agents.flatMap((agent) =>
      (agent.prompts ?? []).map((ref) => {
        const { server, prompt } = this.resolvePrompt(ref);
        return { agent: agent.name, server: server.name, prompt: prompt.name, dataClass: this.mostSensitive(prompt.dataClasses) };
      }),
    );
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

  /** Resolves `server/resource`. */
  public resolveResource(ref: string): { server: ServerSpec; resource: ResourceSpec } {
    const [serverName, name, ...rest] = ref.split('/');
    const server = this.servers.get(serverName ?? '');
    const resource = server?.resources?.find((r) => r.name === name);
    if (!server || !resource || rest.length > 0) throw new Error(`unknown resource "${ref}"`);
    return { server, resource };
  }

  /** Resolves `server/prompt`. */
  public resolvePrompt(ref: string): { server: ServerSpec; prompt: PromptSpec } {
    const [serverName, name, ...rest] = ref.split('/');
    const server = this.servers.get(serverName ?? '');
    const prompt = server?.prompts?.find((p) => p.name === name);
    if (!server || !prompt || rest.length > 0) throw new Error(`unknown prompt "${ref}"`);
    return { server, prompt };
  }

  /** The most sensitive of the classes (a prompt's authorization class). */
  public mostSensitive(classes: readonly string[]): string {
    return classes.reduce((a, b) => (this.classRank(b) > this.classRank(a) ? b : a));
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

  /** Agents granted at least one tool, resource or prompt on a server: the only callers its API admits. */
  public agentsOfServer(server: string): AgentSpec[] {
    const names = new Set([...this.grants, ...this.promptGrants].filter((g) => g.server === server).map((g) => g.agent));
    return this.manifest.agents.filter((a) => names.has(a.name));
  }

  /** The datasets a server's tools and resources use. */
  public datasetsOfServer(server: string): DatasetSpec[] {
    const spec = this.server(server);
    const names = new Set([...spec.tools.map((t) => t.dataset), ...(spec.resources ?? []).map((r) => r.dataset)]);
    return this.manifest.datasets.filter((d) => names.has(d.name));
  }
}
