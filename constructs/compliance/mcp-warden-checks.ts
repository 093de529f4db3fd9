/**
 * `McpWardenChecks`: the MCP-specific rules no public pack has. Register it like any cdk-nag
 * pack: `Validations.of(app).addPlugins(new McpWardenChecks(app))`. The pack only maps rules to
 * ids, levels and explanations; each rule lives in its own file under ./rules.
 */
import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ClassifiedTableUsesCmk } from './rules/classified-table-uses-cmk';
import { DataRoleNoWildcards } from './rules/data-role-no-wildcards';
import { WardenRoleHasBoundary } from './rules/warden-role-has-boundary';
import { WardenRoleSessionMaxOneHour } from './rules/warden-role-session-max-one-hour';

/** Rule ids, as findings and `suppress()` name them. */
export const MCP_WARDEN_RULES = {
  roleBoundary: 'McpWarden-RoleBoundary',
  roleSession: 'McpWarden-RoleSessionMax1h',
  tableCmk: 'McpWarden-ClassifiedTableCMK',
  dataRoleWildcards: 'McpWarden-DataRoleNoWildcards',
} as const;

const suffix = (id: string) => id.slice('McpWarden-'.length);

export class McpWardenChecks extends NagPack {
  public readonly name = 'McpWarden';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'McpWarden';
  }

  protected checkResource(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: suffix(MCP_WARDEN_RULES.roleBoundary),
      info: 'An IAM role of a warden stack (or tagged warden:role) has no permissions boundary.',
      explanation: 'The boundary caps every warden role, service roles included: no IAM, no KMS administration, no trail tampering, no assuming non-warden roles, whatever policy is attached later.',
      level: NagMessageLevel.ERROR,
      rule: WardenRoleHasBoundary,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: suffix(MCP_WARDEN_RULES.roleSession),
      info: 'The warden IAM role allows sessions longer than one hour.',
      explanation: 'Short sessions bound how long leaked credentials work and how long a contained agent keeps a live session.',
      level: NagMessageLevel.ERROR,
      rule: WardenRoleSessionMaxOneHour,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: suffix(MCP_WARDEN_RULES.tableCmk),
      info: 'The DynamoDB table holds classified data (tagged warden:class) but is not encrypted with a customer-managed KMS key.',
      explanation: 'With the class key, reading the table also needs kms:Decrypt under the table-name encryption context, which the data roles are scoped to and CloudTrail records.',
      level: NagMessageLevel.ERROR,
      rule: ClassifiedTableUsesCmk,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: suffix(MCP_WARDEN_RULES.dataRoleWildcards),
      info: 'A policy of an agent data role allows a wildcard action or resource.',
      explanation: 'A data role must name exactly its datasets\' tables and class keys, or one agent\'s tool code could reach another agent\'s data.',
      level: NagMessageLevel.ERROR,
      rule: DataRoleNoWildcards,
      node,
    });
  }
}
