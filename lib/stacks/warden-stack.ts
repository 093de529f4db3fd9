/**
 * Base of every mcp-warden stack: named `<project>-<environment>-<part>`, tagged, and
 * environment-agnostic unless an `env` is given, so `cdk synth` needs no AWS credentials and no
 * context lookups.
 */
import { Aspects, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Manifest } from '../config/schema';
import { EveryRoleBounded } from './every-role-bounded';
import { wardenStackName } from './stack-names';

export interface WardenStackProps extends StackProps {
  readonly manifest: Manifest;
  /** What this stack holds: data, identity, servers, monitoring, incident-response, backups... */
  readonly part: string;
  /** Shard index for parts split across stacks. @default 0 */
  readonly shard?: number;
}

export class WardenStack extends Stack {
  public readonly manifest: Manifest;
  public readonly part: string;

  constructor(scope: Construct, props: WardenStackProps) {
    const { manifest, part, shard, ...stackProps } = props;
    const name = wardenStackName(manifest.project, manifest.environment, part, shard);
    const tags = { 'warden:project': manifest.project, 'warden:environment': manifest.environment, 'warden:managed-by': 'mcp-warden', ...stackProps.tags };
    // Templates are written compact: CloudFormation's 1 MB template limit counts the file as
    // uploaded, and indentation alone adds ~80% to a 100-agent identity shard.
    super(scope, name, {
      stackName: name,
      description: `mcp-warden ${manifest.project}-${manifest.environment}: ${part}`,
      suppressTemplateIndentation: true,
      ...stackProps,
      tags,
    });
    this.manifest = manifest;
    this.part = part;
    // Stack tags reach CloudFormation at deploy; the aspect also writes them into the template,
    // where compliance rules and template assertions can see them.
    for (const [key, value] of Object.entries(tags)) Tags.of(this).add(key, value);
    // every role of a warden stack carries the warden boundary, whoever created it
    Aspects.of(this).add(new EveryRoleBounded(manifest.project, manifest.environment));
  }
}
