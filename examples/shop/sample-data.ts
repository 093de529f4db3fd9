/**
 * Deterministic sample data for the example shop: products, stock, customers (US and EU),
 * orders and payments. Generated with a seeded faker, so the same seed always gives the same
 * data and tests can pick known ids (`sampleData().orders[0].id`).
 *
 * Everything is fake: names and addresses from faker, e-mails at example.com, card numbers
 * built from real issuer prefixes with a valid Luhn digit (so redaction must catch them) but
 * random otherwise.
 */
import { Faker, base, de, en, en_US, fr } from '@faker-js/faker';
import { composeIBAN } from 'ibantools';
import type { DatasetItem } from '../../lib/runtime';

export interface Address {
  street: string;
  city: string;
  postalCode: string;
  country: string;
  [key: string]: string;
}
export interface Product {
  id: string;
  name: string;
  category: string;
  description: string;
  /** In `currency`, two decimals. */
  price: number;
  currency: 'USD';
  /** Lower-case name, category and description: what search_products matches against. */
  searchText: string;
}
export interface StockRecord {
  id: string;
  /** Units on hand per warehouse. */
  warehouses: Record<string, number>;
  version: number;
}
export interface Customer {
  id: string;
  name: string;
  email: string;
  phone: string;
  region: 'US' | 'EU';
  address: Address;
  /** EU customers refunded by bank transfer. */
  refundIban?: string;
  since: string;
}
export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
}
export interface Order {
  id: string;
  customerId: string;
  status: 'placed' | 'shipped' | 'delivered' | 'cancelled';
  placedAt: string;
  lines: OrderLine[];
  total: number;
  currency: 'USD';
  shippingAddress: Address;
  /** Free text from the customer; some paste their card number here, which redaction must catch. */
  customerNote?: string;
}
export interface CardDetails {
  brand: 'visa' | 'mastercard' | 'american-express';
  number: string;
  expiry: string;
  cvv: string;
  holder: string;
}
export interface Payment {
  id: string;
  orderId: string;
  customerId: string;
  method: 'card' | 'sepa';
  card?: CardDetails;
  iban?: string;
  amount: number;
  currency: 'USD';
  status: 'captured' | 'refunded' | 'flagged';
  riskScore: number;
}
export interface SampleData {
  readonly seed: number;
  readonly products: readonly Product[];
  readonly stock: readonly StockRecord[];
  readonly customers: readonly Customer[];
  readonly orders: readonly Order[];
  readonly payments: readonly Payment[];
}

export const DEFAULT_SEED = 20260101;
export const WAREHOUSES = ['WH-BER', 'WH-NYC', 'WH-PAR'] as const;
export const CATEGORIES = ['books', 'electronics', 'garden', 'home', 'kitchen', 'outdoor', 'toys'] as const;
/** Fixed reference date: faker's relative dates would otherwise depend on today. */
const REF_DATE = new Date('2026-01-01T00:00:00Z');

const cache = new Map<number, SampleData>();

/** The sample data for `seed` (memoised: the same object for the same seed). */
export function sampleData(seed = DEFAULT_SEED): SampleData {
  const hit = cache.get(seed);
  if (hit) return hit;
  const data = generateSampleData(seed);
  cache.set(seed, data);
  return data;
}

function fakerFor(locale: Faker['rawDefinitions'][], seed: number): Faker {
  const f = new Faker({ locale });
  f.seed(seed);
  f.setDefaultRefDate(REF_DATE);
  return f;
}

/** Generates the data afresh (not memoised). */
export function generateSampleData(seed = DEFAULT_SEED): SampleData {
  const us = fakerFor([en_US, en, base], seed);
  const eu = { DE: fakerFor([de, en, base], seed + 1), FR: fakerFor([fr, en, base], seed + 2) };
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const money = (n: number) => Math.round(n * 100) / 100;

  const products: Product[] = Array.from({ length: 60 }, (_, i) => {
    const category = us.helpers.arrayElement(CATEGORIES);
    const name = us.commerce.productName();
    const description = us.commerce.productDescription().slice(0, 200);
    return { id: `SKU-${pad(10001 + i, 5)}`, name, category, description, price: money(us.number.float({ min: 2, max: 400, fractionDigits: 2 })), currency: 'USD', searchText: `${name} ${category} ${description}`.toLowerCase() };
  });

  const stock: StockRecord[] = products.map((p) => ({
    id: p.id,
    warehouses: Object.fromEntries(WAREHOUSES.map((w) => [w, us.number.int({ min: 0, max: 250 })])),
    version: 1,
  }));

  const customers: Customer[] = Array.from({ length: 40 }, (_, i) => {
    const region = i % 2 === 0 ? 'US' : 'EU';
    const country = region === 'US' ? 'US' : i % 4 === 1 ? 'DE' : 'FR';
    const f = region === 'US' ? us : eu[country as 'DE' | 'FR'];
    const firstName = f.person.firstName();
    const lastName = f.person.lastName();
    const customer: Customer = {
      id: `CUS-${pad(i + 1, 5)}`,
      name: `${firstName} ${lastName}`,
      email: f.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase(),
      phone: f.phone.number({ style: 'international' }),
      region,
      address: addressOf(f, country),
      since: f.date.past({ years: 4 }).toISOString().slice(0, 10),
    };
    if (region === 'EU') customer.refundIban = country === 'FR' ? frenchIban(f) : f.finance.iban({ formatted: false, countryCode: country });
    return customer;
  });

  const orders: Order[] = Array.from({ length: 80 }, (_, i) => {
    const customer = customers[(i * 7) % customers.length]!;
    const lines = Array.from({ length: us.number.int({ min: 1, max: 3 }) }, () => {
      const p = us.helpers.arrayElement(products);
      return { sku: p.id, name: p.name, quantity: us.number.int({ min: 1, max: 4 }), unitPrice: p.price };
    });
    return {
      id: `ORD-${pad(i + 1, 6)}`,
      customerId: customer.id,
      status: us.helpers.arrayElement(['placed', 'shipped', 'delivered', 'delivered', 'cancelled'] as const),
      placedAt: us.date.recent({ days: 120 }).toISOString(),
      lines,
      total: money(lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0)),
      currency: 'USD',
      // Usually the customer's own address, sometimes a gift to someone else's.
      shippingAddress: i % 5 === 4 ? addressOf(customer.region === 'US' ? us : eu.DE, customer.region === 'US' ? 'US' : 'DE') : { ...customer.address },
    };
  });

  const payments: Payment[] = orders.map((order, i) => {
    const customer = customers.find((c) => c.id === order.customerId)!;
    const sepa = customer.region === 'EU' && i % 3 === 0;
    const payment: Payment = {
      id: `PAY-${pad(i + 1, 6)}`,
      orderId: order.id,
      customerId: customer.id,
      method: sepa ? 'sepa' : 'card',
      amount: order.total,
      currency: 'USD',
      status: order.status === 'cancelled' ? 'refunded' : 'captured',
      riskScore: us.number.int({ min: 0, max: 100 }),
    };
    if (sepa) payment.iban = customer.refundIban ?? us.finance.iban({ formatted: false, countryCode: 'DE' });
    else payment.card = cardFor(us, customer.name);
    if (payment.card && i % 10 === 3) order.customerNote = `Please charge my card ${payment.card.number} exp ${payment.card.expiry} again, same as last time`;
    return payment;
  });

  return Object.freeze({ seed, products, stock, customers, orders, payments });
}

function addressOf(f: Faker, country: string): Address {
  return { street: f.location.streetAddress(), city: f.location.city(), postalCode: f.location.zipCode(), country };
}

/** Issuer prefixes and lengths: Visa 4 (16), Mastercard 51–55 and 2221–2720 (16), Amex 34/37 (15). */
function cardFor(f: Faker, holder: string): CardDetails {
  const brand = f.helpers.arrayElement(['visa', 'visa', 'mastercard', 'mastercard', 'american-express'] as const);
  const prefix =
    brand === 'visa'
      ? '4'
      : brand === 'american-express'
        ? f.helpers.arrayElement(['34', '37'])
        : f.helpers.arrayElement([String(f.number.int({ min: 51, max: 55 })), String(f.number.int({ min: 2221, max: 2720 }))]);
  const length = brand === 'american-express' ? 15 : 16;
  let body = prefix;
  while (body.length < length - 1) body += String(f.number.int({ min: 0, max: 9 }));
  const expiry = `${String(f.number.int({ min: 1, max: 12 })).padStart(2, '0')}/${f.number.int({ min: 27, max: 31 })}`;
  return { brand, number: body + luhnCheckDigit(body), expiry, cvv: f.string.numeric(brand === 'american-express' ? 4 : 3), holder };
}

/**
 * faker's French IBANs fail the national RIB key check that validators (and our redaction)
 * apply, so build one: bank(5) branch(5) account(11) key(2), key = 97 − (89·bank + 15·branch + 3·account) mod 97.
 */
function frenchIban(f: Faker): string {
  const bank = f.string.numeric(5);
  const branch = f.string.numeric(5);
  const account = f.string.numeric(11);
  const key = 97 - Number((89n * BigInt(bank) + 15n * BigInt(branch) + 3n * BigInt(account)) % 97n);
  return composeIBAN({ countryCode: 'FR', bban: `${bank}${branch}${account}${String(key).padStart(2, '0')}` })!;
}

/** The digit that makes `digits + d` pass the Luhn check. */
export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** The items of each default-manifest dataset, keyed as the manifest declares (`pk` = the record id). */
export function sampleDatasets(seed = DEFAULT_SEED, partitionKeys: Partial<Record<string, string>> = {}): Record<string, DatasetItem[]> {
  const data = sampleData(seed);
  const withKey = (dataset: string, records: readonly { id: string }[], keyOf: (r: never) => string = (r: { id: string }) => r.id) =>
    records.map((r) => ({ ...(structuredClone(r) as unknown as DatasetItem), [partitionKeys[dataset] ?? 'pk']: keyOf(r as never) }));
  return {
    catalog: withKey('catalog', data.products),
    inventory: withKey('inventory', data.stock),
    orders: withKey('orders', data.orders),
    customers: withKey('customers', data.customers),
    // One payment per order, looked up by the order id.
    payments: withKey('payments', data.payments, (p: Payment) => p.orderId),
  };
}
