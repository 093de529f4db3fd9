/**
 * `<project>-<environment>-incident-response`: the IncidentResponse construct (state machine,
 * incidents table, evidence bucket, drill agent and schedule, alarms). It names the kill-switch
 * table, the agent roles and the alert topic by their deterministic names, so it needs no
 * exports; it deploys after the servers stack that holds the kill switch and the monitoring
 * stack whose alert bus (warden alarms entering ALARM, forwarded from the default bus) its rule
 * listens on and whose topic it notifies.
 */
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { IncidentResponse } from '../../constructs/incident-response';
import { WardenAlerts } from '../../constructs/monitoring';
import { WardenStack, type WardenStackProps } from './warden-stack';

export interface WardenIncidentResponseStackProps extends Omit<WardenStackProps, 'part' | 'shard'> {
  /** The monitoring construct's topic. @default - the alert topic by name */
  readonly alertTopic?: sns.ITopic;
  /** The monitoring construct's rule for warden alarms entering ALARM. @default - a rule of this stack on the alert bus (by name) */
  readonly alarmRule?: events.Rule;
}

export class WardenIncidentResponseStack extends WardenStack {
  public readonly incidentResponse: IncidentResponse;

  constructor(scope: Construct, props: WardenIncidentResponseStackProps) {
    const { alertTopic, alarmRule, ...rest } = props;
    super(scope, { ...rest, part: 'incident-response' });
    const { project, environment } = props.manifest;
    const alarmBus = alarmRule ? undefined : WardenAlerts.busOf(this, 'AlertBus', project, environment);
    this.incidentResponse = new IncidentResponse(this, 'IncidentResponse', { manifest: props.manifest, alertTopic, alarmRule, alarmBus });
  }
}
