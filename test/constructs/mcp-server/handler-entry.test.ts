import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHandlerEntry } from '../../../constructs/mcp-server/handler-entry';
import { shopManifest } from './shop-manifest';

describe('writeHandlerEntry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-entry-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const manifest = shopManifest();

  it('gives two manifests with the same server name two entries, so concurrent synths never bundle each other\'s', () => {
    const prod = writeHandlerEntry(dir, { manifest, server: 'commerce', toolModule: '/repo/examples/shop/tools.ts', extraPolicies: [] });
    const dev = writeHandlerEntry(dir, { manifest: { ...manifest, environment: 'dev' }, server: 'commerce', toolModule: '/repo/examples/shop/tools.ts', extraPolicies: [] });
    expect(prod).not.toBe(dev);
    expect(readFileSync(prod, 'utf8')).toContain('"environment":"prod"');
    expect(readFileSync(dev, 'utf8')).toContain('"environment":"dev"');
    expect(readFileSync(prod, 'utf8')).toContain('import * as toolModule from "/repo/examples/shop/tools";');
  });

  it('reuses the entry of an unchanged spec and leaves no temporary file', () => {
    const spec = { manifest, server: 'payments', toolModule: '/repo/examples/shop/payment-tools.ts', extraPolicies: ['permit(principal, action, resource);'] };
    expect(writeHandlerEntry(dir, spec)).toBe(writeHandlerEntry(dir, spec));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
