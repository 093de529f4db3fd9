/**
 * The server bundle's zod without its locales (McpServer's esbuild aliases): the same answers,
 * in English, as zod's full entry, for the errors the warden shows (argument validation, the
 * manifest parser), and ~260 KB less to compile on every cold start.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleAliases } from '../../../constructs/mcp-server/mcp-server';
import { zodWithoutLocalesAliases } from '../../../constructs/mcp-server/zod-without-locales';

const ROOT = join(__dirname, '..', '..', '..');
const outDir = join(ROOT, 'node_modules', '.cache', 'mcp-warden-test', `zod-without-locales-${process.pid}`);

async function bundle(name: string, alias: Record<string, string>): Promise<{ output: string; bytes: number }> {
  const outfile = join(outDir, `${name}.js`);
  await build({ entryPoints: [join(__dirname, 'zod-probe.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, external: ['@aws-sdk/*', '@smithy/*'], alias, logLevel: 'silent' });
  return { output: execFileSync(process.execPath, [outfile], { encoding: 'utf8' }), bytes: readFileSync(outfile).length };
}

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('zod without its locales', () => {
  it('answers exactly as zod does, in English, with ~260 KB less JavaScript', async () => {
    const full = await bundle('full', {});
    const lean = await bundle('lean', zodWithoutLocalesAliases(join(outDir, 'entry')));
    expect(lean.output).toBe(full.output);
    const answers = JSON.parse(lean.output) as unknown[];
    expect(JSON.stringify(answers)).toContain('Invalid input: expected object, received string');
    expect(answers.at(-1)).toMatch(/warden\.config\.yaml/);
    expect(full.bytes - lean.bytes).toBeGreaterThan(250 * 1024);
    const leanCode = readFileSync(join(outDir, 'lean.js'), 'utf8');
    expect(leanCode).not.toContain('erwartet');
    expect(readFileSync(join(outDir, 'full.js'), 'utf8')).toContain('erwartet');
  });

  it('is part of the server bundle\'s aliases, for zod and zod/v4 (the MCP SDK imports the latter)', () => {
    const aliases = bundleAliases(join(outDir, 'entry'));
    expect(aliases.zod).toMatch(/zod-[\d.]+-[0-9a-f]{12}\/index\.mjs$/);
    expect(aliases['zod/v4']).toBe(aliases.zod);
    expect(aliases['@modelcontextprotocol/server/_shims']).toMatch(/sdk-shims$/);
  });
});
