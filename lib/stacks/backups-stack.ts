/** `<project>-<environment>-backups`: encrypted configuration snapshots and the MFA-gated admin role. */
import type { Construct } from 'constructs';
import { ConfigBackup } from '../../constructs/config-backup';
import { WardenStack, type WardenStackProps } from './warden-stack';

export interface WardenBackupsStackProps extends Omit<WardenStackProps, 'part' | 'shard'> {
  /** Folder the manifest's team policy paths are relative to. */
  readonly manifestDir: string;
}

export class WardenBackupsStack extends WardenStack {
  public readonly backup: ConfigBackup;

  constructor(scope: Construct, props: WardenBackupsStackProps) {
    const { manifestDir, ...rest } = props;
    super(scope, { ...rest, part: 'backups' });
    this.backup = new ConfigBackup(this, 'ConfigBackup', { manifest: props.manifest, manifestDir });
  }
}
