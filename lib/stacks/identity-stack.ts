/** `<project>-<environment>-identity[-N]`: the roles of one shard of agents and their boundary. */
import type { Construct } from 'constructs';
import { AgentIdentity } from '../../constructs/agent-identity';
import type { IDataset } from '../../constructs/data-plane';
import type { AgentSpec } from '../config/schema';
import type { AccessModel } from '../policy/access-model';
import { WardenStack, type WardenStackProps } from './warden-stack';

export interface WardenIdentityStackProps extends Omit<WardenStackProps, 'part' | 'manifest'> {
  readonly model: AccessModel;
  /** The agents of this shard. */
  readonly agents: readonly AgentSpec[];
  readonly datasets: readonly IDataset[];
}

export class WardenIdentityStack extends WardenStack {
  public readonly identities: readonly AgentIdentity[];

  constructor(scope: Construct, props: WardenIdentityStackProps) {
    const { model, agents, datasets, ...rest } = props;
    super(scope, { ...rest, manifest: model.manifest, part: 'identity' });
    this.identities = agents.map((agent) => new AgentIdentity(this, `Agent-${agent.name}`, { model, agent, datasets }));
  }
}
