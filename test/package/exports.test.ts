/**
 * The package's public entry points, as users import them: `mcp-warden` (constructs),
 * `mcp-warden/runtime` (tool code) and `mcp-warden/client` (SigV4 transport), from the
 * compiled dist/ that `npm pack` ships — loaded by plain Node, no TypeScript loader.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
}, 120_000);

// Self-reference (`require('mcp-warden/...')` inside the package) resolves through `exports`.
const exportsOf = (specifier: string): string[] =>
  JSON.parse(execFileSync(process.execPath, ['-e', `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`], { cwd: root, encoding: 'utf8' }));

it('exports the constructs from mcp-warden', () => {
  expect(exportsOf('mcp-warden')).toEqual(expect.arrayContaining(['AgentIdentity', 'DataClassKeys', 'Dataset', 'McpServer', 'suppress', 'McpWardenChecks']));
});

it('exports what the constructs take: the manifest loader and the access model', () => {
  expect(exportsOf('mcp-warden')).toEqual(expect.arrayContaining(['loadManifest', 'parseManifest', 'manifestSchema', 'ManifestError', 'AccessModel', 'WardenNetwork']));
});

it('exports the stacks builder from mcp-warden/stacks', () => {
  expect(exportsOf('mcp-warden/stacks')).toEqual(expect.arrayContaining(['buildWardenStacks', 'WardenStack', 'RoleLimitError']));
});

it('exports defineTools from mcp-warden/runtime', () => {
  expect(exportsOf('mcp-warden/runtime')).toEqual(expect.arrayContaining(['defineTools', 'defineTool', 'InMemoryDataset']));
});

it('exports the SigV4 transport from mcp-warden/client', () => {
  expect(exportsOf('mcp-warden/client')).toEqual(expect.arrayContaining(['SigV4StreamableHTTPClientTransport', 'createSigV4Fetch']));
});

it('keeps aws-cdk-lib out of the runtime and client entry points', () => {
  const loaded = (specifier: string): string[] =>
    JSON.parse(
      execFileSync(process.execPath, ['-e', `require(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`], { cwd: root, encoding: 'utf8' }),
    );
  for (const specifier of ['mcp-warden/runtime', 'mcp-warden/client']) {
    expect(loaded(specifier).filter((f) => f.includes(`${join('node_modules', 'aws-cdk-lib')}`))).toEqual([]);
  }
});
