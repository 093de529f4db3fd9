/**
 * The MCP handlers for resources, resource templates, prompts and completions, all through the
 * guard exactly as `tools/call` is: a read, a get or a completion is one `guard.callTool` with
 * its kind, so it is authorized by Cedar (readResource / getPrompt), rate limited, screened,
 * redacted by clearance and audited once. Resource contents travel through the guard as
 * embedded-resource parts and prompt messages as their content parts, then are put back.
 *
 * A resource or prompt the agent may not use and one that does not exist get the same answer
 * (resources: "Resource not found" with the URI; prompts: "not available"), so an agent cannot
 * probe for names it was not granted.
 */
import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError, type Server } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { AgentSpec } from '../config/schema';
import type { CallerInfo, Guard, RequestInfo, ToolCallResult, ToolContent } from '../guard/contract';
import { notAvailableText } from '../guard/guard';
import type { FeatureContext, PromptMessage, PromptOutput, ResourceContents, ResourceContext, ResourceOutput } from './define-resources';
import { resolveResourceUri, type CatalogPrompt, type CatalogResource } from './feature-catalog';
import type { CatalogServer } from './tool-catalog';
import { describeInvalidArguments } from './tool-catalog';
import { toolErrorResult, toToolResult } from './tool-result';
import { FIRST_ROUND, isInputRequired, type InputRound } from './input-required';
import type { RequestStateSeal } from './request-state';
import { isInputRequiredResult } from '../guard/input-request-shape';

/** MCP caps a completion at 100 values. */
export const MAX_COMPLETION_VALUES = 100;
/** Longest completion value released; longer ones are cut (a completion is a hint, not data). */
export const MAX_COMPLETION_VALUE_CHARS = 256;
/** Longest partial value a client may send to a completer. */
const MAX_COMPLETION_INPUT_CHARS = 1024;

export interface FeatureHandlerDeps {
  readonly server: CatalogServer;
  readonly agent: AgentSpec;
  readonly caller: CallerInfo;
  readonly guard: Guard;
  readonly requestInfo: RequestInfo;
  /** Called when the guard will audit this request (so the handler does not audit it again). */
  readonly audited: () => void;
  /** A 2026-07-28 request (prompts may then ask for input). */
  readonly modern: boolean;
  readonly seal: RequestStateSeal;
  /** Runs resource or prompt code with its context; failures become an error result, as for a tool. */
  readonly run: (
    kind: 'resource' | 'prompt',
    name: string,
    uri: string | undefined,
    input: InputRound,
    code: (ctx: FeatureContext & Partial<ResourceContext>) => Promise<ToolCallResult>,
  ) => Promise<ToolCallResult>;
}

const isRefusal = (result: ToolCallResult, name: string, kind: 'resource' | 'prompt'): boolean =>
  result.isError === true && result.content.length === 1 && result.content[0]?.type === 'text' && result.content[0].text === notAvailableText(name, kind);

/** The guard's own message (rate limit, withheld output, failure with request id) as a JSON-RPC error. */
function guardError(result: ToolCallResult): ProtocolError {
  const first = result.content[0];
  return new ProtocolError(-32000, first?.type === 'text' ? first.text : 'refused');
}

export function registerFeatureHandlers(mcp: Server, deps: FeatureHandlerDeps): void {
  const { server, agent, guard } = deps;
  const visibleResources = () => new Set(guard.visibleFeatures('resource', agent.name, server.spec.name));
  const visiblePrompts = () => new Set(guard.visibleFeatures('prompt', agent.name, server.spec.name));

  if (server.resources.size > 0) {
    mcp.setRequestHandler('resources/list', () => {
      const visible = visibleResources();
      return {
        resources: [...server.resources.values()]
          .filter((r) => r.spec.uri !== undefined && visible.has(r.spec.name))
          .map((r) => ({ uri: r.spec.uri!, name: r.spec.name, ...describe(r) })),
      };
    });
    mcp.setRequestHandler('resources/templates/list', () => {
      const visible = visibleResources();
      return {
        resourceTemplates: [...server.resources.values()]
          .filter((r) => r.spec.uriTemplate !== undefined && visible.has(r.spec.name))
          .map((r) => ({ uriTemplate: r.spec.uriTemplate!, name: r.spec.name, ...describe(r) })),
      };
    });
    mcp.setRequestHandler('resources/read', async (req) => {
      const uri = req.params.uri;
      const found = resolveResourceUri(server, uri);
      // an unknown URI is authorized under the URI itself: no such resource, so refused like a forbidden one
      const name = found?.resource.spec.name ?? uri;
      deps.audited();
      const result = await guard.callTool({
        kind: 'resource',
        agent,
        caller: deps.caller,
        server: server.spec.name,
        tool: name,
        args: { uri },
        request: deps.requestInfo,
        validate: () => (found ? { ok: true, value: found.variables } : { ok: false, message: 'unknown resource' }),
        run: (variables) => deps.run('resource', name, uri, FIRST_ROUND, async (ctx) => readResource(found!.resource, variables as Record<string, string>, ctx as ResourceContext)),
      });
      if (isRefusal(result, name, 'resource')) throw new ResourceNotFoundError(uri);
      if (result.isError) throw guardError(result);
      return { contents: result.content.flatMap((part) => (part.type === 'resource' ? [part.resource] : [])) };
    });
  }

  if (server.prompts.size > 0) {
    mcp.setRequestHandler('prompts/list', () => {
      const visible = visiblePrompts();
      return {
        prompts: [...server.prompts.values()]
          .filter((p) => visible.has(p.spec.name))
          .map((p) => ({ name: p.spec.name, ...(descriptionOf(p) ? { description: descriptionOf(p) } : {}), ...(p.arguments.length > 0 ? { arguments: [...p.arguments] } : {}) })),
      };
    });
    mcp.setRequestHandler('prompts/get', async (req, ctx) => {
      const name = req.params.name;
      const input = deps.modern ? deps.seal.round(ctx, 'prompt', name) : FIRST_ROUND;
      const prompt = server.prompts.get(name);
      const roles: Array<'user' | 'assistant'> = [];
      deps.audited();
      const result = await guard.callTool({
        kind: 'prompt',
        agent,
        caller: deps.caller,
        server: server.spec.name,
        tool: name,
        args: req.params.arguments ?? {},
        inputResponses: input === FIRST_ROUND ? undefined : input.responses,
        request: deps.requestInfo,
        validate: (args) => {
          if (!prompt) return { ok: false, message: `unknown prompt "${name}"` };
          const checked = (prompt.definition.arguments ?? z.object({})).safeParse(args);
          return checked.success ? { ok: true, value: checked.data } : { ok: false, message: describeInvalidArguments(checked.error) };
        },
        run: (args) =>
          deps.run('prompt', name, undefined, input, async (featureCtx) => {
            const got = await prompt!.definition.get(args as never, featureCtx);
            if (isInputRequired(got)) return toToolResult(got);
            const output = normalizePrompt(got);
            for (const m of output.messages) roles.push(m.role);
            // the description is prompt code's text too: it travels through the guard (redacted, screened)
            return { content: output.messages.map((m) => m.content), ...(output.description !== undefined ? { structuredContent: { description: String(output.description) } } : {}) };
          }),
      });
      if (isRefusal(result, name, 'prompt')) throw new ProtocolError(ProtocolErrorCode.InvalidParams, notAvailableText(name, 'prompt'));
      if (result.isError) throw guardError(result);
      if (isInputRequiredResult(result)) {
        if (!deps.modern) throw new ProtocolError(-32000, `prompt "${name}" needs input from the client, which only MCP 2026-07-28 clients can give a stateless server`);
        return (await deps.seal.seal(result, ctx, 'prompt', name)) as never;
      }
      const messages = result.content.map((content, i) => ({ role: roles[i] ?? 'user', content }));
      const description = (result.structuredContent as { description?: unknown } | undefined)?.description;
      return { ...(typeof description === 'string' && description !== '' ? { description } : {}), messages: messages as never };
    });
  }

  if (server.prompts.size > 0 || [...server.resources.values()].some((r) => r.definition.kind === 'mcp-warden/resource-template')) {
    mcp.setRequestHandler('completion/complete', async (req) => {
      const { ref, argument } = req.params;
      const target = ref.type === 'ref/prompt' ? completerOfPrompt(server.prompts.get(ref.name), argument.name) : completerOfTemplate(server, ref.uri, argument.name);
      const kind = ref.type === 'ref/prompt' ? 'prompt' : 'resource';
      const name = target?.name ?? (ref.type === 'ref/prompt' ? ref.name : ref.uri);
      deps.audited();
      const result = await guard.callTool({
        kind,
        agent,
        caller: deps.caller,
        server: server.spec.name,
        tool: name,
        args: { argument: argument.name, value: argument.value },
        request: deps.requestInfo,
        validate: () => (argument.value.length > MAX_COMPLETION_INPUT_CHARS ? { ok: false, message: `argument.value is longer than ${MAX_COMPLETION_INPUT_CHARS} characters` } : { ok: true, value: argument.value }),
        run: (value) =>
          deps.run(kind, name, undefined, FIRST_ROUND, async (ctx) => {
            const values = target?.complete ? await target.complete(value as string, ctx) : [];
            const bounded = values.slice(0, MAX_COMPLETION_VALUES).map((v) => String(v).slice(0, MAX_COMPLETION_VALUE_CHARS));
            return { content: bounded.map((text) => ({ type: 'text' as const, text })), structuredContent: { total: values.length } };
          }),
      });
      // a completion for something the agent may not use, or that does not exist: no suggestions, same answer
      if (isRefusal(result, name, kind)) return { completion: { values: [], hasMore: false } };
      if (result.isError) throw guardError(result);
      const values = result.content.flatMap((c) => (c.type === 'text' ? [c.text] : []));
      const total = Number((result.structuredContent as { total?: unknown } | undefined)?.total ?? values.length);
      return { completion: { values, total, hasMore: total > values.length } };
    });
  }
}

function descriptionOf(p: CatalogPrompt): string | undefined {
  return p.definition.description || p.spec.description;
}

function describe(r: CatalogResource): { description?: string; mimeType?: string } {
  const description = r.definition.description || r.spec.description;
  return { ...(description ? { description } : {}), ...(r.spec.mimeType ? { mimeType: r.spec.mimeType } : {}) };
}

function completerOfPrompt(prompt: CatalogPrompt | undefined, argument: string) {
  if (!prompt) return undefined;
  return { name: prompt.spec.name, complete: prompt.definition.complete?.[argument] };
}

function completerOfTemplate(server: CatalogServer, uriTemplate: string, variable: string) {
  const resource = [...server.resources.values()].find((r) => r.spec.uriTemplate === uriTemplate || r.spec.uri === uriTemplate);
  if (!resource) return undefined;
  return { name: resource.spec.name, complete: resource.definition.kind === 'mcp-warden/resource-template' ? resource.definition.complete?.[variable] : undefined };
}

async function readResource(resource: CatalogResource, variables: Record<string, string>, ctx: ResourceContext): Promise<ToolCallResult> {
  const { definition, spec } = resource;
  const output: ResourceOutput = definition.kind === 'mcp-warden/resource-template' ? await definition.read(variables, ctx) : await definition.read(ctx);
  // no such item: the same answer as a resource that does not exist or is not granted
  if (output === undefined) return toolErrorResult(notAvailableText(spec.name, 'resource'));
  return { content: resourceContents(output, ctx.uri, spec.mimeType).map((resource) => ({ type: 'resource' as const, resource })) };
}

/** What `read` returned as MCP contents: text as is, JSON as `application/json` text, `{ contents }` as given. */
export function resourceContents(output: Exclude<ResourceOutput, undefined>, uri: string, mimeType: string | undefined): ResourceContents[] {
  if (typeof output === 'string') return [{ uri, mimeType: mimeType ?? 'text/plain', text: output }];
  if (output !== null && typeof output === 'object' && !Array.isArray(output) && Array.isArray((output as { contents?: unknown }).contents)) {
    return [...(output as { contents: ResourceContents[] }).contents];
  }
  return [{ uri, mimeType: mimeType ?? 'application/json', text: JSON.stringify(output) }];
}

/** What `get` returned as messages: a string is one user text message. */
export function normalizePrompt(output: PromptOutput): { description?: string; messages: readonly PromptMessage[] } {
  if (typeof output === 'string') return { messages: [{ role: 'user', content: { type: 'text', text: output } as ToolContent }] };
  if (Array.isArray(output)) return { messages: output as readonly PromptMessage[] };
  return output as { description?: string; messages: readonly PromptMessage[] };
}
