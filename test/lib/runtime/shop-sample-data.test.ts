// examples/shop is the runtime's reference tool code; its tests live with the runtime's.
import creditCardType from 'credit-card-type';
import { isValidIBAN } from 'ibantools';
import { DEFAULT_SEED, generateSampleData, luhnCheckDigit, sampleData, sampleDatasets } from '../../../examples/shop/sample-data';

const luhnValid = (n: string) => luhnCheckDigit(n.slice(0, -1)) === n.slice(-1);

describe('sample data', () => {
  it('is deterministic: the same seed gives the same data, another seed different data', () => {
    const a = JSON.stringify(generateSampleData(DEFAULT_SEED));
    expect(JSON.stringify(generateSampleData(DEFAULT_SEED))).toEqual(a);
    expect(JSON.stringify(generateSampleData(7))).not.toEqual(a);
    expect(sampleData().orders[0]!.id).toBe('ORD-000001');
  });

  it('has card numbers that pass Luhn and carry real issuer prefixes', () => {
    const cards = sampleData().payments.flatMap((p) => (p.card ? [p.card] : []));
    expect(cards.length).toBeGreaterThan(20);
    for (const card of cards) {
      expect(luhnValid(card.number)).toBe(true);
      expect(creditCardType(card.number).map((t) => t.type)).toContain(card.brand);
      expect(card.cvv).toMatch(card.brand === 'american-express' ? /^\d{4}$/ : /^\d{3}$/);
    }
    expect(new Set(cards.map((c) => c.brand))).toEqual(new Set(['visa', 'mastercard', 'american-express']));
  });

  it('has valid IBANs for EU customers and SEPA payments', () => {
    const ibans = [...sampleData().customers.flatMap((c) => (c.refundIban ? [c.refundIban] : [])), ...sampleData().payments.flatMap((p) => (p.iban ? [p.iban] : []))];
    expect(ibans.length).toBeGreaterThan(10);
    for (const iban of ibans) expect(isValidIBAN(iban)).toBe(true);
  });

  it('has US and EU customers with example.com e-mails, phones and street addresses', () => {
    const { customers } = sampleData();
    expect(new Set(customers.map((c) => c.address.country))).toEqual(new Set(['US', 'DE', 'FR']));
    for (const c of customers) {
      expect(c.email).toMatch(/@example\.com$/);
      expect(c.phone).toMatch(/^\+\d{8,15}$/);
      expect(c.address.street.length).toBeGreaterThan(3);
    }
  });

  it('links orders to customers and payments to orders', () => {
    const { customers, orders, payments } = sampleData();
    const ids = new Set(customers.map((c) => c.id));
    expect(orders.every((o) => ids.has(o.customerId) && o.lines.length > 0)).toBe(true);
    expect(payments.map((p) => p.orderId)).toEqual(orders.map((o) => o.id));
  });

  it('keys dataset items as the manifest declares', () => {
    const sets = sampleDatasets(DEFAULT_SEED, { orders: 'orderId' });
    expect(sets.orders![0]).toMatchObject({ orderId: 'ORD-000001', id: 'ORD-000001' });
    expect(sets.payments![0]).toMatchObject({ pk: 'ORD-000001', id: 'PAY-000001' });
  });
});
