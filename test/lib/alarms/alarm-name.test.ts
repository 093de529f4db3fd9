import { alarmName, alarmNamePrefix, parseAlarmName } from '../../../lib/alarms';

describe('alarm names', () => {
  it('carries severity, subject and kind in a name EventBridge can match by prefix', () => {
    const name = alarmName({ project: 'shop', environment: 'prod', severity: 'high', subjectKind: 'agent', subject: 'fraud-agent', kind: 'identity-forgery' });
    expect(name).toBe('warden/shop-prod/high/agent/fraud-agent/identity-forgery');
    expect(name.startsWith(alarmNamePrefix('shop', 'prod'))).toBe(true);
  });

  it('parses back what it built, and nothing else', () => {
    expect(parseAlarmName('warden/shop-prod/high/agent/fraud-agent/identity-forgery')).toEqual({ deployment: 'shop-prod', severity: 'high', subjectKind: 'agent', subject: 'fraud-agent', kind: 'identity-forgery' });
    for (const other of ['warden/shop-prod/urgent/agent/a/b', 'TargetTracking-table', 'warden/shop-prod/high/agent/a', 'warden/shop-prod/high/user/a/b']) {
      expect(parseAlarmName(other)).toBeUndefined();
    }
  });

  it('refuses parts that would break the format', () => {
    expect(() => alarmName({ project: 'shop', environment: 'prod', severity: 'high', subjectKind: 'agent', subject: 'a/b', kind: 'x' })).toThrow(/subject "a\/b"/);
    expect(() => alarmName({ project: 'shop', environment: 'prod', severity: 'high', subjectKind: 'agent', subject: 'a', kind: 'x'.repeat(300) })).toThrow(/255/);
  });
});
