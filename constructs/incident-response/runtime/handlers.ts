/**
 * Lambda entries of the incident-response tasks. Clients are created once per cold start; the
 * logic lives in the modules it calls, which take their clients as arguments (and are tested so).
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { recordContainmentTiming, type TimingRequest, type TimingResult } from './containment-timing';
import { collectEvidence, type EvidenceRequest, type EvidenceResult } from './evidence';
import { trustLock, type TrustLockRequest, type TrustLockResult } from './trust-lock';

/** Environment variables the construct sets. */
export const INCIDENT_ENV = {
  evidenceBucket: 'WARDEN_EVIDENCE_BUCKET',
  auditLogGroupPrefix: 'WARDEN_AUDIT_LOG_GROUP_PREFIX',
  deployment: 'WARDEN_DEPLOYMENT',
} as const;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

let clients: { cloudTrail: CloudTrailClient; logs: CloudWatchLogsClient; s3: S3Client; iam: IAMClient; cloudWatch: CloudWatchClient } | undefined;
function aws() {
  // IAM is global: the SDK resolves its partition's endpoint from any region
  clients ??= { cloudTrail: new CloudTrailClient({}), logs: new CloudWatchLogsClient({}), s3: new S3Client({}), iam: new IAMClient({}), cloudWatch: new CloudWatchClient({}) };
  return clients;
}

export async function evidenceHandler(event: EvidenceRequest): Promise<EvidenceResult> {
  const { cloudTrail, logs, s3 } = aws();
  return collectEvidence(event, { bucket: env(INCIDENT_ENV.evidenceBucket), auditLogGroupPrefix: env(INCIDENT_ENV.auditLogGroupPrefix) }, { cloudTrail, logs, s3 });
}

export async function trustLockHandler(event: TrustLockRequest): Promise<TrustLockResult> {
  return trustLock(aws().iam, event);
}

export async function timingHandler(event: TimingRequest): Promise<TimingResult> {
  return recordContainmentTiming(aws().cloudWatch, env(INCIDENT_ENV.deployment), event);
}
