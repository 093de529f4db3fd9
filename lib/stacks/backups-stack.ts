/** `<project>-<environment>-backups`: encrypted configuration snapshots and the MFA-gated admin role. */
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { approvalDeciderStatements } from '../../constructs/approvals';
import { suppress } from '../../constructs/compliance';
import { ConfigBackup } from '../../constructs/config-backup';
import { WardenStack, type WardenStackProps } from './warden-stack';

export interface WardenBackupsStackProps extends Omit<WardenStackProps, 'part' | 'shard'> {
  /** Folder the manifest's team policy paths are relative to. */
  readonly manifestDir: string;
}

export class WardenBackupsStack extends WardenStack {
  public readonly backup: ConfigBackup;
  /** What the admin role needs to decide held tool calls, when it is the deciding role (lib/approvals). */
  public readonly approvalDecider?: iam.ManagedPolicy;

  constructor(scope: Construct, props: WardenBackupsStackProps) {
    const { manifestDir, ...rest } = props;
    super(scope, { ...rest, part: 'backups' });
    const { manifest } = props;
    this.backup = new ConfigBackup(this, 'ConfigBackup', { manifest, manifestDir });
    const approvalTools = manifest.servers.some((s) => s.tools.some((t) => t.approval !== undefined));
    // a role the manifest names (approvals.deciderRoleArn) is the owner's to grant
    if (approvalTools && manifest.approvals?.deciderRoleArn === undefined) {
      this.approvalDecider = new iam.ManagedPolicy(this, 'ApprovalDecider', {
        description: `mcp-warden ${manifest.project}-${manifest.environment}: decide held tool calls (warden approve|deny, approvals list)`,
        roles: [this.backup.admin.role],
        statements: approvalDeciderStatements(this, manifest.project, manifest.environment),
      });
      suppress(this.approvalDecider, {
        rule: 'AwsSolutions-IAM5',
        reason: 'The approvals table\'s key lives in the servers stack and is not exported: it is usable only through DynamoDB (kms:ViaService) and only for the approvals table (kms:EncryptionContext:aws:dynamodb:tableName), by a role that needs MFA.',
        appliesTo: ['Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*'],
      });
    }
  }
}
