/**
 * `warden validate [FILE]`: checks a manifest without synthesizing anything. Exit 0 with a
 * summary when valid, exit 1 with every error (and its line) on stderr when not.
 */
import type { Command } from 'commander';
import { DEFAULT_MANIFEST_FILE, formatIssue, formatIssues, loadManifest, ManifestError, type LoadedManifest, type ManifestIssue } from '../config';
import { teamPolicyIssues } from '../policy/team-policies';
import { toolCodeIssues } from '../runtime/tool-code-issues';

export interface ManifestSummary {
  readonly project: string;
  readonly environment: string;
  readonly dataClasses: readonly string[];
  readonly datasets: number;
  readonly servers: number;
  readonly tools: number;
  readonly agents: readonly { readonly name: string; readonly clearance: string; readonly tools: number }[];
}

export function summarize({ manifest }: LoadedManifest): ManifestSummary {
  return {
    project: manifest.project,
    environment: manifest.environment,
    dataClasses: manifest.dataClasses,
    datasets: manifest.datasets.length,
    servers: manifest.servers.length,
    tools: manifest.servers.reduce((n, s) => n + s.tools.length, 0),
    agents: manifest.agents.map((a) => ({ name: a.name, clearance: a.clearance, tools: a.tools.length })),
  };
}

/** The human summary printed on success. */
export function formatSummary(file: string, summary: ManifestSummary, warnings: readonly ManifestIssue[]): string {
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const nameWidth = Math.max(...summary.agents.map((a) => a.name.length));
  const classWidth = Math.max(...summary.agents.map((a) => a.clearance.length));
  return [
    `${file} is valid: project ${summary.project}, environment ${summary.environment}`,
    `  ${plural(summary.dataClasses.length, 'data class', 'data classes')} (least to most sensitive): ${summary.dataClasses.join(' < ')}`,
    `  ${plural(summary.datasets, 'dataset')}`,
    `  ${plural(summary.servers, 'server')} / ${plural(summary.tools, 'tool')}`,
    `  ${plural(summary.agents.length, 'agent')}:`,
    ...summary.agents.map((a) => `    ${a.name.padEnd(nameWidth)}  clearance ${a.clearance.padEnd(classWidth)}  ${plural(a.tools, 'tool')}`),
    `  ${plural(warnings.length, 'warning')}`,
  ].join('\n');
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a manifest: schema, references, IAM name limits, files, access review dates')
    .argument('[file]', 'the manifest', DEFAULT_MANIFEST_FILE)
    .option('--json', 'print the result as JSON on stdout (errors included)')
    .action((file: string, options: { json?: boolean }) => {
      let loaded: LoadedManifest;
      try {
        loaded = loadManifest(file);
        const codeIssues = [...toolCodeIssues(loaded, file), ...teamPolicyIssues(loaded, file)];
        if (codeIssues.length > 0) throw new ManifestError(codeIssues);
      } catch (err) {
        if (!(err instanceof ManifestError)) throw err;
        if (options.json) process.stdout.write(`${JSON.stringify({ valid: false, file, errors: err.issues, warnings: [] }, null, 2)}\n`);
        else {
          const count = err.issues.length;
          process.stderr.write(`${formatIssues(err.issues, { withLines: true })}\n`);
          process.stderr.write(`${file}: ${count} ${count === 1 ? 'error' : 'errors'} — fix ${count === 1 ? 'it' : 'them'} and run \`npx warden validate\` again\n`);
        }
        process.exitCode = 1;
        return;
      }
      const summary = summarize(loaded);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ valid: true, file, errors: [], warnings: loaded.warnings, summary }, null, 2)}\n`);
        return;
      }
      for (const warning of loaded.warnings) process.stderr.write(`warning: ${formatIssue(warning, { withLines: true })}\n`);
      process.stdout.write(`${formatSummary(file, summary, loaded.warnings)}\n`);
    });
}
