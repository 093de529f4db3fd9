/**
 * A server's resources, resource templates and prompts: code (`defineResource`,
 * `defineResourceTemplate`, `definePrompt`) bound to manifest entries, checked at start like
 * tools. A resource the manifest does not declare has no dataset, grants or audit identity; a
 * declared one without code would be granted but fail on every read.
 */
import { UriTemplate } from '@modelcontextprotocol/server';
import type { PromptSpec, ResourceSpec, ServerSpec } from '../config/schema';
import type { PromptDefinition, ResourceDefinition, ResourceTemplateDefinition } from './define-resources';
import type { ToolSet } from './define-tools';

export interface CatalogResource {
  readonly spec: ResourceSpec;
  readonly definition: ResourceDefinition | ResourceTemplateDefinition;
  /** Set for a `uriTemplate` resource. */
  readonly template?: UriTemplate;
}

export interface CatalogPrompt {
  readonly spec: PromptSpec;
  readonly definition: PromptDefinition;
  /** As prompts/list advertises them. */
  readonly arguments: ReadonlyArray<{ name: string; description?: string; required: boolean }>;
}

export interface FeatureCatalog {
  readonly resources: ReadonlyMap<string, CatalogResource>;
  readonly prompts: ReadonlyMap<string, CatalogPrompt>;
}

/** Pairs code and manifest; returns the problems (each naming the file, the path and the fix). */
export function bindFeatures(server: ServerSpec, toolSet: ToolSet, serverIndex: number, manifestFile: string): { catalog: FeatureCatalog; problems: string[] } {
  const problems: string[] = [];
  const resources = new Map<string, CatalogResource>();
  const prompts = new Map<string, CatalogPrompt>();
  const codeResources = toolSet.resources ?? new Map();
  const codePrompts = toolSet.prompts ?? new Map();

  const declaredResources = new Set((server.resources ?? []).map((r) => r.name));
  for (const name of codeResources.keys()) {
    if (!declaredResources.has(name)) {
      problems.push(
        `${server.entry}: defines resource "${name}" but server "${server.name}" in ${manifestFile} has no such resource — ` +
          `add { name: ${name}, uri: ... (or uriTemplate: ...), dataset: ... } to servers[${serverIndex}].resources, or remove it from the code`,
      );
    }
  }
  (server.resources ?? []).forEach((spec, i) => {
    const definition = codeResources.get(spec.name);
    const path = `${manifestFile}: servers[${serverIndex}].resources[${i}]`;
    const templated = spec.uriTemplate !== undefined;
    if (!definition) {
      problems.push(`${path}: resource "${spec.name}" of server "${server.name}" is not defined in ${server.entry} — add ${templated ? 'defineResourceTemplate' : 'defineResource'}({ name: '${spec.name}', ... }) to it, or remove it from the manifest`);
      return;
    }
    if (templated !== (definition.kind === 'mcp-warden/resource-template')) {
      problems.push(
        `${path}: resource "${spec.name}" has ${templated ? 'a uriTemplate' : 'a static uri'} but ${server.entry} defines it with ${templated ? 'defineResource' : 'defineResourceTemplate'} — use ${templated ? 'defineResourceTemplate' : 'defineResource'}, or change the manifest entry`,
      );
      return;
    }
    let template: UriTemplate | undefined;
    if (spec.uriTemplate !== undefined) {
      try {
        template = new UriTemplate(spec.uriTemplate);
      } catch (err) {
        problems.push(`${path}.uriTemplate: ${(err as Error).message} — write an RFC 6570 template such as "order://{orderId}"`);
        return;
      }
    }
    resources.set(spec.name, { spec, definition, ...(template ? { template } : {}) });
  });

  const declaredPrompts = new Set((server.prompts ?? []).map((p) => p.name));
  for (const name of codePrompts.keys()) {
    if (!declaredPrompts.has(name)) {
      problems.push(
        `${server.entry}: defines prompt "${name}" but server "${server.name}" in ${manifestFile} has no such prompt — add { name: ${name}, dataClasses: [...] } to servers[${serverIndex}].prompts, or remove it from the code`,
      );
    }
  }
  (server.prompts ?? []).forEach((spec, i) => {
    const definition = codePrompts.get(spec.name);
    if (!definition) {
      problems.push(`${manifestFile}: servers[${serverIndex}].prompts[${i}]: prompt "${spec.name}" of server "${server.name}" is not defined in ${server.entry} — add definePrompt({ name: '${spec.name}', ... }) to it, or remove it from the manifest`);
      return;
    }
    const shape = definition.arguments?.shape ?? {};
    const args = Object.entries(shape).map(([name, schema]) => {
      const description = (schema as { description?: string }).description;
      return { name, ...(description ? { description } : {}), required: !(schema as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success };
    });
    prompts.set(spec.name, { spec, definition, arguments: args });
  });

  return { catalog: { resources, prompts }, problems };
}

/** The resource a URI names: a static URI exactly, else the first template that matches it. */
export function resolveResourceUri(catalog: FeatureCatalog, uri: string): { resource: CatalogResource; variables: Record<string, string> } | undefined {
  for (const resource of catalog.resources.values()) {
    if (resource.spec.uri === uri) return { resource, variables: {} };
  }
  for (const resource of catalog.resources.values()) {
    const match = resource.template?.match(uri);
    if (match) return { resource, variables: Object.fromEntries(Object.entries(match).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])) };
  }
  return undefined;
}
