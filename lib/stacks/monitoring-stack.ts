/**
 * `<project>-<environment>-monitoring`: the trail (or the metric filters on the organization's),
 * alerting (topic, alert bus, forwarding rule), the server alarms and the dashboards.
 * `<project>-<environment>-agent-alarms[-N]`: the eight alarms of each agent of one shard and
 * their alarm-state dashboard; they notify the monitoring stack's topic, found by name.
 *
 * Neither references another stack's resources (functions, APIs, tables, roles and the topic
 * are all named deterministically), so there are no exports and no cycles; the shards deploy
 * after the monitoring stack so that the topic exists when their alarms are created.
 */
import type { Construct } from 'constructs';
import { AgentMonitoring, WardenAlerts } from '../../constructs/monitoring';
import type { AgentSpec } from '../config/schema';
import { WardenStack, type WardenStackProps } from './warden-stack';

/**
 * Agents per agent-alarms stack: 8 alarms each plus one dashboard, so 50 agents make 401
 * resources, inside CloudFormation's 500 with room for more alarm kinds.
 */
export const ALARMED_AGENTS_PER_STACK = 50;
export const ALARMS_PER_AGENT = 8;

export type WardenMonitoringStackProps = Omit<WardenStackProps, 'part' | 'shard'> & {
  /** Servers some agent may call (the deployed ones). */
  readonly servers: readonly string[];
};

export class WardenMonitoringStack extends WardenStack {
  public readonly monitoring: AgentMonitoring;

  constructor(scope: Construct, props: WardenMonitoringStackProps) {
    const { servers, ...rest } = props;
    super(scope, { ...rest, part: 'monitoring' });
    this.monitoring = new AgentMonitoring(this, 'Monitoring', { manifest: props.manifest, agents: [], servers });
  }
}

export interface WardenAgentAlarmsStackProps extends Omit<WardenStackProps, 'part'> {
  /** The agents of this shard. */
  readonly agents: readonly AgentSpec[];
}

export class WardenAgentAlarmsStack extends WardenStack {
  public readonly monitoring: AgentMonitoring;

  constructor(scope: Construct, props: WardenAgentAlarmsStackProps) {
    const { agents, ...rest } = props;
    super(scope, { ...rest, part: 'agent-alarms' });
    const { project, environment } = props.manifest;
    this.monitoring = new AgentMonitoring(this, 'Monitoring', {
      manifest: props.manifest,
      agents: agents.map((a) => a.name),
      servers: [],
      trail: false,
      alertTopic: WardenAlerts.topicOf(this, 'AlertTopic', project, environment),
      shard: props.shard,
    });
  }
}
