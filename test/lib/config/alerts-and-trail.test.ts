import { errorLines, GOOD_YAML, parse } from './manifest-fixtures';

const withAlerts = (yaml: string) => `${GOOD_YAML}alerts:\n${yaml}`;
const withTrail = (yaml: string) => `${GOOD_YAML}trail:\n${yaml}`;

describe('alerts', () => {
  it('defaults the anomaly band, thresholds and severities', () => {
    const { alerts } = parse(GOOD_YAML).manifest;
    expect(alerts.anomaly).toEqual({ bandWidth: 2, evaluationPeriods: 3, treatMissingData: 'notBreaching' });
    expect(alerts.thresholds).toEqual({ denied: 5, rateLimited: 20, errors: 5 });
    expect(alerts.severity).toEqual({});
    expect(alerts.agents).toEqual({});
  });

  it('takes severities per alarm kind and per agent', () => {
    const { alerts } = parse(withAlerts('  severity: { denied: high }\n  agents:\n    support-agent: { severity: { calls-anomaly: critical } }\n')).manifest;
    expect(alerts.severity).toEqual({ denied: 'high' });
    expect(alerts.agents['support-agent']!.severity).toEqual({ 'calls-anomaly': 'critical' });
  });

  it('names the path of an unknown alarm kind, with a did-you-mean', () => {
    expect(errorLines(withAlerts('  severity: { denyed: high }\n'))).toEqual(['warden.config.yaml: alerts.severity.denyed: unknown field "denyed" — did you mean "denied"?']);
  });

  it('names the path of an unknown severity', () => {
    expect(errorLines(withAlerts('  severity: { denied: urgent }\n'))[0]).toMatch(/^warden\.config\.yaml: alerts\.severity\.denied: .*severity must be one of low, medium, high, critical/);
  });

  it('refuses an override for an agent the manifest does not declare, with a did-you-mean', () => {
    const [line] = errorLines(withAlerts('  agents:\n    suport-agent: { severity: { denied: high } }\n'));
    expect(line).toMatch(/^warden\.config\.yaml: alerts\.agents\.suport-agent: unknown agent "suport-agent" — did you mean "support-agent"\?/);
  });

  it('refuses a band of less than half a standard deviation, naming the path', () => {
    expect(errorLines(withAlerts('  anomaly: { bandWidth: 0.1 }\n'))[0]).toMatch(/^warden\.config\.yaml: alerts\.anomaly\.bandWidth: /);
  });
});

describe('trail', () => {
  it('creates a trail kept 400 days by default', () => {
    expect(parse(GOOD_YAML).manifest.trail).toEqual({ logRetentionDays: 400 });
  });

  it('brings the organization\'s trail by its log group', () => {
    const { trail } = parse(withTrail('  logGroupName: aws-controltower/CloudTrailLogs\n  trailArn: arn:aws:cloudtrail:eu-west-1:111122223333:trail/org\n')).manifest;
    expect(trail.logGroupName).toBe('aws-controltower/CloudTrailLogs');
  });

  it('needs the log group of a brought trail, naming the field to add', () => {
    expect(errorLines(withTrail('  trailArn: arn:aws:cloudtrail:eu-west-1:111122223333:trail/org\n'))[0]).toMatch(/^warden\.config\.yaml: trail\.logGroupName: a brought trail \(trailArn\) needs the log group it delivers to — add trail\.logGroupName/);
  });

  it('refuses a retention under 400 days or one CloudWatch does not offer', () => {
    for (const days of [365, 500]) expect(errorLines(withTrail(`  logRetentionDays: ${days}\n`))[0]).toMatch(/^warden\.config\.yaml: trail\.logRetentionDays: logRetentionDays must be one of 400, 545, 731/);
  });

  it('refuses a data-event class that is not declared', () => {
    expect(errorLines(withTrail('  dataEventClasses: [restrictd]\n'))[0]).toMatch(/^warden\.config\.yaml: trail\.dataEventClasses\[0\]: unknown data class "restrictd" — did you mean "restricted"\?/);
  });
});
