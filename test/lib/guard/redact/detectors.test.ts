/** Behaviour of each detector on the tricky cases the issue lists. */
import { redact } from '../../../../lib/guard/redact';
import { shopPolicy } from './shop-policy';

const hidden = (text: string) => redact(text, 'public', shopPolicy);
const untouched = (text: string) => expect(hidden(text).text).toBe(text);

describe('card numbers', () => {
  it.each(['4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111', '4111.1111.1111.1111', '3782 822463 10005', '378282246310005', '3622 720627 1667'])(
    'redacts %s in any of the layouts people write cards in',
    (card) => expect(hidden(`paid with ${card} today`).text).toBe('paid with [REDACTED:card] today'),
  );

  it('redacts a 16-digit Luhn-valid Visa number with no card word near it', () => {
    expect(hidden('ref 4532015112830366').text).toBe('ref [REDACTED:card]');
  });

  it('keeps Luhn-invalid numbers, even with a card prefix', () => untouched('ref 4111111111111112 and 4111 1111 1111 1113'));

  it('keeps IMEIs, ICCIDs, EAN-13 barcodes, epoch millis and SSCC labels that happen to pass Luhn', () => {
    untouched('IMEI 356938035643809'); // Luhn-valid, 15 digits, not an Amex prefix
    untouched('89014103211118510720'); // ICCID
    untouched('EAN 6901234560046'); // GS1- and Luhn-valid, Maestro range, 13 digits, no card word
    untouched('1718000000000'); // epoch millis
    untouched('(00) 340123450000000017'); // SSCC, 18 digits, GS1- and Luhn-valid, Visa prefix
  });

  it('accepts niche lengths only next to a card word', () => {
    const maestro13 = '6759649826438'; // padded below to a Luhn-valid 13-digit Maestro number
    const digits = [...Array(10).keys()].map((d) => maestro13.slice(0, 12) + d).find((n) => luhn(n))!;
    untouched(`item ${digits}`);
    expect(hidden(`maestro card ${digits}`).text).toBe('maestro card [REDACTED:card]');
  });

  it('keeps numbers glued into ids and decimals', () => untouched('ORD-4111111111111111 and 0.4111111111111111 and x4111111111111111'));

  it('finds two cards side by side', () => {
    expect(hidden('4111 1111 1111 1111 5555 5555 5555 4444').counts).toEqual({ card: 2 });
  });
});

describe('CVV', () => {
  it.each([['cvv: 123', 'cvv: [REDACTED:cvv]'], ['"cvc":"1234"', '"cvc":"[REDACTED:cvv]"'], ['security_code=381', 'security_code=[REDACTED:cvv]'], ['CVV2 992', 'CVV2 [REDACTED:cvv]']])(
    'redacts the value of %s',
    (input, output) => expect(hidden(input).text).toBe(output),
  );
  it('leaves other 3-digit numbers alone', () => untouched('HTTP 404, 123 items, room 101, code 555'));
});

describe('IBAN', () => {
  it('redacts IBANs with and without spaces, any country', () => {
    expect(hidden('DE89370400440532013000 / GB29 NWBK 6016 1331 9268 19 / FR1420041010050500013M02606').counts).toEqual({ iban: 3 });
  });
  it('keeps IBAN-shaped strings whose mod-97 check fails', () => untouched('DE89370400440532013001'));
  it('stops at the IBAN and keeps the words after it', () => {
    expect(hidden('IBAN DE89 3704 0044 0532 0130 00 THEN more').text).toBe('IBAN [REDACTED:iban] THEN more');
  });
});

describe('SSN', () => {
  it('redacts dashed and spaced SSNs', () => expect(hidden('123-45-6789 or 536 22 1234').counts).toEqual({ ssn: 2 }));
  it('keeps numbers the SSA never issues', () => untouched('000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000'));
  it('redacts bare 9 digits only near an SSN word', () => {
    untouched('order 536221234');
    expect(hidden('SSN 536221234').text).toBe('SSN [REDACTED:ssn]');
  });
});

describe('phone numbers', () => {
  it.each(['+44 20 7946 0958', '+49 30 123456', '0049 30 123456', '(555) 123-4567', '06 12 34 56 78', '+1-202-555-0143', '020 7946 0958'])('redacts %s', (phone) => {
    expect(hidden(`call ${phone}.`).text).toBe('call [REDACTED:phone].');
  });
  it('keeps prices, order ids, dates, timestamps, versions, IPs and SKUs', () => {
    untouched('$1,234.56 ORD-2024-000123 2024-01-15 15.01.2024 2024-01-15T10:30:00Z 1718000000000 v10.15.7 192.168.100.200 SKU-123-456-7890');
  });
  it('redacts bare digits only next to a phone word', () => {
    untouched('order 4155552671');
    expect(hidden('mobile: 4155552671').text).toBe('mobile: [REDACTED:phone]');
  });
});

describe('street addresses', () => {
  it.each(['1600 Pennsylvania Avenue NW', '221B Main St., Apt 4', '10 Downing Street', 'Hauptstraße 5', 'Rue de Rivoli 12', 'Calle Mayor 3', 'Via Roma 10', 'Keizersgracht 123'])(
    'redacts %s',
    (address) => expect(hidden(`Ship to ${address}!`).text).toBe('Ship to [REDACTED:address]!'),
  );
  it('takes the postal code with it', () => {
    expect(hidden('742 Evergreen Terrace, Springfield, IL 62704').text).toBe('[REDACTED:address]');
    expect(hidden('Keizersgracht 123, 1015 CJ Amsterdam').text).toBe('[REDACTED:address]');
    expect(hidden('10 Downing Street, London SW1A 2AA').text).toBe('[REDACTED:address]');
  });
  it('keeps prose with numbers and capitalised words', () => untouched('We have 12 items in stock at 3 warehouses. Spring 2024 collection. Sent via email 2 times.'));
});

describe('credentials', () => {
  it('redacts access key ids and secrets next to their names', () => {
    const r = hidden('aws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(r.text).toBe('aws_access_key_id=[REDACTED:aws-access-key]\naws_secret_access_key=[REDACTED:aws-secret]');
  });
  it('keeps 40-character git SHAs', () => untouched('commit da39a3ee5e6b4b0d3255bfef95601890afd80709'));
  it('redacts JWTs whose header decodes to JSON with alg, and nothing else shaped like one', () => {
    expect(hidden('Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2ln').text).toBe('Bearer [REDACTED:jwt]');
    untouched('eyJub3RhIjoiand0In0.eyJzdWIiOiIxIn0.c2ln'); // header {"nota":"jwt"} has no alg
  });
  it('redacts a whole PEM block, and a truncated one through its body', () => {
    expect(hidden('a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAbC=\n-----END RSA PRIVATE KEY-----\nb').text).toBe('a\n[REDACTED:private-key]\nb');
    expect(hidden('-----BEGIN PRIVATE KEY-----\nMIIEow+/AbC').text).toBe('[REDACTED:private-key]');
  });
});

function luhn(n: string): boolean {
  let sum = 0;
  for (let i = 0; i < n.length; i++) {
    let d = Number(n[n.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
