/**
 * Tool code checked against the manifest where the manifest is checked — `warden validate` and
 * the CDK app — so a tool declared without code (or code without a declaration) fails before
 * deploy, not at every cold start of the server (which refuses to start on a mismatch).
 */
import { resolve } from 'node:path';
import type { LoadedManifest, ManifestIssue } from '../config';
import { isToolSet } from './define-tools';
import { loadToolModule } from './tool-binding';

/** Every disagreement between the servers' tool modules and the manifest, as manifest issues. */
export function toolCodeIssues(loaded: Pick<LoadedManifest, 'manifest' | 'dir'>, file: string): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ file, path, message, severity: 'error' });
  loaded.manifest.servers.forEach((server, s) => {
    let toolSet: unknown;
    try {
      toolSet = loadToolModule(resolve(loaded.dir, server.entry));
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
      issue(`servers[${s}].entry`, `cannot load the tool module ${server.entry}: ${reason} — fix the module so it loads (try \`npm run dev -- --config ${file}\`)`);
      return;
    }
    if (!isToolSet(toolSet)) {
      issue(`servers[${s}].entry`, `${server.entry} does not default-export defineTools([...]) — write \`export default defineTools([...])\` with defineTools from 'mcp-warden/runtime'`);
      return;
    }
    const declared = new Set(server.tools.map((t) => t.name));
    server.tools.forEach((tool, t) => {
      if (!toolSet.tools.has(tool.name)) {
        issue(`servers[${s}].tools[${t}]`, `tool "${tool.name}" is not defined in ${server.entry} — add defineTool({ name: '${tool.name}', ... }) to it, or remove the tool from the manifest`);
      }
    });
    for (const name of toolSet.tools.keys()) {
      if (!declared.has(name)) {
        issue(`servers[${s}].tools`, `${server.entry} defines tool "${name}", which server "${server.name}" does not declare — add { name: ${name}, dataset: ..., access: read|write } here, or remove it from the code`);
      }
    }
  });
  return issues;
}
