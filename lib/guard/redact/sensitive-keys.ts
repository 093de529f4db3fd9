/**
 * JSON keys whose value is sensitive whatever it looks like (`"cvv": 123`, `"ssn": 123456789`,
 * `"password": "hunter2"`). Keys are compared case- and separator-insensitively:
 * `card_number`, `cardNumber`, `Card-Number` are the same key.
 */
import type { RedactionType } from '../../config/schema';

const EXACT: Readonly<Record<string, RedactionType>> = {
  // cvv
  cvv: 'cvv', cvv2: 'cvv', cvc: 'cvv', cvc2: 'cvv', cvn: 'cvv', cvn2: 'cvv', cvd: 'cvv', csc: 'cvv', cav2: 'cvv',
  securitycode: 'cvv', cardsecuritycode: 'cvv', cardverification: 'cvv', cardverificationvalue: 'cvv',
  cardverificationcode: 'cvv', cvvcode: 'cvv', cvccode: 'cvv',
  // card
  pan: 'card', cardnumber: 'card', cardno: 'card', cardnum: 'card', ccnumber: 'card', ccnum: 'card', ccno: 'card',
  creditcard: 'card', creditcardnumber: 'card', debitcardnumber: 'card', primaryaccountnumber: 'card', cc: 'card',
  // ssn
  ssn: 'ssn', socialsecuritynumber: 'ssn', socialsecurity: 'ssn', socialsecurityno: 'ssn', ssnumber: 'ssn',
  // iban
  iban: 'iban', ibannumber: 'iban',
  // credentials
  password: 'aws-secret', passwd: 'aws-secret', pwd: 'aws-secret', passphrase: 'aws-secret', secret: 'aws-secret',
  clientsecret: 'aws-secret', secretkey: 'aws-secret', secretaccesskey: 'aws-secret', awssecretaccesskey: 'aws-secret',
  apisecret: 'aws-secret', apikey: 'aws-secret', sessiontoken: 'aws-secret', awssessiontoken: 'aws-secret',
  securitytoken: 'aws-secret', accesstoken: 'aws-secret', refreshtoken: 'aws-secret', authtoken: 'aws-secret',
  idtoken: 'jwt', jwt: 'jwt', privatekey: 'private-key', privatekeypem: 'private-key',
  accesskeyid: 'aws-access-key', awsaccesskeyid: 'aws-access-key',
  // contact details
  email: 'email', emailaddress: 'email', phone: 'phone', phonenumber: 'phone', mobile: 'phone', mobilephone: 'phone',
  telephone: 'phone', tel: 'phone', fax: 'phone', street: 'address', streetaddress: 'address', address: 'address',
  addressline1: 'address', addressline2: 'address', address1: 'address', address2: 'address',
  shippingaddress: 'address', billingaddress: 'address', homeaddress: 'address', mailingaddress: 'address',
};

/** Endings that make a longer key sensitive too: `customer_ssn`, `billing_iban`, `db_password`. */
const SUFFIXES: ReadonlyArray<readonly [string, RedactionType]> = [
  ['cardnumber', 'card'], ['ssn', 'ssn'], ['iban', 'iban'], ['cvv', 'cvv'], ['cvc', 'cvv'], ['cvv2', 'cvv'], ['cvc2', 'cvv'],
  ['password', 'aws-secret'], ['secret', 'aws-secret'], ['secretkey', 'aws-secret'], ['privatekey', 'private-key'],
];

const NOT_KEY_CHARS = /[^a-z0-9]/g;
const cache = new Map<string, RedactionType | null>();
const CACHE_MAX = 2048;

/** The redaction type a JSON key's value always has, if any. */
export function sensitiveKeyType(key: string): RedactionType | undefined {
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const normalized = key.toLowerCase().replace(NOT_KEY_CHARS, '');
  let type: RedactionType | undefined = EXACT[normalized];
  if (type === undefined) type = SUFFIXES.find(([suffix]) => normalized.endsWith(suffix))?.[1];
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, type ?? null);
  return type;
}
