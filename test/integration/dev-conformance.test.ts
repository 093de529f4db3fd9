/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.13) against the
 * dev server, for every scenario that applies to a tools-only, stateless JSON server:
 * - the protocol scenarios against the default (example shop) manifest;
 * - the tool scenarios against examples/conformance/warden.config.yaml, whose server
 *   implements the suite's fixture tools. The audit proves each call ran the tool through
 *   the guard (decision allowed, or the tool's own error), not a refusal that happens to be
 *   well-formed.
 * Scenarios that need resources, prompts, logging, completion, sampling, elicitation or SSE
 * streams don't apply (see the table in docs/dev-server.md).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../lib/dev';

const CLI = require.resolve('@modelcontextprotocol/conformance/package.json').replace(/package\.json$/, 'dist/index.js');
const SCENARIO_TIMEOUT_MS = 60_000;

let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'warden-conformance-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs one scenario with the suite's CLI; returns its exit code and plain-text output. */
function runScenario(url: string, scenario: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'server', '--url', url, '--scenario', scenario, '-o', out], { timeout: SCENARIO_TIMEOUT_MS }, (err, stdout) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout.replace(/\x1b\[[0-9;]*m/g, '') }),
    );
  });
}

const unmapped = (e: Record<string, unknown>) => (e.unmapped ?? {}) as Record<string, unknown>;

describe('default manifest (example shop), protocol scenarios', () => {
  let dev: DevServer;
  beforeAll(async () => {
    dev = await startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', log: () => {}, agent: 'support-agent' });
  });
  afterAll(() => dev.close());

  it.each(['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'])(
    'passes the %s scenario',
    async (scenario) => {
      const { code, output } = await runScenario(dev.url, scenario);
      expect(output).toMatch(/Passed: (\d+)\/\1, 0 failed/);
      expect(code).toBe(0);
    },
    90_000,
  );
});

describe('examples/conformance manifest, tool scenarios', () => {
  let dev: DevServer;
  beforeAll(async () => {
    dev = await startDevServer({ config: 'examples/conformance/warden.config.yaml', port: 0, audit: 'none', log: () => {}, agent: 'conformance-agent' });
  });
  afterAll(() => dev.close());

  const toolEvents = (tool: string) => dev.auditEvents.filter((e) => unmapped(e).tool === tool);

  it.each([
    ['tools-call-simple-text', 'test_simple_text', 'allowed'],
    ['tools-call-image', 'test_image_content', 'allowed'],
    ['tools-call-audio', 'test_audio_content', 'allowed'],
    ['tools-call-embedded-resource', 'test_embedded_resource', 'allowed'],
    ['tools-call-mixed-content', 'test_multiple_content_types', 'allowed'],
    ['tools-call-error', 'test_error_handling', 'error'],
  ])(
    'passes the %s scenario by running %s through the guard',
    async (scenario, tool, decision) => {
      const { code, output } = await runScenario(dev.url, scenario);
      expect(output).toMatch(/Passed: (\d+)\/\1, 0 failed/);
      expect(code).toBe(0);
      const events = toolEvents(tool);
      expect(events.length).toBeGreaterThan(0);
      // the tool ran: an allowed call, or for test_error_handling the tool's own error result
      expect(events.map((e) => unmapped(e).decision)).toEqual(events.map(() => decision));
      expect(events.map((e) => unmapped(e).outcome)).toEqual(events.map(() => (decision === 'allowed' ? 'ok' : 'tool_error')));
    },
    90_000,
  );

  it.each(['server-initialize', 'ping', 'tools-list'])(
    'passes the %s scenario too',
    async (scenario) => {
      const { code, output } = await runScenario(dev.url, scenario);
      expect(output).toMatch(/Passed: (\d+)\/\1, 0 failed/);
      expect(code).toBe(0);
    },
    90_000,
  );
});
