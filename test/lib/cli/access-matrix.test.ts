import { accessMatrixReport, registerAccessMatrix } from '../../../lib/cli/access-matrix';
import { DEFAULT_MANIFEST_PATH } from '../policy/default-manifest';
import { runCli } from './run-cli';

const run = (args: string[]) => runCli(registerAccessMatrix, 'access-matrix', args);

describe('warden access-matrix', () => {
  it('prints the default manifest as a markdown table', async () => {
    const { stdout } = await run([DEFAULT_MANIFEST_PATH]);
    expect(stdout.split('\n')[0]).toBe('| agent | clearance | server | kind | tool | dataset | data class | access | redacted |');
    expect(stdout).toContain('| fraud-agent | restricted | payments | tool | flag_payment | payments | restricted | write |  |');
  });

  it('prints CSV and JSON on request', async () => {
    expect((await run([DEFAULT_MANIFEST_PATH, '--format', 'csv'])).stdout).toBe(accessMatrixReport(DEFAULT_MANIFEST_PATH, 'csv'));
    const rows = JSON.parse((await run([DEFAULT_MANIFEST_PATH, '--format', 'json'])).stdout) as Array<{ agent: string; kind: string; tool: string }>;
    // one row per grant: 4 tools, 3 resources (catalog, product, order) and 1 prompt
    const support = rows.filter((r) => r.agent === 'support-agent');
    expect(support.map((r) => `${r.kind}:${r.tool}`).sort()).toEqual(
      ['tool:get_order', 'tool:list_customer_orders', 'tool:get_customer', 'tool:search_products', 'resource:catalog_categories', 'resource:product', 'resource:order', 'prompt:reply_to_customer'].sort(),
    );
  });

  it('explains a missing manifest and exits 1', async () => {
    const result = await run(['does-not-exist.yaml']);
    expect(result.stderr).toMatch(/manifest not found/);
    expect(result.exitCode).toBe(1);
  });

  it('rejects an unknown format naming the choices', async () => {
    await expect(run([DEFAULT_MANIFEST_PATH, '--format', 'xml'])).rejects.toThrow(/Allowed choices are md, csv, json/);
  });
});
