/**
 * Pairs a server's tool code with its manifest entry. The runtime refuses to start when
 * they disagree: a tool the manifest doesn't know has no grants, dataset or audit identity;
 * a manifest tool without code would be granted but fail on every call.
 */
import type { ServerSpec, ToolSpec } from '../config/schema';
import { isToolSet, type ToolDefinition, type ToolSet } from './define-tools';

export interface BoundTool {
  readonly spec: ToolSpec;
  readonly definition: ToolDefinition;
}

export class ToolBindingError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ToolBindingError';
  }
}

/**
 * Checks code and manifest name the same tools and returns them paired, in manifest order.
 * @param serverIndex position of the server in the manifest, for messages such as `servers[0].tools`
 * @param manifestFile how to name the manifest in messages
 */
export function bindTools(server: ServerSpec, toolSet: unknown, serverIndex = 0, manifestFile = 'the manifest'): Map<string, BoundTool> {
  if (!isToolSet(toolSet)) {
    throw new ToolBindingError([
      `${server.entry}: does not default-export defineTools([...]) (server "${server.name}"); write \`export default defineTools([...])\` using defineTools from 'mcp-warden/runtime'`,
    ]);
  }
  const problems: string[] = [];
  const declared = new Set(server.tools.map((t) => t.name));
  for (const name of (toolSet as ToolSet).tools.keys()) {
    if (!declared.has(name)) {
      problems.push(
        `${server.entry}: defines tool "${name}" but server "${server.name}" in ${manifestFile} has no such tool — ` +
          `add { name: ${name}, dataset: ..., access: read|write } to servers[${serverIndex}].tools, or remove the tool from the code`,
      );
    }
  }
  const bound = new Map<string, BoundTool>();
  server.tools.forEach((spec, i) => {
    const definition = (toolSet as ToolSet).tools.get(spec.name);
    if (!definition) {
      problems.push(
        `${manifestFile}: servers[${serverIndex}].tools[${i}]: tool "${spec.name}" of server "${server.name}" is not defined in ${server.entry} — ` +
          `add defineTool({ name: '${spec.name}', ... }) to it, or remove the tool from the manifest`,
      );
    } else {
      bound.set(spec.name, { spec, definition });
    }
  });
  if (problems.length > 0) throw new ToolBindingError(problems);
  return bound;
}

/** Loads a tool module (`export default defineTools(...)`) with the runtime's require. */
export function loadToolModule(absolutePath: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(absolutePath) as { default?: unknown };
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
}
