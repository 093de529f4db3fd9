/**
 * The tool-code API (`mcp-warden/runtime`). A team writes:
 *
 *   export default defineTools([
 *     defineTool({
 *       name: 'get_order',
 *       description: 'One order with its lines',
 *       input: z.strictObject({ orderId: z.string().regex(/^ORD-\d{6}$/) }),
 *       handler: async ({ orderId }, ctx) => ctx.dataset.get(orderId),
 *     }),
 *   ]);
 *
 * The manifest decides which dataset each tool gets and whether it may write; the code
 * only sees `ctx.dataset`, never a table name or credentials.
 */
import { z } from 'zod';
import type { DatasetClient, JsonValue } from './dataset-client';
import type { ReadBudgetView } from './read-budget';
import type { ToolLogger } from './tool-logger';
import type { ToolResult } from './tool-result';
import type { InputRequired, InputRound } from './input-required';
import { isFeatureDefinition, type FeatureDefinition, type PromptDefinition, type ResourceDefinition, type ResourceTemplateDefinition } from './define-resources';

export interface ToolContext {
  /** The tool's own dataset; write methods throw when the tool is declared `access: read`. */
  readonly dataset: DatasetClient;
  /** Name of the calling agent (already authorized for this tool). */
  readonly agent: string;
  readonly logger: ToolLogger;
  readonly requestId: string;
  /** Aborted when the request deadline passes; pass it to anything that can be cancelled. */
  readonly signal: AbortSignal;
  /**
   * The reads this call may still cause, in DynamoDB read units (`guard.readUnitsPerCall`).
   * `ctx.dataset` charges it: a scan that runs out returns a cursor, a get or query throws.
   */
  readonly readBudget: ReadBudgetView;
  /** The answers and state of a retried `input_required` round (2026-07-28); see `inputRequired`. */
  readonly input: InputRound;
}

/**
 * What a handler returns: JSON (becomes text + structuredContent), a string (text), or
 * `toolResult([...])` for explicit content parts (images, audio, resources).
 */
export type ToolOutput = JsonValue | undefined | Record<string, unknown> | readonly unknown[] | ToolResult | InputRequired;

export type ToolInputSchema = z.ZodObject;

export interface ToolDefinition<S extends ToolInputSchema = ToolInputSchema> {
  /** Must match a tool of this server in the manifest. */
  readonly name: string;
  readonly description: string;
  /** A zod object; prefer `z.strictObject` with bounded strings and numbers. */
  readonly input: S;
  readonly handler: (args: z.output<S>, ctx: ToolContext) => Promise<ToolOutput> | ToolOutput;
}

/** The tools, resources and prompts of one server, as a module default-exports them. */
export interface ToolSet {
  /** Marks the value so the runtime can tell a tool module from something else. */
  readonly kind: 'mcp-warden/tools';
  readonly tools: ReadonlyMap<string, ToolDefinition>;
  /** Resources and resource templates by name. @default - none */
  readonly resources?: ReadonlyMap<string, ResourceDefinition | ResourceTemplateDefinition>;
  /** Prompts by name. @default - none */
  readonly prompts?: ReadonlyMap<string, PromptDefinition>;
}

/** An error whose message is safe and useful to show the agent (e.g. "stock would go negative"). */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

/** Declares one tool; the generic lets `args` be typed from the schema. */
export function defineTool<S extends ToolInputSchema>(definition: ToolDefinition<S>): ToolDefinition {
  return definition as unknown as ToolDefinition;
}

/** Declares a server's tools (and its resources and prompts). Throws on duplicate or malformed names. */
export function defineTools(definitions: readonly (ToolDefinition | FeatureDefinition)[]): ToolSet {
  const tools = new Map<string, ToolDefinition>();
  const resources = new Map<string, ResourceDefinition | ResourceTemplateDefinition>();
  const prompts = new Map<string, PromptDefinition>();
  for (const def of definitions) {
    if (isFeatureDefinition(def)) {
      const what = def.kind === 'mcp-warden/prompt' ? 'prompt' : 'resource';
      if (!/^[a-z][a-z0-9_]{0,63}$/.test(def.name)) throw new Error(`${what} name "${def.name}" is not snake_case: use lower-case letters, digits and underscores, starting with a letter`);
      const into: Map<string, FeatureDefinition> = what === 'prompt' ? prompts : resources;
      if (into.has(def.name)) throw new Error(`${what} "${def.name}" is defined twice: give each ${what} a distinct name`);
      into.set(def.name, def);
      continue;
    }
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(def.name)) {
      throw new Error(`tool name "${def.name}" is not snake_case: use lower-case letters, digits and underscores, starting with a letter`);
    }
    if (tools.has(def.name)) throw new Error(`tool "${def.name}" is defined twice: give each tool a distinct name`);
    if (!(def.input instanceof z.ZodObject)) throw new Error(`tool "${def.name}": input must be a zod object schema (z.object or z.strictObject)`);
    tools.set(def.name, def);
  }
  return Object.freeze({ kind: 'mcp-warden/tools' as const, tools, resources, prompts });
}

export function isToolSet(value: unknown): value is ToolSet {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'mcp-warden/tools' && (value as { tools?: unknown }).tools instanceof Map;
}
