import { MAX_FILTER_PATTERN_LENGTH, parseFilterPattern } from '../../../constructs/monitoring/filter-pattern';

describe('the filter-pattern evaluator (CloudWatch JSON subset)', () => {
  const e = { eventName: 'PutRolePolicy', errorCode: 'AccessDenied', count: 3, resources: [{ ARN: 'arn:aws:dynamodb:eu-west-1:1:table/t' }], nested: { a: { b: 'x' } } };

  it('compares a selector with a string, where * matches any run of characters', () => {
    expect(parseFilterPattern('{ $.eventName = "PutRolePolicy" }').matches(e)).toBe(true);
    expect(parseFilterPattern('{ $.eventName = "Put*Policy" }').matches(e)).toBe(true);
    expect(parseFilterPattern('{ $.eventName = "*Role*" }').matches(e)).toBe(true);
    expect(parseFilterPattern('{ $.eventName = "Put*User*" }').matches(e)).toBe(false);
    expect(parseFilterPattern('{ $.eventName = "putrolepolicy" }').matches(e)).toBe(false);
  });

  it('reads nested properties and array elements', () => {
    expect(parseFilterPattern('{ $.nested.a.b = "x" }').matches(e)).toBe(true);
    expect(parseFilterPattern('{ $.resources[0].ARN = "*:table/t" }').matches(e)).toBe(true);
    expect(parseFilterPattern('{ $.resources[1].ARN = "*" }').matches(e)).toBe(false);
  });

  it('never matches a comparison on a missing selector, != included; NOT EXISTS says absence', () => {
    expect(parseFilterPattern('{ $.missing = "*" }').matches(e)).toBe(false);
    expect(parseFilterPattern('{ $.missing != "x" }').matches(e)).toBe(false);
    expect(parseFilterPattern('{ $.missing NOT EXISTS }').matches(e)).toBe(true);
    expect(parseFilterPattern('{ $.errorCode EXISTS }').matches(e)).toBe(true);
    expect(parseFilterPattern('{ $.errorCode != "AccessDenied" }').matches(e)).toBe(false);
  });

  it('compares numbers', () => {
    expect(parseFilterPattern('{ $.count = 3 }').matches(e)).toBe(true);
    expect(parseFilterPattern('{ $.count != 3 }').matches(e)).toBe(false);
  });

  it('combines with && and ||, grouped by parentheses', () => {
    expect(parseFilterPattern('{ ($.eventName = "Put*") && (($.errorCode = "x") || ($.count = 3)) }').matches(e)).toBe(true);
    expect(parseFilterPattern('{ ($.eventName = "Put*") && ($.errorCode = "x") }').matches(e)).toBe(false);
  });

  it('refuses what it does not implement instead of guessing', () => {
    expect(() => parseFilterPattern('{ $.a = "x" && $.b = "y" || $.c = "z" }')).toThrow(/mixed without parentheses/);
    expect(() => parseFilterPattern('{ $.a = x }')).toThrow(/double-quoted string or a number/);
    expect(() => parseFilterPattern('$.a = "x"')).toThrow(/expected "\{"/);
    expect(() => parseFilterPattern('{ $.a = "x" } extra')).toThrow(/after the closing/);
    expect(() => parseFilterPattern('{ $.a > 1 }')).toThrow(/"=", "!=", "EXISTS" or "NOT EXISTS"/);
  });

  it('refuses a pattern over CloudWatch\'s 1,024 characters', () => {
    const long = `{ ${Array.from({ length: 60 }, (_, i) => `($.eventName = "Event${i}")`).join(' || ')} }`;
    expect(long.length).toBeGreaterThan(MAX_FILTER_PATTERN_LENGTH);
    expect(() => parseFilterPattern(long)).toThrow(/over CloudWatch's 1024/);
  });
});
