/**
 * Tool code and manifest disagreeing is a validation error (`warden validate`, `cdk synth`),
 * not a server that refuses every cold start after deploy.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest } from '../../../lib/config';
import { registerValidate } from '../../../lib/cli/validate';
import { toolCodeIssues } from '../../../lib/runtime/tool-code-issues';
import { runCli } from '../cli/run-cli';

const ROOT = join(__dirname, '..', '..', '..');
const DEFAULT = readFileSync(join(ROOT, 'warden.config.yaml'), 'utf8');

/** The default manifest, edited, written next to a copy of nothing: entries point back at the repo's examples. */
function manifestWith(edit: (text: string) => string, extraFiles: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-tool-code-'));
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
  const file = join(dir, 'warden.config.yaml');
  writeFileSync(file, edit(DEFAULT.replace(/entry: examples\//g, `entry: ${join(ROOT, 'examples')}/`)));
  return file;
}

it('finds nothing to report for the default manifest and the example shop code', () => {
  expect(toolCodeIssues(loadManifest(join(ROOT, 'warden.config.yaml')), 'warden.config.yaml')).toEqual([]);
});

it('reports a manifest tool that has no code, at its path', () => {
  const file = manifestWith((t) => t.replace('      - name: flag_payment\n', '      - { name: refund_payment, dataset: payments, access: write }\n      - name: flag_payment\n'));
  expect(toolCodeIssues(loadManifest(file), 'warden.config.yaml')).toEqual([
    {
      file: 'warden.config.yaml',
      path: 'servers[1].tools[1]',
      message: expect.stringMatching(/^tool "refund_payment" is not defined in .*payment-tools\.ts — add defineTool\(\{ name: 'refund_payment', \.\.\. \}\) to it, or remove the tool from the manifest$/),
      severity: 'error',
    },
  ]);
});

it('reports code that defines a tool the manifest does not declare', () => {
  const file = manifestWith((t) =>
    t.replace(/      - name: flag_payment\n(?: {8}.*\n)+/, '').replace('payments/flag_payment, ', ''),
  );
  const issues = toolCodeIssues(loadManifest(file), 'warden.config.yaml');
  expect(issues).toHaveLength(1);
  expect(issues[0]).toMatchObject({ path: 'servers[1].tools', message: expect.stringMatching(/defines tool "flag_payment", which server "payments" does not declare/) });
});

it('reports a module that does not load or does not export defineTools, without a stack trace', () => {
  const broken = manifestWith((t) => t.replace(`entry: ${join(ROOT, 'examples')}/shop/payment-tools.ts`, 'entry: broken.ts'), { 'broken.ts': 'throw new Error("boom at import");\n' });
  expect(toolCodeIssues(loadManifest(broken), 'm.yaml')).toEqual([
    { file: 'm.yaml', path: 'servers[1].entry', message: expect.stringMatching(/^cannot load the tool module broken\.ts: boom at import — /), severity: 'error' },
  ]);
  const plain = manifestWith((t) => t.replace(`entry: ${join(ROOT, 'examples')}/shop/payment-tools.ts`, 'entry: plain.ts'), { 'plain.ts': 'export default { tools: [] };\n' });
  expect(toolCodeIssues(loadManifest(plain), 'm.yaml')[0]).toMatchObject({ path: 'servers[1].entry', message: expect.stringMatching(/does not default-export defineTools/) });
});

it('makes warden validate fail with the path of the tool that has no code', async () => {
  const file = manifestWith((t) => t.replace('      - name: flag_payment\n', '      - { name: refund_payment, dataset: payments, access: write }\n      - name: flag_payment\n'));
  const run = await runCli(registerValidate, 'validate', [file]);
  expect(run.exitCode).toBe(1);
  expect(run.stderr).toContain(`${file}: servers[1].tools[1]: tool "refund_payment" is not defined in`);
});
