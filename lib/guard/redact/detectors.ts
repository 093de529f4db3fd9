/**
 * Every redaction type and the detector that finds it. Order matters only for ties: when two
 * findings start at the same place, the one listed first wins (a private key block over the
 * base64 inside it, a JWT over its parts, a card over the phone-shaped digits inside it).
 */
import type { RedactionType } from '../../config/schema';
import { findAddresses } from './address';
import { findAwsAccessKeys, findAwsSecrets } from './aws-credentials';
import { findCards } from './card';
import { findCvvs } from './cvv';
import { findEmails } from './email';
import type { Detector } from './finding';
import { findIbans } from './iban';
import { findJwts } from './jwt';
import { findPhones } from './phone';
import { findPrivateKeys } from './private-key';
import { findSsns } from './ssn';

export const DETECTORS: Readonly<Record<RedactionType, Detector>> = {
  'private-key': findPrivateKeys,
  jwt: findJwts,
  'aws-secret': findAwsSecrets,
  'aws-access-key': findAwsAccessKeys,
  card: findCards,
  iban: findIbans,
  ssn: findSsns,
  cvv: findCvvs,
  email: findEmails,
  phone: findPhones,
  address: findAddresses,
};

/** Tie-break rank per type (lower wins). */
export const TYPE_RANK: Readonly<Record<RedactionType, number>> = Object.fromEntries(
  Object.keys(DETECTORS).map((type, rank) => [type, rank]),
) as Record<RedactionType, number>;
