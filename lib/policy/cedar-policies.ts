/**
 * Manifest → Cedar: one `permit` per agent × tool grant (pinned to the tool's data class and
 * access, so a policy reviewed in a backup says exactly what it allows) plus structural
 * `forbid`s that hold whatever the permits say. Also the entities the policies are evaluated
 * against. Pure: derived from the AccessModel like IAM and the access matrix.
 */
import type { Manifest } from '../config/schema';
import { AccessModel, type FeatureKind, type Grant, type PromptGrant } from './access-model';
import { CALL_TOOL_ACTION, CEDAR_NAMESPACE, GET_PROMPT_ACTION, READ_RESOURCE_ACTION } from './cedar-schema';

/** Cedar's JSON entity shape (the subset we produce). */
export interface CedarEntity {
  readonly uid: { readonly type: string; readonly id: string };
  readonly attrs: Record<string, unknown>;
  readonly parents: readonly { readonly type: string; readonly id: string }[];
}

export const AGENT_TYPE = `${CEDAR_NAMESPACE}::Agent`;
export const TOOL_TYPE = `${CEDAR_NAMESPACE}::Tool`;
export const RESOURCE_TYPE = `${CEDAR_NAMESPACE}::Resource`;
export const PROMPT_TYPE = `${CEDAR_NAMESPACE}::Prompt`;
/** Cedar entity type and action of each kind of thing an agent may use. */
export const FEATURE_CEDAR: Readonly<Record<FeatureKind, { readonly type: string; readonly action: string }>> = {
  tool: { type: TOOL_TYPE, action: CALL_TOOL_ACTION },
  resource: { type: RESOURCE_TYPE, action: READ_RESOURCE_ACTION },
  prompt: { type: PROMPT_TYPE, action: GET_PROMPT_ACTION },
};
export const DATA_CLASS_TYPE = `${CEDAR_NAMESPACE}::DataClass`;
export const ACTION_TYPE = `${CEDAR_NAMESPACE}::Action`;

/** Refuses every call of an agent whose kill-switch status is anything but "active". */
export const FORBID_NOT_ACTIVE_ID = 'forbid:agent-not-active';

/** Cedar string literal: JSON escaping is a subset of Cedar's. */
const lit = (s: string): string => JSON.stringify(s);

export const toolId = (server: string, tool: string): string => `${server}/${tool}`;
/** `permit:agent:server/tool`; resources and prompts carry their kind (`permit:agent:prompt:server/name`) so names never collide. */
export const permitId = (g: Pick<Grant, 'agent' | 'server' | 'tool'> & { readonly kind?: FeatureKind }): string =>
  `permit:${g.agent}:${g.kind === undefined || g.kind === 'tool' ? '' : `${g.kind}:`}${toolId(g.server, g.tool)}`;

function permitText(kind: FeatureKind, g: { agent: string; server: string; tool: string; dataClass: string; access: string }): string {
  const { type, action } = FEATURE_CEDAR[kind];
  return [
    `@id(${lit(permitId({ ...g, kind }))})`,
    'permit (',
    `  principal == ${AGENT_TYPE}::${lit(g.agent)},`,
    `  action == ${ACTION_TYPE}::${lit(action)},`,
    `  resource == ${type}::${lit(toolId(g.server, g.tool))}`,
    `) when { resource.dataClass == ${DATA_CLASS_TYPE}::${lit(g.dataClass)} && resource.access == ${lit(g.access)} };`,
  ].join('\n');
}

const promptPermit = (g: PromptGrant) => ({ agent: g.agent, server: g.server, tool: g.prompt, dataClass: g.dataClass, access: 'read' });

const STRUCTURAL_FORBIDS: ReadonlyArray<readonly [string, string]> = [
  [
    FORBID_NOT_ACTIVE_ID,
    // `unless ... == "active"` rather than `when ... == "contained"`: any other status
    // (a future one, or a typo in the status table) refuses too.
    `@id(${lit(FORBID_NOT_ACTIVE_ID)})\nforbid (principal, action, resource)\nunless { context.agentStatus == "active" };`,
  ],
];

/** The generated policies by id, in a stable order (structural forbids first). */
export function generatedPolicies(manifest: Manifest, model = new AccessModel(manifest)): Map<string, string> {
  const out = new Map<string, string>(STRUCTURAL_FORBIDS.map(([id, text]) => [id, text]));
  for (const g of model.grants) out.set(permitId(g), permitText(g.kind ?? 'tool', g));
  for (const g of model.promptGrants) out.set(permitId({ ...promptPermit(g), kind: 'prompt' }), permitText('prompt', promptPermit(g)));
  return out;
}

/** The manifest's Cedar policies as one text, for review and backup. */
export function cedarPolicies(manifest: Manifest): string {
  const header = `// mcp-warden Cedar policies for ${manifest.project}-${manifest.environment}. Generated from the manifest: do not edit.\n`;
  return `${header}\n${[...generatedPolicies(manifest).values()].join('\n\n')}\n`;
}

/** Entities by uid key (`Type::id`): every data class, agent, tool, resource and prompt of the manifest. */
export function cedarEntities(manifest: Manifest): Map<string, CedarEntity> {
  const out = new Map<string, CedarEntity>();
  const cls = (name: string) => ({ __entity: { type: DATA_CLASS_TYPE, id: name } });
  manifest.dataClasses.forEach((name, rank) => out.set(`${DATA_CLASS_TYPE}::${name}`, { uid: { type: DATA_CLASS_TYPE, id: name }, attrs: { rank }, parents: [] }));
  for (const a of manifest.agents) {
    out.set(`${AGENT_TYPE}::${a.name}`, { uid: { type: AGENT_TYPE, id: a.name }, attrs: { clearance: cls(a.clearance) }, parents: [] });
  }
  const datasets = new Map(manifest.datasets.map((d) => [d.name, d]));
  for (const s of manifest.servers) {
    for (const t of s.tools) {
      const dataset = datasets.get(t.dataset);
      if (!dataset) throw new Error(`tool "${toolId(s.name, t.name)}" uses unknown dataset "${t.dataset}": declare it under datasets`);
      const id = toolId(s.name, t.name);
      out.set(`${TOOL_TYPE}::${id}`, { uid: { type: TOOL_TYPE, id }, attrs: { server: s.name, dataset: t.dataset, dataClass: cls(dataset.class), access: t.access }, parents: [] });
    }
    for (const r of s.resources ?? []) {
      const dataset = datasets.get(r.dataset);
      if (!dataset) throw new Error(`resource "${toolId(s.name, r.name)}" uses unknown dataset "${r.dataset}": declare it under datasets`);
      const id = toolId(s.name, r.name);
      out.set(`${RESOURCE_TYPE}::${id}`, { uid: { type: RESOURCE_TYPE, id }, attrs: { server: s.name, dataset: r.dataset, dataClass: cls(dataset.class), access: 'read' }, parents: [] });
    }
    for (const p of s.prompts ?? []) {
      const id = toolId(s.name, p.name);
      const rank = (c: string) => manifest.dataClasses.indexOf(c);
      const top = p.dataClasses.reduce((a, b) => (rank(b) > rank(a) ? b : a));
      out.set(`${PROMPT_TYPE}::${id}`, { uid: { type: PROMPT_TYPE, id }, attrs: { server: s.name, dataset: '', dataClass: cls(top), access: 'read' }, parents: [] });
    }
  }
  return out;
}
