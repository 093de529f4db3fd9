import { closestMatch, editDistance, quotedList } from '../../../lib/config/did-you-mean';

describe('did-you-mean suggestions', () => {
  it('counts a swapped pair of letters as one edit', () => {
    expect(editDistance('clearnace', 'clearance')).toBe(1);
    expect(editDistance('ordrs', 'orders')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the closest candidate for a plausible typo', () => {
    expect(closestMatch('commerce/get_paymnt', ['commerce/get_order', 'commerce/get_payment'])).toBe('commerce/get_payment');
    expect(closestMatch('Clearance', ['owner', 'clearance'])).toBe('clearance');
  });

  it('suggests nothing when no candidate is close', () => {
    expect(closestMatch('xyz', ['orders', 'payments'])).toBeUndefined();
    expect(closestMatch('billing/refund', ['commerce/get_order'])).toBeUndefined();
  });

  it('lists values quoted, joined with "or", and cut short when long', () => {
    expect(quotedList(['a'])).toBe('"a"');
    expect(quotedList(['a', 'b', 'c'])).toBe('"a", "b" or "c"');
    expect(quotedList(['a', 'b', 'c'], 2)).toBe('"a", "b", …');
  });
});
