/**
 * The CDK app (`cdk.json` runs it): loads the manifest, builds the stacks, registers the
 * compliance packs as validation plugins and synthesizes. Any unsuppressed finding fails synth
 * with a non-zero exit (the CDK does that); a bad manifest exits 1 listing every problem.
 *
 *   npx cdk synth                          # ./warden.config.yaml
 *   npx cdk synth -c config=path/to/x.yaml # another manifest (relative to the working folder)
 *   npx cdk synth -c managedPoliciesPerRole=20   # your account's raised IAM quota (default 10)
 *   npx cdk synth -c trustPolicyChars=4096       # raised "Role trust policy length" quota (default 2048)
 */
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { compliancePacks, listSuppressions } from '../constructs/compliance';
import { DEFAULT_MANIFEST_FILE, formatIssues, loadManifest, type LoadedManifest, ManifestError } from '../lib/config';
import { teamPolicyIssues } from '../lib/policy/team-policies';
import { toolCodeIssues } from '../lib/runtime/tool-code-issues';
import { buildWardenStacks, RoleLimitError } from '../lib/stacks';
import { synthSummary } from '../lib/stacks/synth-summary';

function main(): number {
  // The App takes its outdir (`-o DIR`) and context (`-c config=...`) from the CDK CLI.
  const app = new App();
  const configured: unknown = app.node.tryGetContext('config');
  const file = typeof configured === 'string' && configured.trim() !== '' ? configured : DEFAULT_MANIFEST_FILE;

  let loaded: LoadedManifest;
  try {
    loaded = loadManifest(resolve(file));
    // tool code and team policies disagreeing with the manifest would only fail at cold start
    const codeIssues = [...toolCodeIssues(loaded, file), ...teamPolicyIssues(loaded, file)];
    if (codeIssues.length > 0) throw new ManifestError(codeIssues);
  } catch (err) {
    if (err instanceof ManifestError) {
      process.stderr.write(`mcp-warden: ${file} has ${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}; nothing was synthesized.\n${err.message}\n`);
      return 1;
    }
    throw err;
  }

  // Raised IAM quotas of the target account, when it has them.
  const quota = (key: string): number | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined ? undefined : Number(value);
  };
  let stacks: ReturnType<typeof buildWardenStacks>;
  try {
    stacks = buildWardenStacks(app, loaded, { managedPoliciesPerRole: quota('managedPoliciesPerRole'), trustPolicyChars: quota('trustPolicyChars') });
  } catch (err) {
    if (err instanceof RoleLimitError) {
      process.stderr.write(`mcp-warden: ${file} cannot deploy; nothing was synthesized.\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return 1;
    }
    throw err;
  }
  const { model, servers, uncalledServers } = stacks;
  const packs = compliancePacks(app, loaded.manifest.compliance.packs);
  Validations.of(app).addPlugins(...packs);
  const assembly = app.synth();

  process.stderr.write(
    synthSummary({
      assembly,
      manifestFile: file,
      agents: model.manifest.agents.map((a) => a.name),
      servers: servers.flatMap((stack) => stack.servers.map((s) => ({ name: s.serverName, agents: s.agents.length, admission: s.callerAdmission }))),
      uncalledServers,
      packs: packs.map((p) => p.name),
      suppressions: listSuppressions(app).length,
      warnings: loaded.warnings.length > 0 ? formatIssues(loaded.warnings).split('\n') : [],
      quotas: { iamRoleQuota: quota('iamRoleQuota'), managedPolicyQuota: quota('managedPolicyQuota') },
      lambdaConcurrencyQuota: quota('lambdaConcurrencyQuota'),
    }),
  );
  return 0;
}

const code = main();
if (code !== 0) process.exitCode = code;
