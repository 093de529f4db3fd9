import { redactJson } from '../../../../lib/guard/redact';
import { shopPolicy } from './shop-policy';

describe('redactJson', () => {
  it('replaces values of sensitive keys whatever their type, in any case or separator style', () => {
    const payment = { order: 'ORD-1', card_number: 4111111111111111, CVV: 123, 'Card-Number': '4111 1111 1111 1111', cardNumber: ['4111'], Ssn: 536221234, IBAN: { v: 'x' }, password: 'hunter2', clientSecret: 's' };
    const { value, counts } = redactJson(payment, 'confidential', shopPolicy);
    expect(value).toEqual({
      order: 'ORD-1', card_number: '[REDACTED:card]', CVV: '[REDACTED:cvv]', 'Card-Number': '[REDACTED:card]', cardNumber: '[REDACTED:card]',
      Ssn: '[REDACTED:ssn]', IBAN: '[REDACTED:iban]', password: '[REDACTED:aws-secret]', clientSecret: '[REDACTED:aws-secret]',
    });
    expect(counts).toEqual({ card: 3, cvv: 1, ssn: 1, iban: 1, 'aws-secret': 2 });
  });

  it('redacts every string at any depth, keys included', () => {
    const result = { items: [{ note: 'paid by 4111-1111-1111-1111', by: { 'jane@shop.example': 'reviewer' } }], total: 12.5 };
    expect(redactJson(result, 'internal', shopPolicy).value).toEqual({ items: [{ note: 'paid by [REDACTED:card]', by: { '[REDACTED:email]': 'reviewer' } }], total: 12.5 });
  });

  it('lets the clearance decide: a confidential reader keeps the email key, a restricted reader keeps everything', () => {
    const customer = { email: 'jane@shop.example', phone: '+44 20 7946 0958', cvv: '123' };
    expect(redactJson(customer, 'confidential', shopPolicy).value).toEqual({ email: 'jane@shop.example', phone: '+44 20 7946 0958', cvv: '[REDACTED:cvv]' });
    expect(redactJson(customer, 'public', shopPolicy).value).toEqual({ email: '[REDACTED:email]', phone: '[REDACTED:phone]', cvv: '[REDACTED:cvv]' });
    expect(redactJson(customer, 'restricted', shopPolicy).value).toBe(customer);
  });

  it('returns clean values as the same objects, untouched, and leaves the input unmodified', () => {
    const clean = { sku: 'SKU-123-456-7890', stock: [{ warehouse: 7, units: 42 }], updated: '2024-01-15T10:30:00Z', ok: true, none: null };
    const input = { clean, dirty: { cvv: 123 } };
    const snapshot = JSON.stringify(input);
    const { value } = redactJson(input, 'public', shopPolicy) as { value: typeof input };
    expect(value.clean).toBe(clean);
    expect(JSON.stringify(input)).toBe(snapshot);
    expect(redactJson(clean, 'public', shopPolicy).value).toBe(clean);
  });

  it('keeps empty and null sensitive values (nothing to hide) and key order', () => {
    const { value } = redactJson({ a: 1, cvv: null, password: '', ssn: '536-22-1234', z: 2 }, 'public', shopPolicy);
    expect(Object.keys(value as object)).toEqual(['a', 'cvv', 'password', 'ssn', 'z']);
    expect(value).toEqual({ a: 1, cvv: null, password: '', ssn: '[REDACTED:ssn]', z: 2 });
  });

  it('treats a "__proto__" key from JSON.parse as data, not as a prototype', () => {
    const parsed: unknown = JSON.parse('{"__proto__": {"polluted": "jane@shop.example"}, "email": "x@y.example"}');
    const { value } = redactJson(parsed, 'public', shopPolicy);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":"[REDACTED:email]"},"email":"[REDACTED:email]"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a cyclic value with a clear error', () => {
    const a: Record<string, unknown> = { note: 'x' };
    a.self = a;
    expect(() => redactJson(a, 'public', shopPolicy)).toThrow(/contains a cycle/);
  });
});
