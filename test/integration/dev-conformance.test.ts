/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.13) against the
 * dev server, for every scenario that applies to a tools-only, stateless JSON server:
 * - the protocol scenarios against the default (example shop) manifest;
 * - the tool, resource, prompt and completion scenarios against
 *   examples/conformance/warden.config.yaml, whose server implements the suite's fixtures. The
 *   audit proves each call ran through the guard (decision allowed, or the tool's own error),
 *   not a refusal that happens to be well-formed.
 * Scenarios that need logging, sampling, elicitation pushed by the server or SSE streams don't
 * apply to a stateless JSON server (see the table in docs/dev-server.md). The 2026-07-28
 * requirement set runs in dev-conformance-2026.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../lib/dev';

const CLI = require.resolve('@modelcontextprotocol/conformance/package.json').replace(/package\.json$/, 'dist/index.js');
const SCENARIO_TIMEOUT_MS = 60_000;

let out: string;
/** Scenario runs that passed every check / all runs: the P/N line for this revision. */
const tally = { passed: 0, run: 0 };
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'warden-conformance-'));
});
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  process.stdout.write(`conformance 2025-11-25: ${tally.passed}/${tally.run} scenario runs pass (both manifests)\n`);
});

/** Runs one scenario with the suite's CLI; returns its exit code and plain-text output. */
function runScenario(url: string, scenario: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'server', '--url', url, '--scenario', scenario, '-o', out], { timeout: SCENARIO_TIMEOUT_MS }, (err, stdout) => {
      const output = stdout.replace(/\x1b\[[0-9;]*m/g, '');
      tally.run += 1;
      if (!err && /Passed: (\d+)\/\1, 0 failed/.test(output)) tally.passed += 1;
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output });
    });
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

  it.each([
    ['resources-list', 'resources/list', undefined],
    ['resources-read-text', 'resources/read', 'static_text'],
    ['resources-read-binary', 'resources/read', 'static_binary'],
    ['resources-templates-read', 'resources/read', 'template_data'],
    ['prompts-list', 'prompts/list', undefined],
    ['prompts-get-simple', 'prompts/get', 'test_simple_prompt'],
    ['prompts-get-with-args', 'prompts/get', 'test_prompt_with_arguments'],
    ['prompts-get-embedded-resource', 'prompts/get', 'test_prompt_with_embedded_resource'],
    ['prompts-get-with-image', 'prompts/get', 'test_prompt_with_image'],
    ['completion-complete', 'completion/complete', 'test_prompt_with_arguments'],
  ])(
    'passes the %s scenario, each %s audited once as allowed',
    async (scenario, method, name) => {
      const before = dev.auditEvents.length;
      const { code, output } = await runScenario(dev.url, scenario);
      expect(output).toMatch(/Passed: (\d+)\/\1, 0 failed/);
      expect(code).toBe(0);
      const events = dev.auditEvents.slice(before).filter((e) => (e.api as { operation?: string } | undefined)?.operation === method);
      expect(events.length).toBeGreaterThan(0);
      expect(events.map((e) => unmapped(e).decision)).toEqual(events.map(() => 'allowed'));
      // reads, gets and completions go through the guard's pipeline under the resource's or prompt's name
      if (name) expect(events.map((e) => unmapped(e).tool)).toEqual(events.map(() => name));
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
