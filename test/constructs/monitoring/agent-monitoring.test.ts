import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AgentMonitoring, trailFilterSpecs, WardenAlerts } from '../../../constructs/monitoring';
import { AGENT_ALARM_KINDS, ALARM_KINDS, SERVER_ALARM_KINDS, TRAIL_ALARM_KINDS } from '../../../lib/alarms/alarm-kinds';
import { alarmEventPattern } from '../../../lib/alarms/alarm-event';
import { parseAlarmName } from '../../../lib/alarms/alarm-name';
import type { ManifestInput } from '../../../lib/config/schema';
import { newTestApp, testManifest } from '../../lib/stacks/warden-test-app';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

function build(overrides: Partial<ManifestInput> = {}, props: Partial<ConstructorParameters<typeof AgentMonitoring>[2]> = {}) {
  const manifest = testManifest({ alerts: { email: ['secops@shop.example', 'oncall@shop.example'] }, ...overrides });
  const stack = new Stack(newTestApp(), 'Monitoring');
  const monitoring = new AgentMonitoring(stack, 'Monitoring', { manifest, ...props });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Resources;
  const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties);
  const byName = new Map(alarms.map((a) => [a.AlarmName as string, a]));
  return { manifest, stack, monitoring, template, resources, alarms, byName };
}

describe('AgentMonitoring', () => {
  const { manifest, monitoring, template, resources, alarms, byName } = build();
  const agents = manifest.agents.map((a) => a.name);

  it('makes one anomaly-detection alarm per agent on calls and one on redactions, above the band, as the manifest configures', () => {
    for (const agent of agents) {
      for (const [kind, metric] of [['calls-anomaly', 'Calls'], ['redactions-anomaly', 'Redactions']] as const) {
        const alarm = byName.get(`warden/shop-prod/medium/agent/${agent}/${kind}`)!;
        expect(alarm).toBeDefined();
        expect(alarm.ComparisonOperator).toBe('GreaterThanUpperThreshold');
        expect(alarm.EvaluationPeriods).toBe(3);
        expect(alarm.TreatMissingData).toBe('notBreaching');
        expect(alarm.Metrics).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ Expression: 'ANOMALY_DETECTION_BAND(m0, 2)' }),
            expect.objectContaining({ MetricStat: { Metric: { Namespace: 'McpWarden', MetricName: metric, Dimensions: [{ Name: 'Agent', Value: agent }] }, Period: 300, Stat: 'Sum' } }),
          ]),
        );
      }
    }
    expect(alarms.filter((a) => a.ThresholdMetricId !== undefined)).toHaveLength(2 * agents.length);
  });

  it('takes the anomaly band width, evaluation periods and missing-data treatment from alerts.anomaly', () => {
    const { byName: tuned } = build({ alerts: { anomaly: { bandWidth: 3.5, evaluationPeriods: 6, datapointsToAlarm: 4, treatMissingData: 'ignore' } } });
    const alarm = tuned.get('warden/shop-prod/medium/agent/reader/calls-anomaly')!;
    expect(alarm).toMatchObject({ EvaluationPeriods: 6, DatapointsToAlarm: 4, TreatMissingData: 'ignore' });
    expect(alarm.Metrics[0].Expression).toBe('ANOMALY_DETECTION_BAND(m0, 3.5)');
  });

  it('alarms statically on denials, injection flags, rate limiting, errors and identity forgery, each at its threshold', () => {
    const expected = { denied: ['Denied', 5], 'injection-flagged': ['InjectionFlagged', 1], 'rate-limited': ['RateLimited', 20], errors: ['Errors', 5], 'identity-forgery': ['IdentityForgery', 1] } as const;
    for (const agent of agents) {
      for (const [kind, [metric, threshold]] of Object.entries(expected)) {
        const severity = AGENT_ALARM_KINDS[kind as keyof typeof expected].severity;
        expect(byName.get(`warden/shop-prod/${severity}/agent/${agent}/${kind}`)).toMatchObject({
          Namespace: 'McpWarden',
          MetricName: metric,
          Dimensions: [{ Name: 'Agent', Value: agent }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('takes the static thresholds from alerts.thresholds', () => {
    const { byName: tuned } = build({ alerts: { thresholds: { denied: 2, rateLimited: 50, errors: 9 } } });
    expect(tuned.get('warden/shop-prod/medium/agent/reader/denied')!.Threshold).toBe(2);
    expect(tuned.get('warden/shop-prod/low/agent/reader/rate-limited')!.Threshold).toBe(50);
    expect(tuned.get('warden/shop-prod/medium/agent/reader/errors')!.Threshold).toBe(9);
  });

  it('alarms per agent on AWS access denials of its caller and data roles, from the trail', () => {
    const alarm = byName.get('warden/shop-prod/high/agent/writer/access-denied')!;
    expect(alarm.Threshold).toBe(1);
    const metrics = alarm.Metrics as any[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(caller, 0) + FILL(data, 0)');
    expect(metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric)).toEqual([
      { Namespace: 'McpWarden/CloudTrail', MetricName: 'AccessDenied', Dimensions: [{ Name: 'Role', Value: 'shop-prod-writer-caller' }] },
      { Namespace: 'McpWarden/CloudTrail', MetricName: 'AccessDenied', Dimensions: [{ Name: 'Role', Value: 'shop-prod-writer-data' }] },
    ]);
  });

  it('alarms once per deployment on forged proofs naming no known agent', () => {
    expect(byName.get('warden/shop-prod/high/deployment/guard/unknown-caller-forgery')).toMatchObject({ Namespace: 'McpWarden', MetricName: 'IdentityForgery', Dimensions: [{ Name: 'Agent', Value: '(unknown)' }], Threshold: 1 });
  });

  it('alarms per server on its function\'s errors, throttles, duration and concurrency and its API\'s 4XX and 5XX', () => {
    for (const server of ['commerce', 'payments']) {
      for (const kind of Object.keys(SERVER_ALARM_KINDS) as (keyof typeof SERVER_ALARM_KINDS)[]) {
        const alarm = byName.get(`warden/shop-prod/${SERVER_ALARM_KINDS[kind].severity}/server/${server}/${kind}`)!;
        expect(alarm).toBeDefined();
        const dims = kind.startsWith('api') ? [{ Name: 'ApiName', Value: `shop-prod-${server}-mcp` }, { Name: 'Stage', Value: 'v1' }] : [{ Name: 'FunctionName', Value: `shop-prod-${server}-mcp` }];
        expect(alarm.Dimensions).toEqual(dims);
      }
    }
    expect(byName.get('warden/shop-prod/low/server/commerce/function-duration')).toMatchObject({ MetricName: 'Duration', ExtendedStatistic: 'p99', Threshold: 23200 });
    expect(byName.get('warden/shop-prod/low/server/commerce/function-concurrency')).toMatchObject({ MetricName: 'ConcurrentExecutions', Statistic: 'Maximum', Threshold: 800 });
  });

  it('gives every alarm a name that says its severity and subject, and the alert topic as its action', () => {
    const topic = Object.keys(resources).find((k) => resources[k]!.Type === 'AWS::SNS::Topic')!;
    expect(alarms.length).toBe(agents.length * Object.keys(AGENT_ALARM_KINDS).length + 2 * Object.keys(SERVER_ALARM_KINDS).length + Object.keys(TRAIL_ALARM_KINDS).length + 2);
    for (const alarm of alarms) {
      const parsed = parseAlarmName(alarm.AlarmName);
      expect(parsed).toBeDefined();
      expect(parsed!.deployment).toBe('shop-prod');
      expect(ALARM_KINDS[parsed!.kind as keyof typeof ALARM_KINDS].subjectKind).toBe(parsed!.subjectKind);
      expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.AlarmDescription).toContain(`docs/runbooks/alarms.md#${parsed!.kind}`);
    }
  });

  it('overrides severities per alarm kind and per agent from alerts', () => {
    const { byName: tuned } = build({ alerts: { severity: { denied: 'high', 'api-4xx': 'medium' }, agents: { writer: { severity: { denied: 'critical', 'calls-anomaly': 'high' } } } } });
    expect(tuned.has('warden/shop-prod/high/agent/reader/denied')).toBe(true);
    expect(tuned.has('warden/shop-prod/critical/agent/writer/denied')).toBe(true);
    expect(tuned.has('warden/shop-prod/high/agent/writer/calls-anomaly')).toBe(true);
    expect(tuned.has('warden/shop-prod/medium/agent/reader/calls-anomaly')).toBe(true);
    expect(tuned.has('warden/shop-prod/medium/server/commerce/api-4xx')).toBe(true);
  });

  it('encrypts the alert topic with its own key, refuses plain HTTP, and subscribes the manifest\'s addresses', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'shop-prod-warden-alerts', KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    for (const email of ['secops@shop.example', 'oncall@shop.example']) template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, RedrivePolicy: Match.anyValue() });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
    expect(byName.get('warden/shop-prod/high/deployment/alerts/alerts-undelivered')).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AlarmsPublishToTheTopic', Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] } })]) },
    });
  });

  it('forwards warden alarms entering ALARM from the default bus to the alert bus, for incident response', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'shop-prod-warden-alerts' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { alarmName: [{ prefix: 'warden/shop-prod/' }], state: { value: ['ALARM'] } } },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlertsBus'), 'Arn'] }, RoleArn: Match.anyValue() })],
    });
    expect(monitoring.alertBus).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlertsUndelivered'), 'Arn'] } } })] });
    expect(monitoring.alarmRule).toBeDefined();
  });

  it('builds patterns incident response can match by severity and subject', () => {
    expect(alarmEventPattern({ project: 'shop', environment: 'prod', severities: ['high', 'critical'], subjectKind: 'agent' }).detail).toEqual({
      alarmName: [{ wildcard: 'warden/shop-prod/high/agent/*' }, { wildcard: 'warden/shop-prod/critical/agent/*' }],
      state: { value: ['ALARM'] },
    });
  });

  it('creates a multi-region, validated, KMS-encrypted trail delivering to a KMS-encrypted log group kept 400 days', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'shop-prod-warden',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: Match.anyValue(),
      CloudWatchLogsLogGroupArn: Match.anyValue(),
      CloudWatchLogsRoleArn: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/mcp-warden/shop-prod/cloudtrail', RetentionInDays: 400, KmsKeyId: Match.anyValue() });
  });

  it('records invocations of the server functions and every call on the confidential and restricted tables, and kill-switch writes', () => {
    const trail = Object.values(resources).find((r) => r.Type === 'AWS::CloudTrail::Trail')!.Properties;
    expect(trail.EventSelectors).toBeUndefined();
    const selectors = trail.AdvancedEventSelectors as { Name: string; FieldSelectors: { Field: string; Equals: unknown[] }[] }[];
    const arns = (name: string) => JSON.stringify(selectors.find((s) => s.Name === name)!.FieldSelectors.find((f) => f.Field === 'resources.ARN')!.Equals);
    expect(selectors[0]).toEqual({ Name: 'All management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] });
    expect(arns('Warden server function invocations')).toMatch(/:function:shop-prod-commerce-mcp".*:function:shop-prod-payments-mcp"/);
    const tables = arns('Sensitive dataset tables');
    expect(tables).toContain(':table/shop-prod-orders"');
    expect(tables).toContain(':table/shop-prod-payments"');
    expect(tables).not.toContain(':table/shop-prod-catalog"');
    const killSwitch = selectors.find((s) => s.Name === 'Kill switch writes')!.FieldSelectors;
    expect(killSwitch).toEqual(expect.arrayContaining([{ Field: 'readOnly', Equals: ['false'] }]));
    expect(JSON.stringify(killSwitch)).toContain(':table/shop-prod-agent-status"');
  });

  it('records the data classes trail.dataEventClasses names instead, when given', () => {
    const { resources: r } = build({ trail: { dataEventClasses: ['public'] } });
    const trail = Object.values(r).find((x) => x.Type === 'AWS::CloudTrail::Trail')!.Properties;
    const tables = JSON.stringify(trail.AdvancedEventSelectors.find((s: { Name: string }) => s.Name === 'Sensitive dataset tables'));
    expect(tables).toContain(':table/shop-prod-catalog"');
    expect(tables).not.toContain(':table/shop-prod-payments"');
  });

  it('keeps the trail in a versioned, access-logged, TLS-only Object Lock bucket with a lifecycle', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } } },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'trail-bucket/' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 401, Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }] })] },
    });
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(2);
    for (const p of policies) expect(p.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]));
  });

  it('puts exactly the tested filter patterns on the trail\'s log group (trail-filters.test.ts checks each against sample events)', () => {
    const filters = Object.values(resources).filter((r) => r.Type === 'AWS::Logs::MetricFilter').map((r) => r.Properties);
    const specs = trailFilterSpecs({ project: 'shop', environment: 'prod', incidentResponseRole: 'shop-prod-incident-response', agentStatusTable: 'shop-prod-agent-status', serverFunctions: '*shop-prod-*-mcp*' });
    expect(filters.map((f) => f.FilterPattern).sort()).toEqual(specs.flatMap((s) => s.patterns.map((p) => p.text)).sort());
    for (const f of filters) expect(f.MetricTransformations[0].MetricNamespace).toBe('McpWarden/CloudTrail');
  });

  it('attaches the filters to the organization\'s log group and creates no trail when the manifest brings one', () => {
    const { template: byo, resources: r } = build({ trail: { logGroupName: 'aws-controltower/CloudTrailLogs', trailArn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail' } });
    byo.resourceCountIs('AWS::CloudTrail::Trail', 0);
    byo.resourceCountIs('AWS::S3::Bucket', 0);
    const filters = Object.values(r).filter((x) => x.Type === 'AWS::Logs::MetricFilter');
    expect(filters.length).toBeGreaterThan(0);
    for (const f of filters) expect(f.Properties.LogGroupName).toBe('aws-controltower/CloudTrailLogs');
  });

  it('holds only an agent shard\'s alarms when the trail and alerting live elsewhere', () => {
    const manifest = testManifest();
    const stack = new Stack(newTestApp(), 'Shard');
    const shard = new AgentMonitoring(stack, 'Monitoring', { manifest, agents: ['writer'], servers: [], trail: false, alertTopic: WardenAlerts.topicOf(stack, 'Topic', 'shop', 'prod'), shard: 2 });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', Object.keys(AGENT_ALARM_KINDS).length);
    t.resourceCountIs('AWS::SNS::Topic', 0);
    t.resourceCountIs('AWS::CloudTrail::Trail', 0);
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'mcp-warden-shop-prod-agent-alarms-3' });
    expect(shard.alarm('writer', 'identity-forgery').node.defaultChild).toBeDefined();
    expect(() => shard.alarmsOf('reader')).toThrow(/agent "reader" has no alarms here; agents monitored here are writer/);
  });

  it('builds dashboards that scale: an agent variable, search expressions for the noisiest agents, one per server', () => {
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard').map((r) => r.Properties);
    expect(dashboards.map((d) => d.DashboardName).sort()).toEqual(['mcp-warden-shop-prod-agent', 'mcp-warden-shop-prod-agent-alarms', 'mcp-warden-shop-prod-overview', 'mcp-warden-shop-prod-server-commerce', 'mcp-warden-shop-prod-server-payments']);
    const body = (name: string) => JSON.stringify(dashboards.find((d) => d.DashboardName === name)!.DashboardBody);
    expect(body('mcp-warden-shop-prod-agent')).toContain('\\"property\\":\\"Agent\\"');
    expect(body('mcp-warden-shop-prod-overview')).toContain('SORT(SEARCH(\'{McpWarden,Agent} MetricName=\\\\\\"Calls\\\\\\"\', \'Sum\', 300), SUM, DESC, 20)');
    expect(body('mcp-warden-shop-prod-server-payments')).toContain('Agent=\\\\\\"writer\\\\\\"');
  });

  it('offers metric helpers on the guard\'s metrics and the trail\'s', () => {
    expect(monitoring.metricCalls('reader').dimensions).toEqual({ Agent: 'reader' });
    expect(monitoring.metricIdentityForgery('reader').metricName).toBe('IdentityForgery');
    expect(monitoring.metricTrail('DirectInvoke').namespace).toBe('McpWarden/CloudTrail');
  });

  it('refuses agents and servers the manifest does not have, naming the ones it does', () => {
    const stack = new Stack(newTestApp(), 'Bad');
    expect(() => new AgentMonitoring(stack, 'A', { manifest, agents: ['ghost'] })).toThrow(/agent "ghost" is not in the manifest; use one of reader, writer/);
    expect(() => new AgentMonitoring(stack, 'B', { manifest, servers: ['billing'] })).toThrow(/server "billing" is not in the manifest; use one of commerce, payments/);
  });
});
