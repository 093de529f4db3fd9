/**
 * `warden org-policies [FILE] [--format text|json] [--account ID] [--deployer ARN...]`: the SCP
 * and RCP an AWS Organization attaches above the kit (lib/policy/org-policies.ts;
 * docs/organizations.md says where each goes and what it closes).
 */
import { Option, type Command } from 'commander';
import { DEFAULT_MANIFEST_FILE, formatIssues, loadManifest, ManifestError } from '../config';
import { ORG_POLICY_MAX_CHARS, orgPolicies, type OrgPolicyOptions } from '../policy/org-policies';

export const ORG_POLICY_FORMATS = ['text', 'json'] as const;
export type OrgPolicyFormat = (typeof ORG_POLICY_FORMATS)[number];

/** The rendered policies of a manifest file. @throws ManifestError when the manifest is invalid */
export function orgPoliciesReport(file: string, format: OrgPolicyFormat, options: OrgPolicyOptions = {}): string {
  const { manifest } = loadManifest(file);
  const policies = orgPolicies(manifest, options);
  if (format === 'json') return `${JSON.stringify(policies, null, 2)}\n`;
  return policies
    .map((p) =>
      [
        `# ${p.name} (${p.kind}, ${p.chars} of ${ORG_POLICY_MAX_CHARS} characters)`,
        `# ${p.description}`,
        `# attach: aws organizations create-policy --type ${p.kind === 'SCP' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY'} --name ${p.name} --content file://${p.name}.json`,
        JSON.stringify(p.document, null, 2),
        '',
      ].join('\n'),
    )
    .join('\n');
}

export function registerOrgPolicies(program: Command): void {
  program
    .command('org-policies')
    .description('print the SCP and RCP an AWS Organization attaches above the kit (see docs/organizations.md)')
    .argument('[file]', 'the manifest', DEFAULT_MANIFEST_FILE)
    .addOption(new Option('--format <format>', 'output format').choices([...ORG_POLICY_FORMATS]).default('text'))
    .option('--account <id>', 'the account the deployment runs in (the RCP admits its principals)')
    .option('--deployer <arn...>', 'principals still allowed to change warden resources (default: the CDK bootstrap CloudFormation execution role)')
    .action((file: string, options: { format: OrgPolicyFormat; account?: string; deployer?: string[] }) => {
      try {
        if (options.account !== undefined && !/^\d{12}$/.test(options.account)) {
          process.stderr.write(`--account must be a 12-digit AWS account id (got "${options.account.slice(0, 40)}")\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(orgPoliciesReport(file, options.format, { accountId: options.account, deployerArns: options.deployer }));
        if (options.account === undefined) process.stderr.write('note: the RCP names ACCOUNT_ID; pass --account <id> to fill it in\n');
      } catch (err) {
        if (!(err instanceof ManifestError)) throw err;
        process.stderr.write(`${formatIssues(err.issues, { withLines: true })}\n`);
        process.stderr.write(`${file}: invalid manifest — fix it (see \`npx warden validate ${file}\`) and run org-policies again\n`);
        process.exitCode = 1;
      }
    });
}
