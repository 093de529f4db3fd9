/**
 * The runtime's view of every server's tools: code bound to manifest entries (checked at
 * start), with the JSON Schema `tools/list` advertises computed once from the zod input.
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
    for (const [name, tool] of bound) {
      const schema = z.toJSONSchema(tool.definition.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      delete schema.$schema;
      tools.set(name, { ...tool, inputSchema: { ...schema, type: 'object' } });
    }
    const features = bindFeatures(spec, toolSets[spec.name] as ToolSet, index, manifestFile ?? 'the manifest');
    if (features.problems.length > 0) throw new ToolBindingError(features.problems);
    catalog.set(spec.name, { spec, tools, ...features.catalog });
  });
  return catalog;
}

/**
 * Formats zod issues so the message names each offending argument:
 * `orderId: Invalid input: expected string, received object`. The guard adds the
 * `invalid arguments:` prefix when it refuses the call.
 */
export function describeInvalidArguments(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(arguments)'}: ${issue.message}`);
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `${parts.join('; ')}${more}`;
}
