/**
 * A forgiving, typed view of manifest data that may not have passed the schema, so the
 * cross-checks can run alongside the schema and every error is reported in one pass.
 * Anything of the wrong type is simply absent here (the schema reports it).
 */

export interface RawDataset {
  readonly index: number;
  readonly name?: string;
  readonly class?: string;
}

export interface RawTool {
  readonly index: number;
  readonly name?: string;
  readonly dataset?: string;
}

export interface RawPrompt {
  readonly index: number;
  readonly name?: string;
  readonly dataClasses: readonly { readonly index: number; readonly name?: string }[];
}

export interface RawServer {
  readonly index: number;
  readonly name?: string;
  readonly entry?: string;
  readonly tools: readonly RawTool[];
  /** Resources have a name and a dataset, as tools do. */
  readonly resources: readonly RawTool[];
  readonly prompts: readonly RawPrompt[];
}

export interface RawAgentTool {
  readonly index: number;
  readonly ref?: string;
}

export interface RawAgent {
  readonly index: number;
  readonly name?: string;
  readonly clearance?: string;
  readonly reviewedOn?: string;
  readonly tools: readonly RawAgentTool[];
  readonly resources: readonly RawAgentTool[];
  readonly prompts: readonly RawAgentTool[];
}

export interface RawManifest {
  readonly project?: string;
  readonly environment?: string;
  readonly dataClasses: readonly { readonly index: number; readonly name?: string }[];
  readonly datasets: readonly RawDataset[];
  readonly servers: readonly RawServer[];
  readonly agents: readonly RawAgent[];
  readonly reviewIntervalDays?: number;
  readonly policies: readonly { readonly index: number; readonly file?: string }[];
  readonly redaction: readonly { readonly type: string; readonly class?: string }[];
  /** `guard.injection.exempt[].tool` references. */
  readonly injectionExemptions: readonly { readonly index: number; readonly tool?: string }[];
  /** Agent names under `alerts.agents`. */
  readonly alertAgents: readonly string[];
  /** `trail.dataEventClasses`. */
  readonly trailClasses: readonly { readonly index: number; readonly name?: string }[];
}

export function readRawManifest(data: Record<string, unknown>): RawManifest {
  const compliance = mapping(data.compliance);
  const guard = mapping(data.guard);
  return {
    project: text(data.project),
    environment: text(data.environment),
    dataClasses: list(data.dataClasses).map((value, index) => ({ index, name: text(value) })),
    datasets: list(data.datasets).map((value, index) => {
      const d = mapping(value);
      return { index, name: text(d.name), class: text(d.class) };
    }),
    servers: list(data.servers).map((value, index) => {
      const s = mapping(value);
      return {
        index,
        name: text(s.name),
        entry: text(s.entry),
        tools: list(s.tools).map((tool, toolIndex) => {
          const t = mapping(tool);
          return { index: toolIndex, name: text(t.name), dataset: text(t.dataset) };
        }),
        resources: list(s.resources).map((resource, i) => {
          const r = mapping(resource);
          return { index: i, name: text(r.name), dataset: text(r.dataset) };
        }),
        prompts: list(s.prompts).map((prompt, i) => {
          const p = mapping(prompt);
          return { index: i, name: text(p.name), dataClasses: list(p.dataClasses).map((c, ci) => ({ index: ci, name: text(c) })) };
        }),
      };
    }),
    agents: list(data.agents).map((value, index) => {
      const a = mapping(value);
      return {
        index,
        name: text(a.name),
        clearance: text(a.clearance),
        reviewedOn: text(a.reviewedOn),
        tools: list(a.tools).map((ref, toolIndex) => ({ index: toolIndex, ref: text(ref) })),
        resources: list(a.resources).map((ref, i) => ({ index: i, ref: text(ref) })),
        prompts: list(a.prompts).map((ref, i) => ({ index: i, ref: text(ref) })),
      };
    }),
    reviewIntervalDays: typeof compliance.reviewIntervalDays === 'number' ? compliance.reviewIntervalDays : undefined,
    policies: list(guard.policies).map((value, index) => ({ index, file: text(value) })),
    redaction: Object.entries(mapping(guard.redaction)).map(([type, value]) => ({ type, class: text(value) })),
    injectionExemptions: list(mapping(guard.injection).exempt).map((value, index) => ({ index, tool: text(mapping(value).tool) })),
    alertAgents: Object.keys(mapping(mapping(data.alerts).agents)),
    trailClasses: list(mapping(data.trail).dataEventClasses).map((value, index) => ({ index, name: text(value) })),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function mapping(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
