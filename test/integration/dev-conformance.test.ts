/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance) against the dev
 * server, for the scenarios that apply to a tools-only, stateless server. The others need
 * the suite's own fixture tools, resources, prompts, logging, sampling or elicitation,
 * which a warden server does not offer (see docs/dev-server.md for the full table).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../lib/dev';

const CLI = require.resolve('@modelcontextprotocol/conformance/package.json').replace(/package\.json$/, 'dist/index.js');
const APPLICABLE = ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'];

let dev: DevServer;
let out: string;
beforeAll(async () => {
  dev = await startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', log: () => {}, agent: 'support-agent' });
  out = mkdtempSync(join(tmpdir(), 'warden-conformance-'));
});
afterAll(async () => {
  await dev.close();
  rmSync(out, { recursive: true, force: true });
});

it.each(APPLICABLE)('passes the %s scenario', async (scenario) => {
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    execFile(process.execPath, [CLI, 'server', '--url', dev.url, '--scenario', scenario, '-o', out], { timeout: 60_000 }, (err, stdout) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
  const plain = stdout.replace(/\x1b\[[0-9;]*m/g, '');
  expect(plain).toMatch(/Passed: (\d+)\/\1, 0 failed/);
  expect(code).toBe(0);
}, 90_000);
