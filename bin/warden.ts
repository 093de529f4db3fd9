/**
 * The `warden` CLI. Each command lives in lib/cli/<command>.ts and registers itself here.
 */
import { Command } from 'commander';
import { registerValidate } from '../lib/cli/validate';
import { registerDev } from '../lib/cli/dev';
import { registerAccessMatrix } from '../lib/cli/access-matrix';
import { registerRedact } from '../lib/cli/redact';
import { registerCompliance } from '../lib/cli/compliance';
import { registerBackup } from '../lib/cli/backup';
import { registerIncident } from '../lib/cli/incident';
import { registerOrgPolicies } from '../lib/cli/org-policies';
import { registerApprovals } from '../lib/cli/approvals';

const program = new Command()
  .name('warden')
  .description('mcp-warden: validate manifests, run the MCP runtime locally, test redaction, report access and compliance')
  .showHelpAfterError();

registerValidate(program);
registerDev(program);
registerAccessMatrix(program);
registerRedact(program);
registerCompliance(program);
registerBackup(program);
registerIncident(program);
registerOrgPolicies(program);
registerApprovals(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`warden: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
