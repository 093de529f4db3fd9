import { redact, redactionPolicy, typesAbove } from '../../../../lib/guard/redact';
import { shopPolicy } from './shop-policy';

const guard = { injection: 'block' as const, policies: [], redaction: {}, maxBodyBytes: 1048576 };
const record = 'Jane <jane@shop.example>, +44 20 7946 0958, 10 Downing Street; card 4111 1111 1111 1111, SSN 536-22-1234, IBAN DE89 3704 0044 0532 0130 00';

describe('redaction by clearance', () => {
  it('puts payment data and credentials in the most sensitive class and contact details one below', () => {
    expect(shopPolicy.classOf).toEqual({
      card: 'restricted', cvv: 'restricted', iban: 'restricted', ssn: 'restricted', 'aws-access-key': 'restricted',
      'aws-secret': 'restricted', jwt: 'restricted', 'private-key': 'restricted',
      email: 'confidential', phone: 'confidential', address: 'confidential',
    });
  });

  it('lets a confidential reader see emails, phones and addresses but not cards, SSNs or IBANs', () => {
    const r = redact(record, 'confidential', shopPolicy);
    expect(r.text).toBe('Jane <jane@shop.example>, +44 20 7946 0958, 10 Downing Street; card [REDACTED:card], SSN [REDACTED:ssn], IBAN [REDACTED:iban]');
    expect(r.counts).toEqual({ card: 1, ssn: 1, iban: 1 });
  });

  it('lets a restricted reader see everything, as the same string', () => {
    const r = redact(record, 'restricted', shopPolicy);
    expect(r.text).toBe(record);
    expect(r.counts).toEqual({});
  });

  it('shows a public or internal reader none of it', () => {
    for (const clearance of ['public', 'internal']) {
      const r = redact(record, clearance, shopPolicy);
      expect(r.text).toBe('Jane <[REDACTED:email]>, [REDACTED:phone], [REDACTED:address]; card [REDACTED:card], SSN [REDACTED:ssn], IBAN [REDACTED:iban]');
      expect(r.counts).toEqual({ email: 1, phone: 1, address: 1, card: 1, ssn: 1, iban: 1 });
    }
  });

  it('rejects an unknown clearance with the list of valid classes', () => {
    expect(() => redact(record, 'secret', shopPolicy)).toThrow('unknown clearance "secret" — use one of the data classes: public, internal, confidential, restricted');
  });

  it('applies guard.redaction overrides from the manifest', () => {
    const policy = redactionPolicy({ dataClasses: ['public', 'internal', 'confidential', 'restricted'], guard: { ...guard, redaction: { email: 'restricted', card: 'internal' } } });
    expect(typesAbove(policy, 'confidential')).toContain('email');
    expect(redact('a@b.example 4111111111111111', 'internal', policy).text).toBe('[REDACTED:email] 4111111111111111');
  });

  it('refuses an override naming a class the manifest does not declare', () => {
    expect(() => redactionPolicy({ dataClasses: ['public', 'restricted'], guard: { ...guard, redaction: { iban: 'secret' } } })).toThrow(
      'guard.redaction.iban: unknown data class "secret" — use one of: public, restricted',
    );
  });

  it('with two classes puts contact details in the lower one; with one class nothing is ever redacted', () => {
    const two = redactionPolicy({ dataClasses: ['open', 'closed'], guard });
    expect([two.classOf.email, two.classOf.phone, two.classOf.address, two.classOf.card]).toEqual(['open', 'open', 'open', 'closed']);
    const one = redactionPolicy({ dataClasses: ['all'], guard });
    expect(redact(record, 'all', one).text).toBe(record);
  });

  it('returns clean text as the very same string', () => {
    const clean = 'Stock for SKU-123-456-7890: 42 units at warehouse 7, updated 2024-01-15T10:30:00Z (v1.2.3).';
    expect(redact(clean, 'public', shopPolicy).text).toBe(clean);
    expect(redact('', 'public', shopPolicy)).toEqual({ text: '', counts: {} });
  });
});
