import { AccessModel } from '../../../lib/policy/access-model';
import { accessMatrix, redactionClasses } from '../../../lib/policy/access-matrix';
import { accessMatrixCsv, accessMatrixJson, accessMatrixMarkdown } from '../../../lib/policy/access-matrix-format';
import { defaultManifest } from './default-manifest';

const manifest = defaultManifest();

describe('accessMatrix', () => {
  const rows = accessMatrix(manifest);

  it('has one row per tool and resource grant of the access model, then one per prompt grant (no dataset)', () => {
    const model = new AccessModel(manifest);
    expect(rows.map((r) => `${r.agent} ${r.server}/${r.tool} ${r.dataset} ${r.dataClass} ${r.access}`)).toEqual([
      ...model.grants.map((g) => `${g.agent} ${g.server}/${g.tool} ${g.dataset} ${g.dataClass} ${g.access}`),
      ...model.promptGrants.map((g) => `${g.agent} ${g.server}/${g.prompt}  ${g.dataClass} read`),
    ]);
  });

  it('shows the inventory agent touching no payments or customer data', () => {
    const inventory = rows.filter((r) => r.agent === 'inventory-agent');
    // its tools (search, stock x2), the catalog resources, and the restock prompt (no dataset)
    expect(inventory.map((r) => r.dataset).sort()).toEqual(['', 'catalog', 'catalog', 'catalog', 'inventory', 'inventory']);
  });

  it('lists the redaction types scrubbed for an agent below the top clearance', () => {
    const support = rows.find((r) => r.agent === 'support-agent')!;
    expect(support.clearance).toBe('confidential');
    expect(support.redactedTypes).toEqual(expect.arrayContaining(['card', 'cvv', 'iban', 'aws-secret']));
    expect(support.redactedTypes).not.toContain('email');
    const inventory = rows.find((r) => r.agent === 'inventory-agent')!;
    expect(inventory.redactedTypes).toEqual(expect.arrayContaining(['card', 'email', 'phone', 'address']));
  });

  it('omits redactedTypes for an agent cleared for the most sensitive class', () => {
    expect(rows.filter((r) => r.agent === 'fraud-agent').every((r) => r.redactedTypes === undefined)).toBe(true);
  });

  it('follows the manifest guard.redaction override of a type\'s class', () => {
    const m = { ...manifest, guard: { ...manifest.guard, redaction: { email: 'internal' } } };
    expect(redactionClasses(m).email).toBe('internal');
    expect(accessMatrix(m).find((r) => r.agent === 'inventory-agent')!.redactedTypes).not.toContain('email');
  });
});

describe('access matrix renderers', () => {
  const rows = accessMatrix(manifest);

  it('renders a markdown table with a header and one line per row', () => {
    const md = accessMatrixMarkdown(rows).trimEnd().split('\n');
    expect(md[0]).toBe('| agent | clearance | server | kind | tool | dataset | data class | access | redacted |');
    expect(md).toHaveLength(rows.length + 2);
    expect(md).toContain('| fraud-agent | restricted | payments | tool | get_payment | payments | restricted | read |  |');
  });

  it('escapes pipes in markdown cells', () => {
    const md = accessMatrixMarkdown([{ ...rows[0]!, tool: 'a|b' }]);
    expect(md).toContain('a\\|b');
  });

  it('writes RFC 4180 CSV: CRLF records, quoted fields with commas and doubled quotes', () => {
    const csv = accessMatrixCsv([rows[0]!, { ...rows[0]!, tool: 'say "hi", then\nleave' }]);
    const records = csv.split('\r\n');
    expect(records[0]).toBe('agent,clearance,server,kind,tool,dataset,dataClass,access,redactedTypes');
    expect(records[2]).toContain('"say ""hi"", then\nleave"');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('writes JSON that parses back to the rows', () => {
    expect(JSON.parse(accessMatrixJson(rows))).toEqual(rows);
  });
});
