/**
 * The one-screen summary `bin/warden-app.ts` prints to stderr after synth. Findings are counted
 * from the CDK's validation report; their details are the CDK's to print (it fails synth on any
 * unsuppressed one, so a printed summary normally says 0).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { accountQuotaWarnings, type AccountQuotas, lambdaConcurrencyWarnings } from './account-quotas';

export interface SynthSummaryInput {
  readonly assembly: CloudAssembly;
  readonly manifestFile: string;
  readonly agents: readonly string[];
  /** The MCP servers with the number of agents each admits and how their policies name them. */
  readonly servers: readonly ServerSummary[];
  /** Servers no agent may call (not deployed). @default none */
  readonly uncalledServers?: readonly string[];
  readonly packs: readonly string[];
  readonly suppressions: number;
  /** Manifest warnings, already formatted (e.g. overdue access reviews). */
  readonly warnings: readonly string[];
  /** The account's raised IAM quotas (`-c iamRoleQuota=N`, `-c managedPolicyQuota=N`). @default the IAM defaults */
  readonly quotas?: AccountQuotas;
  /** The account's raised Lambda "Concurrent executions" quota (`-c lambdaConcurrencyQuota=N`). @default 1,000 */
  readonly lambdaConcurrencyQuota?: number;
}

export interface ServerSummary {
  readonly name: string;
  readonly agents: number;
  /** 'list': role ARNs in the policies; 'tag': name pattern plus the server's role tag. */
  readonly admission: 'list' | 'tag';
}

export interface StackCount {
  readonly name: string;
  readonly resources: number;
  readonly roles: number;
  /** Customer managed policies (count against the account's quota). */
  readonly managedPolicies: number;
  /** Size of the template file as written (and uploaded): what CloudFormation's 1 MB limit counts. */
  readonly templateBytes: number;
  /** Sum of the functions' ReservedConcurrentExecutions (counts against the account's concurrency). */
  readonly reservedConcurrency: number;
}

/** Resources, roles and template size per stack of the assembly. */
export function stackCounts(assembly: CloudAssembly): StackCount[] {
  return assembly.stacks.map((s) => {
    const resources = Object.values((s.template as { Resources?: Record<string, { Type: string; Properties?: { ReservedConcurrentExecutions?: unknown } }> }).Resources ?? {});
    return {
      name: s.stackName,
      resources: resources.length,
      roles: resources.filter((r) => r.Type === 'AWS::IAM::Role').length,
      managedPolicies: resources.filter((r) => r.Type === 'AWS::IAM::ManagedPolicy').length,
      templateBytes: statSync(s.templateFullPath).size,
      reservedConcurrency: resources.reduce((n, r) => n + (r.Type === 'AWS::Lambda::Function' && typeof r.Properties?.ReservedConcurrentExecutions === 'number' ? r.Properties.ReservedConcurrentExecutions : 0), 0),
    };
  });
}

/** Unsuppressed compliance findings (rule × resource) in the assembly's `validation-report.json`. */
export function unsuppressedFindings(assemblyDirectory: string): number {
  const file = join(assemblyDirectory, 'validation-report.json');
  // the CDK writes the report only when some pack reported something
  if (!existsSync(file)) return 0;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { pluginReports?: Array<{ violations?: Array<{ violatingConstructs?: unknown[] }> }> };
  let findings = 0;
  for (const plugin of report.pluginReports ?? []) for (const v of plugin.violations ?? []) findings += Math.max(1, v.violatingConstructs?.length ?? 0);
  return findings;
}

export function synthSummary(input: SynthSummaryInput): string {
  const counts = stackCounts(input.assembly);
  const findings = unsuppressedFindings(input.assembly.directory);
  const width = Math.max(...counts.map((c) => c.name.length), 5);
  const lines = [
    `mcp-warden: synthesized ${input.manifestFile}`,
    `  templates    ${input.assembly.directory}`,
    `  stacks       ${counts.length}`,
    ...counts.map((c) => `    ${c.name.padEnd(width)}  ${String(c.resources).padStart(4)} resources  ${(c.templateBytes / 1024).toFixed(0).padStart(5)} KB`),
    `  agents       ${input.agents.length}${input.agents.length <= 8 ? ` (${input.agents.join(', ')})` : ''}`,
    `  servers      ${input.servers.length}${input.servers.length <= 8 ? ` (${input.servers.map(serverText).join(', ')})` : ''}`,
    ...(input.uncalledServers?.length ? [`               not deployed, no agent has a tool on them: ${input.uncalledServers.join(', ')}`] : []),
    `  roles        ${counts.reduce((n, c) => n + c.roles, 0)} (managed policies ${counts.reduce((n, c) => n + c.managedPolicies, 0)})`,
    `  packs        ${input.packs.join(', ')}`,
    `  findings     ${findings} unsuppressed${findings === 0 ? '' : ' — see the report above; synth fails until each is fixed or suppressed with a reason'}`,
    `  suppressions ${input.suppressions} (each with its reason in validation-report.json; list them with \`npx warden compliance\`)`,
  ];
  const quotaWarnings = accountQuotaWarnings({ roles: counts.reduce((n, c) => n + c.roles, 0), managedPolicies: counts.reduce((n, c) => n + c.managedPolicies, 0) }, input.quotas);
  const concurrencyWarnings = lambdaConcurrencyWarnings(counts.reduce((n, c) => n + c.reservedConcurrency, 0), input.lambdaConcurrencyQuota);
  const warnings = [...quotaWarnings, ...concurrencyWarnings, ...input.warnings];
  if (warnings.length > 0) lines.push(`  warnings     ${warnings.length}`, ...warnings.map((w) => `    ${w}`));
  return `${lines.join('\n')}\n`;
}

function serverText(s: ServerSummary): string {
  return `${s.name}: ${s.agents} agent${s.agents === 1 ? '' : 's'}${s.admission === 'tag' ? ' by tag' : ''}`;
}
