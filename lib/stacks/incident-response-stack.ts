/**
 * `<project>-<environment>-incident-response`: the IncidentResponse construct (state machine,
 * incidents table, evidence bucket, drill agent and schedule, alarms). It names the kill-switch
 * table, the agent roles and the alert topic by their deterministic names, so it needs no
 * exports; it deploys after the servers stack that holds the kill switch and the monitoring
 * stack whose topic it notifies. Its rule listens on the account's default bus, where CloudWatch
 * delivers alarm state changes, rather than on the monitoring alert bus (one forwarding hop less
 * between the alarm and containment).
 */
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { IncidentResponse } from '../../constructs/incident-response';
import { WardenStack, type WardenStackProps } from './warden-stack';

export interface WardenIncidentResponseStackProps extends Omit<WardenStackProps, 'part' | 'shard'> {
  /** The monitoring construct's topic. @default - the alert topic by name */
  readonly alertTopic?: sns.ITopic;
  /** The monitoring construct's rule for warden alarms entering ALARM. @default - a rule of this stack on the default bus */
  readonly alarmRule?: events.Rule;
}

export class WardenIncidentResponseStack extends WardenStack {
  public readonly incidentResponse: IncidentResponse;

  constructor(scope: Construct, props: WardenIncidentResponseStackProps) {
    const { alertTopic, alarmRule, ...rest } = props;
    super(scope, { ...rest, part: 'incident-response' });
    this.incidentResponse = new IncidentResponse(this, 'IncidentResponse', { manifest: props.manifest, alertTopic, alarmRule });
  }
}
