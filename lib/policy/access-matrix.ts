/**
 * Who may call what, touching which data class: one row per agent × tool grant, from the same
 * AccessModel that generates IAM and Cedar, so the report cannot disagree with enforcement.
 */
import { REDACTION_TYPES, type Manifest, type RedactionType } from '../config/schema';
import { AccessModel } from './access-model';

export interface AccessMatrixRow {
  readonly agent: string;
  readonly clearance: string;
  readonly server: string;
  readonly tool: string;
  readonly dataset: string;
  readonly dataClass: string;
  readonly access: 'read' | 'write';
  /** Redaction types scrubbed from this agent's results (their class is above its clearance). */
  readonly redactedTypes?: RedactionType[];
}

export interface AccessMatrixOptions {
  /**
   * Data class of each redaction type. @default - the manifest's `guard.redaction`, else the
   * documented defaults: secrets and payment/identity numbers in the most sensitive class,
   * contact details (email, phone, address) in the class below it.
   */
  readonly redactionClasses?: Partial<Record<RedactionType, string>>;
}

const CONTACT_TYPES: ReadonlySet<RedactionType> = new Set(['email', 'phone', 'address']);

/** Data class of every redaction type, per the manifest (see schema `guard.redaction`). */
export function redactionClasses(manifest: Manifest): Record<RedactionType, string> {
  const classes = manifest.dataClasses;
  const top = classes[classes.length - 1]!;
  const below = classes[Math.max(0, classes.length - 2)]!;
  const out = {} as Record<RedactionType, string>;
  for (const t of REDACTION_TYPES) out[t] = manifest.guard.redaction[t] ?? (CONTACT_TYPES.has(t) ? below : top);
  return out;
}

export function accessMatrix(manifest: Manifest, options: AccessMatrixOptions = {}): AccessMatrixRow[] {
  const model = new AccessModel(manifest);
  const byType = { ...redactionClasses(manifest), ...options.redactionClasses };
  return model.grants.map((g) => {
    const clearance = model.agent(g.agent).clearance;
    const redacted = REDACTION_TYPES.filter((t) => byType[t] !== undefined && !model.isCleared(clearance, byType[t]!));
    const row: AccessMatrixRow = { agent: g.agent, clearance, server: g.server, tool: g.tool, dataset: g.dataset, dataClass: g.dataClass, access: g.access };
    return redacted.length > 0 ? { ...row, redactedTypes: redacted } : row;
  });
}
