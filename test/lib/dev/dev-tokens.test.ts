import { DevTokens, readBearer } from '../../../lib/dev/dev-tokens';
import { isAllowedOrigin } from '../../../lib/dev/origin-check';

describe('DevTokens', () => {
  const tokens = new DevTokens(['support-agent', 'fraud-agent']);

  it('issues a distinct random token per agent, different on every run', () => {
    const again = new DevTokens(['support-agent', 'fraud-agent']);
    expect(tokens.byAgent['support-agent']).not.toEqual(tokens.byAgent['fraud-agent']);
    expect(tokens.byAgent['support-agent']).not.toEqual(again.byAgent['support-agent']);
    expect(tokens.byAgent['support-agent']).toMatch(/^wdev_[A-Za-z0-9_-]{32}$/);
  });

  it('maps a bearer header to its agent; a wrong or malformed one is invalid, not absent', () => {
    expect(readBearer(`Bearer ${tokens.byAgent['fraud-agent']}`, tokens)).toEqual({ kind: 'valid', agent: 'fraud-agent' });
    expect(readBearer(undefined, tokens)).toEqual({ kind: 'none' });
    for (const header of ['Bearer wdev_nope', 'Basic abc', '', `Bearer ${tokens.byAgent['fraud-agent']}x`, 'Bearer']) {
      expect(readBearer(header, tokens)).toEqual({ kind: 'invalid' });
    }
  });
});

describe('isAllowedOrigin', () => {
  it('allows no Origin and the loopback origins of its own port only', () => {
    expect(isAllowedOrigin(undefined, 8787)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:8787', 8787)).toBe(true);
    expect(isAllowedOrigin('http://localhost:8787', 8787)).toBe(true);
    for (const origin of ['null', 'file://', 'http://127.0.0.1:9999', 'https://127.0.0.1:8787', 'http://evil.example', 'http://localhost.evil.example:8787']) {
      expect(isAllowedOrigin(origin, 8787)).toBe(false);
    }
  });
});
