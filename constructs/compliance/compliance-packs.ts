/**
 * The cdk-nag packs a manifest names (`compliance.packs`), plus McpWardenChecks which always runs.
 */
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { CompliancePack } from '../../lib/config/schema';
import { McpWardenChecks } from './mcp-warden-checks';

const FACTORIES: Record<CompliancePack, (scope: IConstruct) => NagPack> = {
  AwsSolutions: (scope) => new AwsSolutionsChecks(scope),
  'NIST.800.53.R5': (scope) => new NIST80053R5Checks(scope),
  'PCI.DSS.321': (scope) => new PCIDSS321Checks(scope),
  'HIPAA.Security': (scope) => new HIPAASecurityChecks(scope),
  ServerlessChecks: (scope) => new ServerlessChecks(scope),
};

/**
 * One instance per named pack (in manifest order, duplicates dropped) and McpWardenChecks last.
 * Register with `Validations.of(app).addPlugins(...compliancePacks(app, packs))`.
 */
export function compliancePacks(scope: IConstruct, packs: readonly CompliancePack[]): NagPack[] {
  return [...new Set(packs)].map((p) => FACTORIES[p](scope)).concat(new McpWardenChecks(scope));
}
