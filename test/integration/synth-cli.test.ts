/**
 * `npx cdk synth` as users and CI run it: offline, honouring `-o DIR` and `-c config=PATH`,
 * printing the summary, and failing with the manifest's problems (no stack trace) on a bad one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from '../lib/stacks/warden-test-app';

function cdkSynth(...args: string[]) {
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_VALIDATION: undefined },
    timeout: 110_000,
  });
  return { code: result.status, stderr: result.stderr };
}

describe('npx cdk synth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-synth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('synthesizes the default manifest into the -o folder and prints the summary', () => {
    const out = join(dir, 'out');
    const { code, stderr } = cdkSynth('-o', out);
    expect(stderr).toContain(`templates    ${out}`);
    expect(code).toBe(0);
    expect(existsSync(join(out, 'shop-prod-data.template.json'))).toBe(true);
    expect(existsSync(join(out, 'shop-prod-identity.template.json'))).toBe(true);
    expect(existsSync(join(out, 'shop-prod-servers.template.json'))).toBe(true);
    expect(stderr).toMatch(/servers\s+2 \(commerce: 4 agents, payments: 1 agent\)/);
    expect(stderr).toMatch(/agents\s+4 \(inventory-agent, pricing-agent, support-agent, fraud-agent\)/);
    expect(stderr).toMatch(/packs\s+AwsSolutions, NIST.800.53.R5, PCI.DSS.321, HIPAA.Security, McpWarden/);
    expect(stderr).toMatch(/findings\s+0 unsuppressed/);
    expect(JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')).pluginReports.length).toBeGreaterThan(0);
  });

  it('exits 1 listing every problem of a bad manifest given by a relative path, without a stack trace', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(join(ROOT, 'warden.config.yaml'), 'utf8').replace('commerce/get_stock', 'commerce/get_stok').replace('clearance: internal', 'clearance: secret'));
    const { code, stderr } = cdkSynth('-o', join(dir, 'bad-out'), '-c', `config=${relative(ROOT, bad)}`);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/has \d+ problems; nothing was synthesized/);
    expect(stderr).toContain('get_stok');
    expect(stderr).toContain('secret');
    expect(stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
    expect(existsSync(join(dir, 'bad-out', 'shop-prod-data.template.json'))).toBe(false);
  });

  it('exits 1 on a team Cedar policy that does not fit the Warden schema, before anything is synthesized', () => {
    const bad = join(dir, 'bad-policy.yaml');
    const policy = join(ROOT, 'test', 'fixtures', 'manifests', 'policies', 'team-broken.cedar');
    writeFileSync(bad, readFileSync(join(ROOT, 'warden.config.yaml'), 'utf8').replace('guard: { injection: block }', `guard: { injection: block, policies: [${JSON.stringify(policy)}] }`).replace(/entry: examples\//g, `entry: ${join(ROOT, 'examples')}/`));
    const { code, stderr } = cdkSynth('-o', join(dir, 'bad-policy-out'), '-c', `config=${bad}`);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/guard\.policies\[0\]: \S*team-broken\.cedar at line 2, column \d+: policy "typo": .*did you mean `access`/);
    expect(existsSync(join(dir, 'bad-policy-out', 'shop-prod-servers.template.json'))).toBe(false);
  });

  it('exits 1 when a manifest tool has no code, before anything is synthesized', () => {
    const bad = join(dir, 'no-code.yaml');
    const manifest = readFileSync(join(ROOT, 'warden.config.yaml'), 'utf8')
      .replace('      - name: flag_payment\n', '      - { name: refund_payment, dataset: payments, access: write }\n      - name: flag_payment\n')
      .replace(/entry: examples\//g, `entry: ${join(ROOT, 'examples')}/`);
    // the manifest really gained the tool (a silent no-op edit would make this test pass vacuously or fail obscurely)
    expect(manifest).toContain('name: refund_payment');
    writeFileSync(bad, manifest);
    const { code, stderr } = cdkSynth('-o', join(dir, 'no-code-out'), '-c', `config=${bad}`);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/servers\[1\]\.tools\[1\]: tool "refund_payment" is not defined in \S*payment-tools\.ts/);
    expect(existsSync(join(dir, 'no-code-out', 'shop-prod-servers.template.json'))).toBe(false);
  });
});
