/**
 * Team Cedar files are checked with the manifest (`warden validate`, the CDK app), so a broken
 * policy fails before deploy instead of at the server's cold start.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest } from '../../../lib/config';
import { registerValidate } from '../../../lib/cli/validate';
import { teamPolicyIssues } from '../../../lib/policy';
import { runCli } from '../cli/run-cli';

const GOOD = join(__dirname, '..', '..', 'fixtures', 'manifests', 'good', 'shop.yaml');

/** The good fixture manifest, with its team policy pointed at `policy`. */
function withPolicy(policy: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-team-policy-'));
  const file = join(dir, 'warden.config.yaml');
  const text = readFileSync(GOOD, 'utf8').replace('policies: [../policies/team.cedar]', `policies: [${JSON.stringify(join(__dirname, '..', '..', 'fixtures', 'manifests', 'policies', policy))}]`);
  writeFileSync(file, text.replace(/entry: \.\.\/tools\//g, `entry: ${join(__dirname, '..', '..', 'fixtures', 'manifests', 'tools')}/`));
  return file;
}

it('accepts a team forbid that fits the Warden schema', () => {
  expect(teamPolicyIssues(loadManifest(GOOD), 'warden.config.yaml')).toEqual([]);
});

it('reports a team policy that uses an attribute the schema does not have, with its file, path and line', () => {
  const file = withPolicy('team-broken.cedar');
  const issues = teamPolicyIssues(loadManifest(file), 'warden.config.yaml');
  expect(issues).toHaveLength(1);
  expect(issues[0]).toMatchObject({ file: 'warden.config.yaml', path: 'guard.policies[0]', severity: 'error' });
  expect(issues[0]!.message).toMatch(/team-broken\.cedar at line 2, column \d+: policy "typo": .*acces/);
});

it('makes warden validate fail on a broken team policy', async () => {
  const file = withPolicy('team-broken.cedar');
  const run = await runCli(registerValidate, 'validate', [file]);
  expect(run.exitCode).toBe(1);
  expect(run.stderr).toContain(`${file}: guard.policies[0]: `);
  expect(run.stderr).toMatch(/acces/);
});
