/**
 * The shape of `warden.config.yaml`. Pure: no aws-cdk-lib, no I/O.
 *
 * Every object is `strict()`: an unknown key is an error, because a typo such as
 * `clearence:` must never silently fall back to a default and weaken security.
 * Cross-field rules (references, uniqueness, name lengths) live in `cross-checks.ts`.
 */
import { z } from 'zod';
import { ALARM_KIND_NAMES } from '../alarms/alarm-kinds';
import { ALARM_SEVERITIES } from '../alarms/alarm-name';
import { approvalSchema, approvalsSchema } from './approval-schema';

/** Lower-case, digits and hyphens; starts with a letter. Safe in IAM, CloudFormation, S3 and Cedar ids. */
const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/;
/** What YAML made of an unquoted value (`123`, `true`, `~`), for the error. */
const describeFound = (value: unknown): string => (value === null ? 'an empty value' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : `the ${typeof value} ${String(value)}`);
const name = (what: string, max: number) =>
  z
    .string({
      error: (issue) =>
        issue.input === null || typeof issue.input === 'object'
          ? `${what} must be text, found ${describeFound(issue.input)}`
          : `${what} must be text, found ${describeFound(issue.input)} — quote it if you meant it as a name (e.g. "${String(issue.input)}")`,
    })
    .min(1, `${what} must not be empty`)
    .max(max, `${what} is longer than ${max} characters`)
    .regex(NAME, `${what} must be lower-case letters, digits and hyphens, starting with a letter (e.g. "inventory-agent")`);

/** ISO-8601 duration such as PT4H or P182D (Step Functions and the drill schedule take these). */
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
const duration = z.string().regex(ISO_DURATION, 'must be an ISO-8601 duration such as PT4H or P182D');

export const ACCESS_LEVELS = ['read', 'write'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const COMPLIANCE_PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security', 'ServerlessChecks'] as const;
export const INJECTION_ACTIONS = ['flag', 'block'] as const;
/** What the guard does with tool results carrying instruction-like text (`off`: leaves them untouched). */
export const OUTPUT_INJECTION_ACTIONS = ['flag', 'block', 'off'] as const;
/** What the redaction engine recognises; each maps to the data class it belongs to. */
export const REDACTION_TYPES = ['card', 'cvv', 'iban', 'ssn', 'email', 'phone', 'address', 'aws-access-key', 'aws-secret', 'jwt', 'private-key'] as const;

export const toolSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'tool names are snake_case: lower-case letters, digits and underscores, starting with a letter (e.g. "get_order")'),
  dataset: name('dataset', 40),
  access: z.enum(ACCESS_LEVELS, { error: 'access must be "read" or "write"' }),
  description: z.string().max(1024).optional(),
  /** Human approval before a call runs (docs/approvals.md). @default - none */
  approval: approvalSchema.optional(),
});

/** Names of tools, resources and prompts: what MCP clients see and Cedar ids use. */
const featureName = (what: string) =>
  z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, `${what} names are snake_case: lower-case letters, digits and underscores, starting with a letter (e.g. "order_by_id")`);

/**
 * A resource (read-only data an agent fetches by URI): a static `uri` or an RFC 6570
 * `uriTemplate` (`order://{orderId}`), backed by one dataset whose class decides redaction.
 */
export const resourceSchema = z
  .strictObject({
    name: featureName('resource'),
    uri: z.string().min(1).max(2048).regex(/^[a-zA-Z][a-zA-Z0-9+.-]*:[^{}]+$/, 'uri must be an absolute URI without template variables (e.g. "catalog://categories"); use uriTemplate for one with {variables}').optional(),
    uriTemplate: z.string().min(1).max(2048).regex(/^[a-zA-Z][a-zA-Z0-9+.-]*:.*\{[^{}]+\}/, 'uriTemplate must be an absolute URI template with at least one {variable} (e.g. "order://{orderId}")').optional(),
    dataset: name('dataset', 40),
    /** Resources are read: MCP has no resource writes. */
    access: z.literal('read', { error: 'resources are read-only: access must be "read" (or left out)' }).default('read'),
    description: z.string().max(1024).optional(),
    mimeType: z.string().max(127).optional(),
  })
  .refine((r) => (r.uri === undefined) !== (r.uriTemplate === undefined), { error: 'a resource needs exactly one of uri (a static URI) or uriTemplate (a URI template)', path: ['uri'] });

/** A prompt template; `dataClasses` are the classes its arguments and messages may carry (the most sensitive one is authorized). */
export const promptSchema = z.strictObject({
  name: featureName('prompt'),
  dataClasses: z.array(z.string().min(1)).min(1, 'name the data classes the prompt\'s arguments and messages may carry (e.g. [public])'),
  description: z.string().max(1024).optional(),
});

export const serverSchema = z.strictObject({
  name: name('server name', 24),
  /** Tool code (a module that default-exports `defineTools(...)`), relative to the manifest. */
  entry: z.string().min(1).regex(/\.(ts|js|mts|mjs|cts|cjs)$/, 'entry must be a .ts or .js file'),
  tools: z.array(toolSchema).min(1, 'a server needs at least one tool'),
  /** Resources and resource templates, authorized per agent like tools. @default - none */
  resources: z.array(resourceSchema).optional(),
  /** Prompts, authorized per agent like tools. @default - none */
  prompts: z.array(promptSchema).optional(),
  /** @default 512 */
  memorySize: z.number().int().min(128).max(10240).optional(),
  /** Seconds. @default 29 (API Gateway's integration timeout) */
  timeoutSeconds: z.number().int().min(1).max(29).optional(),
  /** @default - unreserved */
  reservedConcurrency: z.number().int().min(1).optional(),
  /**
   * How long (ms) a 2026-07-28 client may keep this server's tool, resource and prompt lists.
   * They differ per agent, so they are always `cacheScope: private`. @default 60000
   */
  listTtlMs: z.number().int().min(0).max(86_400_000).optional(),
});

export const datasetSchema = z.strictObject({
  name: name('dataset name', 40),
  class: z.string().min(1),
  /** Bring your own table instead of creating one. */
  tableArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/, 'tableArn must be a DynamoDB table ARN: arn:aws:dynamodb:REGION:ACCOUNT:table/NAME')
    .optional(),
  /** @default 'pk' */
  partitionKey: z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, 'partitionKey must be a DynamoDB attribute name: 1-255 letters, digits, "_", "-" or "."').optional(),
  /** @default - none */
  sortKey: z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, 'sortKey must be a DynamoDB attribute name: 1-255 letters, digits, "_", "-" or "."').optional(),
  /** Secondary indexes of a brought table that its tools query; data roles get exactly these index ARNs. @default - none */
  indexes: z.array(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'indexes entries must be DynamoDB index names: 3-255 letters, digits, "_", "-" or "."')).optional(),
});

export const assumedBySchema = z.union(
  [
    z.strictObject({ service: z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/, 'service must be a service principal such as ecs-tasks.amazonaws.com') }),
    z.strictObject({ roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'roleArn must be an IAM role ARN: arn:aws:iam::ACCOUNT:role/NAME') }),
    z.strictObject({ accountId: z.string().regex(/^\d{12}$/, 'accountId must be 12 digits') }),
  ],
  { error: 'assumedBy must be exactly one of { service: ... }, { roleArn: ... } or { accountId: ... }' },
);

export const agentSchema = z.strictObject({
  name: name('agent name', 32),
  description: z.string().max(256).optional(),
  owner: z.email({ error: 'owner must be an e-mail address (who answers for this agent)' }),
  /** Date of the last access review, YYYY-MM-DD. */
  reviewedOn: z.iso.date({
    error: (issue) =>
      typeof issue.input === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(issue.input)
        ? `reviewedOn ${issue.input} is not a date on the calendar — check the month and day`
        : 'reviewedOn must be a date written YYYY-MM-DD',
  }),
  clearance: z.string().min(1),
  assumedBy: assumedBySchema,
  /** `server/tool` references. */
  tools: z.array(z.string()).min(1, 'an agent needs at least one tool (remove the agent instead)'),
  /** `server/resource` references. @default - none */
  resources: z.array(z.string()).optional(),
  /** `server/prompt` references. @default - none */
  prompts: z.array(z.string()).optional(),
  rateLimit: z
    .strictObject({
      perMinute: z.number().int().min(1).max(100000),
    })
    .optional(),
});

const roleArn = (what: string) => z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, `${what} must be an IAM role ARN: arn:aws:iam::ACCOUNT:role/NAME`);

/**
 * Who administers the data-class keys and who may read classified data in an emergency. Key
 * administration never includes use; break-glass use goes through DynamoDB like the data roles'.
 */
export const dataKeysSchema = z.strictObject({
  /** Roles that may administer the class keys (policy, rotation, deletion). @default - any principal of the account allowed by IAM */
  administrators: z.array(roleArn('dataKeys.administrators entries')).min(1, 'list at least one role, or leave administrators out').optional(),
  /** A role, or principals carrying a tag, that may read and write every dataset through DynamoDB. @default - none */
  breakGlass: z
    .union(
      [
        z.strictObject({ roleArn: roleArn('dataKeys.breakGlass.roleArn') }),
        z.strictObject({ principalTag: z.strictObject({ key: z.string().regex(/^[\w.:/=+@-]{1,128}$/, 'principalTag.key must be an IAM tag key'), value: z.string().regex(/^[\w.:/=+@ -]{1,256}$/, 'principalTag.value must be an IAM tag value') }) }),
      ],
      { error: 'breakGlass must be exactly one of { roleArn: ... } or { principalTag: { key: ..., value: ... } }' },
    )
    .optional(),
});

const alarmSeverity = z.enum(ALARM_SEVERITIES, { error: `severity must be one of ${ALARM_SEVERITIES.join(', ')}` });
const severityByKind = z.partialRecord(z.enum(ALARM_KIND_NAMES, { error: `alarm kinds are ${ALARM_KIND_NAMES.join(', ')}` }), alarmSeverity);
/** Retention values CloudWatch Logs accepts from 400 days up (PutRetentionPolicy). */
export const TRAIL_RETENTION_DAYS = [400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const anomalySchema = z.strictObject({
  /** Width of the anomaly band in standard deviations. @default 2 */
  bandWidth: z.number().min(0.5).max(10).default(2),
  /** Five-minute periods the alarm looks at. @default 3 */
  evaluationPeriods: z.number().int().min(1).max(288).default(3),
  /** Of those, how many must be outside the band. @default - all of them */
  datapointsToAlarm: z.number().int().min(1).max(288).optional(),
  /** How a period without calls counts. @default 'notBreaching' */
  treatMissingData: z.enum(['notBreaching', 'breaching', 'ignore', 'missing']).default('notBreaching'),
});

export const alertsSchema = z.strictObject({
  email: z.array(z.email({ error: 'alerts.email entries must be e-mail addresses' })).default([]),
  /** The per-agent anomaly-detection alarms on call volume and redactions. */
  anomaly: anomalySchema.default({ bandWidth: 2, evaluationPeriods: 3, treatMissingData: 'notBreaching' }),
  /** Count in five minutes at which the static per-agent alarms fire. @default denied 5, rateLimited 20, errors 5 (injection and identity forgery: 1, fixed) */
  thresholds: z
    .strictObject({
      denied: z.number().int().min(1).default(5),
      rateLimited: z.number().int().min(1).default(20),
      errors: z.number().int().min(1).default(5),
    })
    .default({ denied: 5, rateLimited: 20, errors: 5 }),
  /** Severity per alarm kind, over the defaults (docs/runbooks/alarms.md). */
  severity: severityByKind.default({}),
  /** Per agent: severity per alarm kind, over `severity` and the defaults. */
  agents: z.record(z.string(), z.strictObject({ severity: severityByKind.default({}) })).default({}),
});

/**
 * Where CloudTrail goes. By default warden creates a multi-region trail; an organization with
 * its own trail names the CloudWatch Logs log group it delivers to, and warden adds only the
 * metric filters and alarms there (the trail's data events are then the organization's to set).
 */
export const trailSchema = z
  .strictObject({
    /** The organization trail's log group (bring your own). @default - a trail created by warden */
    logGroupName: z.string().regex(/^[\w#\-./]{1,512}$/, 'logGroupName must be a CloudWatch Logs log group name: 1-512 letters, digits and _ - / . #').optional(),
    /** The organization trail, for the evidence records and runbooks. */
    trailArn: z.string().regex(/^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[\w.-]{3,128}$/, 'trailArn must be a CloudTrail trail ARN: arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME').optional(),
    /** Data classes whose tables get CloudTrail data events (every item read and write). @default - the upper half of dataClasses (confidential and restricted in the shop) */
    dataEventClasses: z.array(z.string().min(1)).optional(),
    /** Days the created trail's log group keeps events (CloudWatch accepts 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). @default 400 */
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (TRAIL_RETENTION_DAYS as readonly number[]).includes(d), { message: `logRetentionDays must be one of ${TRAIL_RETENTION_DAYS.join(', ')} (CloudWatch's retention values from 400 days up)` })
      .default(400),
  })
  .superRefine((trail, ctx) => {
    if (trail.trailArn !== undefined && trail.logGroupName === undefined) {
      ctx.addIssue({ code: 'custom', path: ['logGroupName'], message: 'a brought trail (trailArn) needs the log group it delivers to — add trail.logGroupName, where the metric filters go' });
    }
  });

export const incidentResponseSchema = z.strictObject({
  /** Severities contained automatically, without waiting for a human. */
  autoContain: z.array(z.enum(SEVERITIES)).default(['high', 'critical']),
  approvalTimeout: duration.default('PT4H'),
  drillEvery: duration.default('P182D'),
});

export const backupsSchema = z.strictObject({
  schedule: z
    .string()
    .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/, 'schedule must be an EventBridge expression such as rate(1 day) or cron(0 3 * * ? *)')
    .default('rate(1 day)'),
  retainDays: z.number().int().min(1).max(36500).default(365),
  /** Copy every snapshot to a bucket in a second region or account. @default - no replication */
  replicateTo: z
    .strictObject({
      /** The destination bucket: versioned, with Object Lock, owned by `accountId`. */
      bucketArn: z.string().regex(/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'replicateTo.bucketArn must be an S3 bucket ARN: arn:aws:s3:::NAME'),
      /** The destination's KMS key (in the destination's region); replicas are encrypted with it. */
      kmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,64}$/, 'replicateTo.kmsKeyArn must be a KMS key ARN: arn:aws:kms:REGION:ACCOUNT:key/ID'),
      /** The destination's account, when it is another one (replicas are then owned by it). @default - this account */
      accountId: z.string().regex(/^\d{12}$/, 'replicateTo.accountId must be 12 digits').optional(),
    })
    .optional(),
});

/** Who may assume the MFA-gated admin role (configuration changes: restore, release, approve). */
export const adminsSchema = z.strictObject({
  /** IAM role or user ARNs, or 12-digit account ids. Each must still present MFA. */
  principals: z
    .array(
      z
        .string()
        .regex(/^(arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}|\d{12})$/, 'admins.principals entries must be IAM role or user ARNs (arn:aws:iam::ACCOUNT:role/NAME) or 12-digit account ids'),
    )
    .min(1, 'list at least one principal, or leave admins out to let any principal of the account with MFA assume the admin role'),
});

export const complianceSchema = z.strictObject({
  packs: z.array(z.enum(COMPLIANCE_PACKS)).default(['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security']),
  reviewIntervalDays: z.number().int().min(1).max(366).default(90),
});

/** Argument screening engines: the local score-based screen, or Amazon Bedrock Guardrails' prompt-attack filter on top. */
export const INJECTION_ENGINES = ['local', 'bedrock-guardrails'] as const;
/** The content checks of the argument screen (docs/screening.md); structural limits are never exempt. */
export const SCREEN_CHECKS = ['instruction', 'chat-template', 'poisoning-tag', 'hidden-unicode'] as const;

/** An argument (or a whole tool) the screen leaves alone, e.g. a free-text field operators write prompts about. */
export const injectionExemptionSchema = z.strictObject({
  /** `server/tool`. */
  tool: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'tool must be written "server/tool", e.g. "commerce/update_price"'),
  /** Argument paths: a name (`reason`) or a dotted path with `[]` for array items (`items[].note`). @default - every argument */
  arguments: z
    .array(z.string().regex(/^[A-Za-z_$][\w$-]*(?:\[\])?(?:\.[A-Za-z_$][\w$-]*(?:\[\])?)*$/, 'an argument path is a name or a dotted path such as "reason" or "items[].note"'))
    .min(1, 'list at least one argument, or leave out "arguments" to exempt the whole tool')
    .optional(),
  /** Which checks are skipped. @default - every content check */
  checks: z.array(z.enum(SCREEN_CHECKS, { error: `checks are ${SCREEN_CHECKS.join(', ')}` })).min(1).optional(),
});

export const bedrockGuardrailSchema = z.strictObject({
  /** The guardrail's id (or ARN), with the prompt-attack filter on for inputs. */
  guardrailId: z.string().regex(/^(?:[a-z0-9]{1,64}|arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:guardrail\/[a-z0-9]{1,64})$/, 'guardrailId must be a guardrail id such as "gr1a2b3c4d5e" or its ARN'),
  /** A published version (a number) or DRAFT. */
  guardrailVersion: z.string().regex(/^(?:[1-9]\d{0,7}|DRAFT)$/, 'guardrailVersion must be a version number such as "1", or "DRAFT"'),
  /** Time budget of one ApplyGuardrail call, in ms. @default 1000 */
  timeoutMs: z.number().int().min(50).max(5000).default(1000),
  /**
   * When the call fails or runs out of time: `local` keeps the local screen's verdict (recorded
   * in the audit event), `refuse` refuses the call. @default 'local'
   */
  onUnavailable: z.enum(['local', 'refuse']).default('local'),
});

/** `injection: block` (the short form) or the full settings. */
export const injectionSettingsSchema = z
  .strictObject({
    /** @default 'block' */
    action: z.enum(INJECTION_ACTIONS, { error: 'action must be "flag" or "block"' }).default('block'),
    /** @default 'local' */
    engine: z.enum(INJECTION_ENGINES, { error: 'engine must be "local" or "bedrock-guardrails"' }).default('local'),
    bedrock: bedrockGuardrailSchema.optional(),
    exempt: z.array(injectionExemptionSchema).default([]),
  })
  .superRefine((v, ctx) => {
    if (v.engine === 'bedrock-guardrails' && v.bedrock === undefined) {
      ctx.addIssue({ code: 'custom', path: ['bedrock'], message: 'engine "bedrock-guardrails" needs bedrock: { guardrailId, guardrailVersion } naming the guardrail to call' });
    }
  });
export type InjectionSettings = z.output<typeof injectionSettingsSchema>;

export const guardSchema = z.strictObject({
  /**
   * What to do with arguments that carry injection markers: `block`/`flag`, or the full settings
   * `{ action, engine, bedrock, exempt }` (docs/screening.md). @default 'block'
   */
  injection: z.union([z.enum(INJECTION_ACTIONS), injectionSettingsSchema], { error: 'injection must be "flag", "block" or { action, engine, exempt }' }).default('block'),
  /**
   * What to do with tool results carrying instruction-like text (indirect prompt injection).
   * Parsed manifests always hold a value; optional in the type so hand-built manifests (tests,
   * tools) need not spell it — readers fall back to the same default. @default 'flag'
   */
  outputInjection: z.enum(OUTPUT_INJECTION_ACTIONS).default('flag').optional(),
  /** Extra Cedar policy files (relative to the manifest), e.g. team `forbid` rules. */
  policies: z.array(z.string().regex(/\.cedar$/, 'policy files must end in .cedar')).default([]),
  /**
   * Data class of each redaction type, overriding the defaults (card, cvv, iban, ssn, secrets:
   * the most sensitive class; email, phone, address: the class below it).
   */
  redaction: z.partialRecord(z.enum(REDACTION_TYPES), z.string()).default({}),
  /** Largest request body in bytes. @default 1048576 */
  maxBodyBytes: z.number().int().min(1024).max(6 * 1024 * 1024).default(1024 * 1024),
  /**
   * Reads one tool call may cause, in DynamoDB read units (0.5 per 4 KB read; a full 1 MB scan
   * page is 128). Optional in the type like `outputInjection`. @default 256
   */
  readUnitsPerCall: z.number().min(1, 'guard.readUnitsPerCall must be at least 1 read unit').max(1_000_000).default(256).optional(),
});

export const manifestSchema = z.strictObject({
  project: name('project', 16),
  environment: name('environment', 12),
  dataClasses: z.array(name('data class', 24)).min(1, 'declare at least one data class, least to most sensitive'),
  datasets: z.array(datasetSchema).min(1, 'declare at least one dataset'),
  servers: z.array(serverSchema).min(1, 'declare at least one server'),
  agents: z.array(agentSchema).min(1, 'declare at least one agent'),
  alerts: alertsSchema.default({ email: [], anomaly: { bandWidth: 2, evaluationPeriods: 3, treatMissingData: 'notBreaching' }, thresholds: { denied: 5, rateLimited: 20, errors: 5 }, severity: {}, agents: {} }),
  trail: trailSchema.default({ logRetentionDays: 400 }),
  incidentResponse: incidentResponseSchema.default({ autoContain: ['high', 'critical'], approvalTimeout: 'PT4H', drillEvery: 'P182D' }),
  backups: backupsSchema.default({ schedule: 'rate(1 day)', retainDays: 365 }),
  /** @default - any principal of the account, with MFA */
  admins: adminsSchema.optional(),
  compliance: complianceSchema.default({ packs: ['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'], reviewIntervalDays: 90 }),
  guard: guardSchema.default({ injection: 'block', outputInjection: 'flag', policies: [], redaction: {}, maxBodyBytes: 1024 * 1024 }),
  /** Class-key administrators and the break-glass principal. @default - account-administered keys, no break-glass */
  dataKeys: dataKeysSchema.optional(),
  /** Where approvers of held tool calls are notified and which role decides (docs/approvals.md). @default - the alert topic, the admin role */
  approvals: approvalsSchema.optional(),
});

export type ManifestInput = z.input<typeof manifestSchema>;
export type Manifest = z.output<typeof manifestSchema>;
export type DatasetSpec = Manifest['datasets'][number];
export type ServerSpec = Manifest['servers'][number];
export type ToolSpec = ServerSpec['tools'][number];
export type ResourceSpec = NonNullable<ServerSpec['resources']>[number];
export type PromptSpec = NonNullable<ServerSpec['prompts']>[number];
export type AgentSpec = Manifest['agents'][number];
export type AssumedBy = AgentSpec['assumedBy'];
export type DataKeysSpec = z.output<typeof dataKeysSchema>;
export type BreakGlass = NonNullable<DataKeysSpec['breakGlass']>;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export type Severity = (typeof SEVERITIES)[number];
export type CompliancePack = (typeof COMPLIANCE_PACKS)[number];
export type DataClass = string;
export type RedactionType = (typeof REDACTION_TYPES)[number];
export type ScreenCheck = (typeof SCREEN_CHECKS)[number];

/** `guard.injection` in its full form, whichever way the manifest wrote it. */
export function injectionSettings(guard: { readonly injection: Manifest['guard']['injection'] }): InjectionSettings {
  return typeof guard.injection === 'string' ? { action: guard.injection, engine: 'local', exempt: [] } : guard.injection;
}
export type { ApprovalSpec, ApprovalsSpec } from './approval-schema';
export type AlertsSpec = Manifest['alerts'];
export type TrailSpec = Manifest['trail'];
