/**
 * The runtime's view of every server's tools: code bound to manifest entries (checked at
 * start), with the JSON Schema `tools/list` advertises computed once (on first use) from the zod input.
 */
import { z } from 'zod';
import type { Manifest, ServerSpec } from '../config/schema';
import { bindTools, ToolBindingError, type BoundTool } from './tool-binding';
import { bindFeatures, type FeatureCatalog } from './feature-catalog';
import type { ToolSet } from './define-tools';

export interface CatalogTool extends BoundTool {
  /** JSON Schema (2020-12) of the input, as MCP `inputSchema`. */
  readonly inputSchema: { type: 'object'; [key: string]: unknown };
}

export interface CatalogServer extends FeatureCatalog {
  readonly spec: ServerSpec;
  readonly tools: ReadonlyMap<string, CatalogTool>;
}

/**
 * @param toolSets each server's tool module export (`defineTools(...)`), by server name
 * @throws ToolBindingError listing every mismatch between code and manifest
 */
export function buildCatalog(manifest: Manifest, toolSets: Readonly<Record<string, unknown>>, manifestFile?: string): Map<string, CatalogServer> {
  const catalog = new Map<string, CatalogServer>();
  manifest.servers.forEach((spec, index) => {
    const bound = bindTools(spec, toolSets[spec.name], index, manifestFile);
    const tools = new Map<string, CatalogTool>();
    for (const [name, tool] of bound) tools.set(name, withInputSchema(tool));
    const features = bindFeatures(spec, toolSets[spec.name] as ToolSet, index, manifestFile ?? 'the manifest');
    if (features.problems.length > 0) throw new ToolBindingError(features.problems);
    catalog.set(spec.name, { spec, tools, ...features.catalog });
  });
  return catalog;
}

/**
 * `tool` with its `inputSchema`, converted from zod on first read and kept: only tools/list
 * reads it, so a Lambda's cold start (whose first request is usually a call) does not pay for
 * converting every tool's schema (about 5 ms for the shop's commerce server).
 */
function withInputSchema(tool: BoundTool): CatalogTool {
  let inputSchema: CatalogTool['inputSchema'] | undefined;
  return Object.defineProperty({ ...tool }, 'inputSchema', {
    enumerable: true,
    get: () => {
      if (inputSchema === undefined) {
        const schema = z.toJSONSchema(tool.definition.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
        delete schema.$schema;
        inputSchema = { ...schema, type: 'object' };
      }
      return inputSchema;
    },
  }) as CatalogTool;
}

/** Longest `invalid arguments` message: the refusal must not mirror what the client sent (0.9 MB of unknown keys). */
export const MAX_INVALID_ARGUMENTS_CHARS = 600;
/** How many unknown keys, issues and characters of a key or path a refusal names. */
const SHOWN_KEYS = 3;
const SHOWN_ISSUES = 5;
const SHOWN_CHARS = 48;

/** A client-sent name as shown back: printable ASCII, at most SHOWN_CHARS characters. */
function shown(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > SHOWN_CHARS ? `${clean.slice(0, SHOWN_CHARS)}…` : clean;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.length > 0 ? shown(issue.path.map(String).join('.')) : '(arguments)';
  if (issue.code === 'unrecognized_keys') {
    // zod's own message lists every key: name a few, count the rest
    const keys = issue.keys.slice(0, SHOWN_KEYS).map((k) => `"${shown(k)}"`).join(', ');
    const more = issue.keys.length > SHOWN_KEYS ? ` (and ${issue.keys.length - SHOWN_KEYS} more)` : '';
    return `${at}: unknown argument(s) ${keys}${more}`;
  }
  return `${at}: ${issue.message.length > 200 ? `${issue.message.slice(0, 200)}…` : issue.message}`;
}

/**
 * Formats zod issues so the message names each offending argument:
 * `orderId: Invalid input: expected string, received object`. The guard adds the
 * `invalid arguments:` prefix when it refuses the call. Bounded (MAX_INVALID_ARGUMENTS_CHARS)
 * whatever the client sent: unknown keys are named by the first few and counted.
 */
export function describeInvalidArguments(error: z.ZodError): string {
  const parts = error.issues.slice(0, SHOWN_ISSUES).map(describeIssue);
  const more = error.issues.length > SHOWN_ISSUES ? ` (and ${error.issues.length - SHOWN_ISSUES} more)` : '';
  const message = `${parts.join('; ')}${more}`;
  return message.length > MAX_INVALID_ARGUMENTS_CHARS ? `${message.slice(0, MAX_INVALID_ARGUMENTS_CHARS - 1)}…` : message;
}
