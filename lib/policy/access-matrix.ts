/**
 * Who may call what, touching which data class: one row per agent × tool, resource and prompt
 * grant, from the same AccessModel that generates IAM and Cedar, so the report cannot disagree
 * with enforcement.
 */
import { REDACTION_TYPES, type Manifest, type RedactionType } from '../config/schema';
import { redactionPolicy } from '../guard/redact/policy';
import { AccessModel } from './access-model';

export interface AccessMatrixRow {
  readonly agent: string;
  readonly clearance: string;
  readonly server: string;
  /** What the row grants: a tool (call), a resource or resource template (read), a prompt (get). */
  readonly kind: 'tool' | 'resource' | 'prompt';
  /** The tool's, resource's or prompt's name. */
  readonly tool: string;
  /** Empty for a prompt (it reads no dataset). */
  readonly dataset: string;
  readonly dataClass: string;
  readonly access: 'read' | 'write';
  /** Redaction types scrubbed from this agent's results (their class is above its clearance). */
  readonly redactedTypes?: RedactionType[];
}

export interface AccessMatrixOptions {
  /**
   * Data class of each redaction type. @default - the redaction engine's policy for the manifest
   * (`guard.redaction`, else secrets and payment/identity numbers in the most sensitive class,
   * contact details in the class below it)
   */
  readonly redactionClasses?: Partial<Record<RedactionType, string>>;
}

/** Data class of every redaction type: the redaction engine's own policy, so the report matches it. */
export function redactionClasses(manifest: Manifest): Record<RedactionType, string> {
  return { ...redactionPolicy(manifest).classOf };
}

export function accessMatrix(manifest: Manifest, options: AccessMatrixOptions = {}): AccessMatrixRow[] {
  const model = new AccessModel(manifest);
  const byType = { ...redactionClasses(manifest), ...options.redactionClasses };
  const rows = [
    ...model.grants.map((g) => ({ agent: g.agent, server: g.server, kind: g.kind ?? ('tool' as const), tool: g.tool, dataset: g.dataset, dataClass: g.dataClass, access: g.access })),
    ...model.promptGrants.map((g) => ({ agent: g.agent, server: g.server, kind: 'prompt' as const, tool: g.prompt, dataset: '', dataClass: g.dataClass, access: 'read' as const })),
  ];
  return rows.map((g) => {
    const clearance = model.agent(g.agent).clearance;
    const redacted = REDACTION_TYPES.filter((t) => byType[t] !== undefined && !model.isCleared(clearance, byType[t]!));
    const row: AccessMatrixRow = { agent: g.agent, clearance, server: g.server, kind: g.kind, tool: g.tool, dataset: g.dataset, dataClass: g.dataClass, access: g.access };
    return redacted.length > 0 ? { ...row, redactedTypes: redacted } : row;
  });
}
