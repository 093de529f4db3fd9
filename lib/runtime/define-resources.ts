/**
 * Resources, resource templates and prompts in tool code, next to `defineTool`:
 *
 *   export default defineTools([
 *     defineTool({ name: 'get_order', ... }),
 *     defineResourceTemplate({
 *       name: 'order_by_id',                       // servers[].resources[] in the manifest
 *       read: async ({ orderId }, ctx) => ctx.dataset.get(orderId),
 *       complete: { orderId: async (prefix, ctx) => ... },
 *     }),
 *     definePrompt({
 *       name: 'summarize_order',
 *       arguments: z.strictObject({ orderId: z.string() }),
 *       get: ({ orderId }) => `Summarize order ${orderId} for the customer.`,
 *     }),
 *   ]);
 *
 * The manifest owns the URI (`uri` or `uriTemplate`), the dataset and who may read it; the
 * code only reads. What `read` and `get` return passes through the same guard as a tool result
 * (redaction by clearance, output screening, one audit event).
 */
import { z } from 'zod';
import type { ToolContent } from '../guard/contract';
import type { DatasetClient, JsonValue } from './dataset-client';
import type { ToolLogger } from './tool-logger';
import type { InputRequired, InputRound } from './input-required';

/** What resource and prompt code may use; a resource's dataset is always read-only. */
export interface FeatureContext {
  readonly agent: string;
  readonly logger: ToolLogger;
  readonly requestId: string;
  /** Aborted when the request deadline passes. */
  readonly signal: AbortSignal;
  /** The answers and state of a retried `input_required` round (prompts, 2026-07-28). */
  readonly input: InputRound;
}

export interface ResourceContext extends FeatureContext {
  /** The resource's dataset (manifest `servers[].resources[].dataset`), read-only. */
  readonly dataset: DatasetClient;
  /** The URI the client asked for. */
  readonly uri: string;
}

/** One part of a resource's contents (MCP `TextResourceContents` / `BlobResourceContents`). */
export type ResourceContents = { readonly uri: string; readonly mimeType?: string; readonly text: string } | { readonly uri: string; readonly mimeType?: string; readonly blob: string };

/**
 * What `read` returns: a string (text), JSON (text, `application/json`), or explicit contents
 * (`{ contents: [...] }`, e.g. a base64 `blob`). `undefined` means "no such resource".
 */
export type ResourceOutput = string | JsonValue | Record<string, unknown> | { readonly contents: readonly ResourceContents[] } | undefined;

export interface ResourceDefinition {
  readonly kind: 'mcp-warden/resource';
  /** Matches `servers[].resources[].name` (a resource with a static `uri`). */
  readonly name: string;
  /** Shown in resources/list. @default the manifest's description */
  readonly description?: string;
  readonly read: (ctx: ResourceContext) => Promise<ResourceOutput> | ResourceOutput;
}

/** Completes one template variable or prompt argument from what the client typed so far. */
export type Completer = (value: string, ctx: FeatureContext) => Promise<readonly string[]> | readonly string[];

export interface ResourceTemplateDefinition {
  readonly kind: 'mcp-warden/resource-template';
  /** Matches `servers[].resources[].name` (a resource with a `uriTemplate`). */
  readonly name: string;
  readonly description?: string;
  /** Called with the template's variables as the URI gave them. */
  readonly read: (variables: Readonly<Record<string, string>>, ctx: ResourceContext) => Promise<ResourceOutput> | ResourceOutput;
  /** Completions (`completion/complete`) per template variable. */
  readonly complete?: Readonly<Record<string, Completer>>;
}

/** One message of a prompt (MCP `PromptMessage`). */
export interface PromptMessage {
  readonly role: 'user' | 'assistant';
  readonly content: ToolContent;
}

/** What `get` returns: a string (one user message) or messages. */
export type PromptOutput = string | readonly PromptMessage[] | { readonly description?: string; readonly messages: readonly PromptMessage[] } | InputRequired;

export type PromptArguments = z.ZodObject;

export interface PromptDefinition<S extends PromptArguments = PromptArguments> {
  readonly kind: 'mcp-warden/prompt';
  /** Matches `servers[].prompts[].name`. */
  readonly name: string;
  readonly description?: string;
  /** A zod object of string arguments; prompts/list advertises them (required unless optional). @default no arguments */
  readonly arguments?: S;
  readonly get: (args: z.output<S>, ctx: FeatureContext) => Promise<PromptOutput> | PromptOutput;
  /** Completions (`completion/complete`) per argument. */
  readonly complete?: Readonly<Record<string, Completer>>;
}

export type FeatureDefinition = ResourceDefinition | ResourceTemplateDefinition | PromptDefinition;

export function defineResource(definition: Omit<ResourceDefinition, 'kind'>): ResourceDefinition {
  return { ...definition, kind: 'mcp-warden/resource' };
}

export function defineResourceTemplate(definition: Omit<ResourceTemplateDefinition, 'kind'>): ResourceTemplateDefinition {
  return { ...definition, kind: 'mcp-warden/resource-template' };
}

/** Declares a prompt; the generic types `args` from the schema. */
export function definePrompt<S extends PromptArguments>(definition: Omit<PromptDefinition<S>, 'kind'>): PromptDefinition {
  if (definition.arguments !== undefined && !(definition.arguments instanceof z.ZodObject)) {
    throw new Error(`prompt "${definition.name}": arguments must be a zod object schema (z.object or z.strictObject)`);
  }
  return { ...definition, kind: 'mcp-warden/prompt' } as unknown as PromptDefinition;
}

export function isFeatureDefinition(value: unknown): value is FeatureDefinition {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'mcp-warden/resource' || kind === 'mcp-warden/resource-template' || kind === 'mcp-warden/prompt';
}
