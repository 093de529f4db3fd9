/**
 * The name of every warden alarm, which is how alarms carry their severity and subject to
 * EventBridge: CloudWatch's "Alarm State Change" event holds the alarm's name and description but
 * not its tags, and EventBridge patterns can match a name by prefix or wildcard. Step Functions
 * splits the name with `States.StringSplit(name, '/')`, so `/` separates the fields: it is not
 * allowed in manifest names. Pure: shared by the monitoring and incident-response constructs, the
 * backup construct and the CLI.
 *
 *   warden/<project>-<environment>/<severity>/<subjectKind>/<subject>/<kind>
 *   warden/shop-prod/high/agent/fraud-agent/identity-forgery
 */
export const ALARM_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];
/** What an alarm concerns: one agent, one server, or the deployment as a whole (trail, backups, incident response). */
export const ALARM_SUBJECT_KINDS = ['agent', 'server', 'deployment'] as const;
export type AlarmSubjectKind = (typeof ALARM_SUBJECT_KINDS)[number];

export interface AlarmNameParts {
  readonly project: string;
  readonly environment: string;
  readonly severity: AlarmSeverity;
  readonly subjectKind: AlarmSubjectKind;
  /** Agent or server name; for `deployment`, the part (e.g. `trail`, `backup`, `incident-response`). */
  readonly subject: string;
  /** The alarm kind, lower-case with hyphens, e.g. `calls-anomaly`, `denied`, `identity-forgery`. */
  readonly kind: string;
}

const PART = /^[a-z0-9][a-z0-9-]*$/;
/** CloudWatch's limit on alarm names. */
export const MAX_ALARM_NAME_LENGTH = 255;

/** The prefix every alarm of one deployment starts with, for EventBridge `prefix` patterns. */
export function alarmNamePrefix(project: string, environment: string): string {
  return `warden/${project}-${environment}/`;
}

export function alarmName(parts: AlarmNameParts): string {
  for (const [field, value] of Object.entries({ subject: parts.subject, kind: parts.kind })) {
    if (!PART.test(value)) throw new Error(`alarm ${field} "${value}" must be lower-case letters, digits and hyphens`);
  }
  if (!(ALARM_SEVERITIES as readonly string[]).includes(parts.severity)) throw new Error(`alarm severity "${parts.severity}" must be one of ${ALARM_SEVERITIES.join(', ')}`);
  if (!(ALARM_SUBJECT_KINDS as readonly string[]).includes(parts.subjectKind)) throw new Error(`alarm subject kind "${parts.subjectKind}" must be one of ${ALARM_SUBJECT_KINDS.join(', ')}`);
  const name = `${alarmNamePrefix(parts.project, parts.environment)}${parts.severity}/${parts.subjectKind}/${parts.subject}/${parts.kind}`;
  if (name.length > MAX_ALARM_NAME_LENGTH) throw new Error(`alarm name ${name} is longer than CloudWatch's ${MAX_ALARM_NAME_LENGTH} characters`);
  return name;
}

/** The parts of a warden alarm name, or undefined for any other alarm. */
export function parseAlarmName(name: string): Omit<AlarmNameParts, 'project' | 'environment'> & { readonly deployment: string } | undefined {
  const fields = name.split('/');
  if (fields.length !== 6 || fields[0] !== 'warden') return undefined;
  const [, deployment, severity, subjectKind, subject, kind] = fields as [string, string, string, string, string, string];
  if (!(ALARM_SEVERITIES as readonly string[]).includes(severity) || !(ALARM_SUBJECT_KINDS as readonly string[]).includes(subjectKind)) return undefined;
  if (!PART.test(subject) || !PART.test(kind) || !PART.test(deployment)) return undefined;
  return { deployment, severity: severity as AlarmSeverity, subjectKind: subjectKind as AlarmSubjectKind, subject, kind };
}
