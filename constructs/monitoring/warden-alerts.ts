/**
 * `WardenAlerts`: where warden alarms go. An SNS topic (own KMS key, TLS-only policy) with the
 * manifest's e-mail subscriptions, which every alarm notifies; and an event bus, both named
 * `alertsName(project, environment)`, to which a rule on the default bus forwards every warden
 * alarm entering ALARM, for consumers outside the account's default bus (the event shape is
 * `WardenAlarmEvent`). Incident response listens on the default bus itself, where CloudWatch
 * delivers the events first, with the same pattern builder (`alarmEventPattern`).
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { defaultRemovalPolicy } from '../data-plane/retention';
import { alarmEventPattern } from '../../lib/alarms/alarm-event';
import { alertsName } from '../../lib/config/deployment-names';
import { undeliveredQueue } from './undelivered-queue';

export interface WardenAlertsProps {
  readonly project: string;
  readonly environment: string;
  /** Addresses subscribed to the topic (each confirms by e-mail). @default - none */
  readonly emails?: readonly string[];
  /** @default - RETAIN, or DESTROY for dev/test/sandbox environments */
  readonly removalPolicy?: RemovalPolicy;
}


export class WardenAlerts extends Construct {
  /** The topic of the deployment `project`-`environment`, by its name, from any stack of the same account and region. */
  public static topicOf(scope: Construct, id: string, project: string, environment: string): sns.ITopic {
    return sns.Topic.fromTopicArn(scope, id, Stack.of(scope).formatArn({ service: 'sns', resource: alertsName(project, environment) }));
  }

  /** The alert bus of the deployment, by its name: incident response puts its rule here. */
  public static busOf(scope: Construct, id: string, project: string, environment: string): events.IEventBus {
    return events.EventBus.fromEventBusName(scope, id, alertsName(project, environment));
  }

  public readonly encryptionKey: kms.Key;
  public readonly topic: sns.Topic;
  /** Warden alarms entering ALARM, forwarded unchanged (`WardenAlarmEvent`). */
  public readonly alertBus: events.EventBus;
  /** The default-bus rule that forwards them. */
  public readonly alarmRule: events.Rule;
  /** Alerts SNS or EventBridge could not deliver (dead-letter queue of the subscriptions and the forwarding rule). */
  public readonly undelivered: sqs.Queue;
  /** The role the rule forwards with. */
  public readonly forwardRole: iam.Role;

  constructor(scope: Construct, id: string, props: WardenAlertsProps) {
    super(scope, id);
    const { project, environment } = props;
    const name = alertsName(project, environment);
    const removalPolicy = props.removalPolicy ?? defaultRemovalPolicy(environment);
    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `mcp-warden ${project}-${environment}: the alert topic`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch alarms and EventBridge publish to the encrypted topic ("Encryption at rest", SNS Developer Guide)
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsPublishToTheTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { topicName: name, displayName: `mcp-warden ${project}-${environment} alerts`, masterKey: this.encryptionKey, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsOfThisAccountPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    // Alerts that could not be delivered (a bounced e-mail, a failed forward) are kept 14 days
    // here, and the queue's own alarm says so (see AgentMonitoring)
    this.undelivered = undeliveredQueue(this, 'Undelivered', {
      encryptionKey: this.encryptionKey,
      removalPolicy,
      deadLetterQueueOf: 'the alert subscriptions and of the forwarding rule (SNS RedrivePolicy, EventBridge DeadLetterConfig)',
      deliveredBy: [{ service: 'sns.amazonaws.com', sid: 'SnsParksUndeliveredAlerts' }],
    });
    for (const email of props.emails ?? []) this.topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue: this.undelivered }));

    this.alertBus = new events.EventBus(this, 'Bus', { eventBusName: name, description: `mcp-warden ${project}-${environment}: warden alarms entering ALARM` });
    const ruleName = `${name}-forward`;
    this.alarmRule = new events.Rule(this, 'AlarmRule', {
      ruleName,
      description: `mcp-warden ${project}-${environment}: forward warden alarms entering ALARM to the alert bus`,
      eventPattern: alarmEventPattern({ project, environment }),
    });
    // the forwarding role's permission as a managed policy (warden roles carry no inline policies)
    this.forwardRole = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceArn': Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: ruleName }) } } }),
      description: `mcp-warden ${project}-${environment}: EventBridge forwards warden alarms to the alert bus`,
    });
    new iam.ManagedPolicy(this, 'ForwardPolicy', {
      description: `mcp-warden ${project}-${environment}: put warden alarm events on the alert bus`,
      roles: [this.forwardRole],
      statements: [new iam.PolicyStatement({ sid: 'PutOnTheAlertBus', actions: ['events:PutEvents'], resources: [this.alertBus.eventBusArn] })],
    });
    this.alarmRule.addTarget(new targets.EventBus(this.alertBus, { role: this.forwardRole.withoutPolicyUpdates(), deadLetterQueue: this.undelivered }));
  }
}
