import { join, resolve } from 'node:path';
import { loadManifest, ManifestError, parseManifest } from '../../../lib/config';
import { change, errorLines, errorsOf, FIXTURES, GOOD_DIR, GOOD_YAML, NOW, parse } from './manifest-fixtures';

const F = 'warden.config.yaml';

describe('a valid manifest', () => {
  it('loads with no errors and no warnings, defaults applied', () => {
    const loaded = parse(GOOD_YAML);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.manifest.agents.map((a) => a.name)).toEqual(['inventory-agent', 'support-agent', 'fraud-agent']);
    expect(loaded.manifest.compliance.reviewIntervalDays).toBe(90);
    expect(loaded.manifest.guard.injection).toBe('block');
    expect(loaded.manifest.incidentResponse.approvalTimeout).toBe('PT4H');
  });

  it('reports the absolute file and the folder relative paths resolve against', () => {
    const loaded = loadManifest(join(GOOD_DIR, 'shop.yaml'), { now: NOW });
    expect(loaded.file).toBe(join(GOOD_DIR, 'shop.yaml'));
    expect(loaded.dir).toBe(GOOD_DIR);
    expect(parseManifest(GOOD_YAML, 'good/shop.yaml', { now: NOW, baseDir: 'test/fixtures/manifests/good' }).file).toBe(resolve('good/shop.yaml'));
  });

  it('accepts the project default ./warden.config.yaml with zero errors', () => {
    const loaded = loadManifest('warden.config.yaml', { now: NOW });
    expect(loaded.manifest.project).toBe('shop');
    expect(loaded.manifest.agents.length).toBeGreaterThan(0);
  });
});

interface BadCase {
  readonly it: string;
  readonly yaml: string;
  /** Every error, exactly as printed. */
  readonly errors: readonly string[];
  /** Line of the first error. */
  readonly line?: number;
}

const bad: BadCase[] = [
  {
    it: 'rejects a misspelt field and suggests the right one',
    yaml: change('clearance: internal', 'clearence: internal'),
    errors: [`${F}: agents[0].clearance: missing required field "clearance"`, `${F}: agents[0].clearence: unknown field "clearence" — did you mean "clearance"?`],
    line: 21,
  },
  {
    it: 'rejects an agent without an owner',
    yaml: change('    owner: risk@shop.example\n', ''),
    errors: [`${F}: agents[2].owner: missing required field "owner"`],
    line: 34,
  },
  {
    it: 'rejects an unknown tool and suggests the closest declared one',
    yaml: change('tools: [payments/get_payment, payments/flag_payment]', 'tools: [payments/get_paymnt, payments/flag_payment]'),
    errors: [`${F}: agents[2].tools[0]: unknown tool "payments/get_paymnt" — did you mean "payments/get_payment"?`],
    line: 39,
  },
  {
    it: 'rejects a tool reference that is not server/tool',
    yaml: change('tools: [commerce/search_products]', 'tools: [search_products]'),
    errors: [`${F}: agents[0].tools[0]: tool reference "search_products" must be written "server/tool" (e.g. "commerce/search_products")`],
    line: 26,
  },
  {
    it: 'rejects a tool on a server that does not exist and lists the servers',
    yaml: change('tools: [commerce/search_products]', 'tools: [billing/refund_order]'),
    errors: [`${F}: agents[0].tools[0]: unknown tool "billing/refund_order": there is no server "billing" — declared servers are "commerce" or "payments"`],
  },
  {
    it: 'rejects a tool the server does not have and lists its tools',
    yaml: change('tools: [commerce/search_products]', 'tools: [commerce/delete_everything]'),
    errors: [`${F}: agents[0].tools[0]: unknown tool "commerce/delete_everything": server "commerce" has no such tool — its tools are "commerce/search_products" or "commerce/get_order"`],
  },
  {
    it: 'rejects an agent listing the same tool twice',
    yaml: change('tools: [commerce/get_order, commerce/search_products]', 'tools: [commerce/get_order, commerce/search_products, commerce/get_order]'),
    errors: [`${F}: agents[1].tools[2]: "commerce/get_order" is listed twice (also at agents[1].tools[0]) — remove one`],
    line: 32,
  },
  {
    it: 'rejects a tool whose dataset is not declared',
    yaml: change('{ name: get_order, dataset: orders, access: read }', '{ name: get_order, dataset: ordrs, access: read }'),
    errors: [`${F}: servers[0].tools[1].dataset: unknown dataset "ordrs" — did you mean "orders"?`],
    line: 14,
  },
  {
    it: 'rejects a dataset whose class is not a declared data class',
    yaml: change('{ name: payments, class: restricted }', '{ name: payments, class: secret }'),
    errors: [`${F}: datasets[2].class: unknown data class "secret" — declare it in dataClasses or use one of "public", "internal", "confidential" or "restricted"`],
    line: 8,
  },
  {
    it: 'rejects an agent clearance that is not a declared data class',
    yaml: change('clearance: restricted', 'clearance: restrictd'),
    errors: [`${F}: agents[2].clearance: unknown data class "restrictd" — did you mean "restricted"?`],
    line: 37,
  },
  {
    it: 'rejects a redaction class that is not a declared data class',
    yaml: change('redaction: { email: confidential }', 'redaction: { email: private }'),
    errors: [`${F}: guard.redaction.email: unknown data class "private" — declare it in dataClasses or use one of "public", "internal", "confidential" or "restricted"`],
    line: 42,
  },
  {
    it: 'rejects an unknown redaction type and suggests the right one',
    yaml: change('redaction: { email: confidential }', 'redaction: { emial: confidential }'),
    errors: [`${F}: guard.redaction.emial: unknown field "emial" — did you mean "email"?`],
    line: 42,
  },
  {
    it: 'rejects two agents with the same name',
    yaml: change('name: fraud-agent', 'name: support-agent'),
    errors: [`${F}: agents[2].name: duplicate agent name "support-agent" (already declared at agents[1].name) — agent names must be unique; rename or remove one`],
    line: 34,
  },
  {
    it: 'rejects two datasets with the same name',
    yaml: change('{ name: orders, class: confidential }', '{ name: catalog, class: confidential }'),
    errors: [
      `${F}: datasets[1].name: duplicate dataset name "catalog" (already declared at datasets[0].name) — dataset names must be unique; rename or remove one`,
      `${F}: servers[0].tools[1].dataset: unknown dataset "orders" — declare it under datasets or use one of "catalog", "catalog" or "payments"`,
    ],
  },
  {
    it: 'rejects two tools with the same name on one server',
    yaml: change('{ name: flag_payment, dataset: payments, access: write }', '{ name: get_payment, dataset: payments, access: write }'),
    errors: [`${F}: servers[1].tools[1].name: duplicate tool name "get_payment" (already declared at servers[1].tools[0].name) — tool names must be unique; rename or remove one`, `${F}: agents[2].tools[1]: unknown tool "payments/flag_payment" — did you mean "payments/get_payment"?`],
  },
  {
    it: 'rejects two servers with the same name',
    yaml: change('  - name: payments\n    entry', '  - name: commerce\n    entry'),
    errors: [
      `${F}: servers[1].name: duplicate server name "commerce" (already declared at servers[0].name) — server names must be unique; rename or remove one`,
      // the agent's payments/* tools now dangle: true, and the suggestion points at where they went
      `${F}: agents[2].tools[0]: unknown tool "payments/get_payment" — did you mean "commerce/get_payment"?`,
      `${F}: agents[2].tools[1]: unknown tool "payments/flag_payment" — did you mean "commerce/flag_payment"?`,
    ],
  },
  {
    it: 'rejects a data class declared twice',
    yaml: change('dataClasses: [public, internal, confidential, restricted]', 'dataClasses: [public, internal, internal, confidential, restricted]'),
    errors: [`${F}: dataClasses[2]: duplicate data class "internal" (already declared at dataClasses[1]) — data classes must be unique; rename or remove one`],
  },
  {
    it: 'rejects an agent whose IAM caller role name would exceed 64 characters, saying by how much and what to shorten',
    yaml: change('environment: prod', 'environment: staging-euw1', change('project: shop', 'project: retail-platform', change('name: inventory-agent', 'name: inventory-replenishment-agent'))),
    errors: [
      `${F}: agents[0].name: IAM role name "retail-platform-staging-euw1-inventory-replenishment-agent-caller" is 65 characters, 1 over the 64-character limit — shorten the agent name "inventory-replenishment-agent" (29 characters) by at least 1, or the project or the environment`,
    ],
    line: 21,
  },
  {
    it: 'rejects a review date in the future, relative to today',
    yaml: change('reviewedOn: 2026-11-20', 'reviewedOn: 2026-12-01'),
    errors: [`${F}: agents[2].reviewedOn: reviewedOn 2026-12-01 is in the future (today is 2026-11-25) — write the date the last access review actually took place`],
    line: 36,
  },
  {
    it: 'rejects a review date that is not on the calendar',
    yaml: change('reviewedOn: 2026-11-20', 'reviewedOn: 2026-02-30'),
    errors: [`${F}: agents[2].reviewedOn: reviewedOn 2026-02-30 is not a date on the calendar — check the month and day`],
  },
  {
    it: 'rejects a review date not written YYYY-MM-DD',
    yaml: change('reviewedOn: 2026-11-20', 'reviewedOn: 20/11/2026'),
    errors: [`${F}: agents[2].reviewedOn: reviewedOn must be a date written YYYY-MM-DD`],
  },
  {
    it: 'rejects a server entry file that does not exist, naming the resolved path',
    yaml: change('entry: ../tools/payments.js', 'entry: ../tools/payment.js'),
    errors: [
      `${F}: servers[1].entry: entry file not found: ${join(FIXTURES, 'tools/payment.js')} (paths are relative to the manifest's folder ${GOOD_DIR}) — create the tool module there or fix the path`,
    ],
    line: 16,
  },
  {
    it: 'rejects a guard policy file that does not exist, naming the resolved path',
    yaml: change('policies: [../policies/team.cedar]', 'policies: [../policies/teams.cedar]'),
    errors: [
      `${F}: guard.policies[0]: policy file not found: ${join(FIXTURES, 'policies/teams.cedar')} (paths are relative to the manifest's folder ${GOOD_DIR}) — create the Cedar policy file or fix the path`,
    ],
    line: 41,
  },
  {
    it: 'rejects an access level other than read or write',
    yaml: change('{ name: flag_payment, dataset: payments, access: write }', '{ name: flag_payment, dataset: payments, access: admin }'),
    errors: [`${F}: servers[1].tools[1].access: access must be "read" or "write"`],
    line: 19,
  },
  {
    it: 'rejects an unknown severity in incident response and suggests the closest',
    yaml: `${GOOD_YAML}incidentResponse: { autoContain: [hgh] }\n`,
    errors: [`${F}: incidentResponse.autoContain[0]: "hgh" is not allowed — did you mean "high"?`],
    line: 43,
  },
  {
    it: 'rejects an unknown compliance pack and lists the allowed ones',
    yaml: `${GOOD_YAML}compliance: { packs: [SOC2] }\n`,
    errors: [`${F}: compliance.packs[0]: "SOC2" is not allowed — use one of "AwsSolutions", "NIST.800.53.R5", "PCI.DSS.321", "HIPAA.Security" or "ServerlessChecks"`],
  },
  {
    it: 'rejects a project name with capitals',
    yaml: change('project: shop', 'project: Shop'),
    errors: [`${F}: project: project must be lower-case letters, digits and hyphens, starting with a letter (e.g. "inventory-agent")`],
    line: 2,
  },
  {
    it: 'rejects datasets written as a mapping instead of a list',
    yaml: change('datasets:\n', 'datasets:\n  catalog: public\n', GOOD_YAML.replace(/^ {2}- \{ name: (catalog|orders|payments), class: \w+ \}\n/gm, '')),
    errors: [`${F}: datasets: must be a list, found a mapping`],
    line: 6,
  },
  {
    it: 'rejects a memory size below Lambda\'s minimum',
    yaml: change('    entry: ../tools/commerce.js\n', '    entry: ../tools/commerce.js\n    memorySize: 64\n'),
    errors: [`${F}: servers[0].memorySize: must be at least 128, found 64`],
    line: 12,
  },
  {
    it: 'rejects an assumedBy with two principals',
    yaml: change('assumedBy: { service: ecs-tasks.amazonaws.com }', 'assumedBy: { service: ecs-tasks.amazonaws.com, accountId: "123456789012" }'),
    errors: [`${F}: agents[0].assumedBy: assumedBy must be exactly one of { service: ... }, { roleArn: ... } or { accountId: ... }`],
    line: 25,
  },
  {
    it: 'says a missing assumedBy is missing, not malformed',
    yaml: change('    assumedBy: { service: ecs-tasks.amazonaws.com }\n', ''),
    errors: [`${F}: agents[0].assumedBy: missing required field "assumedBy"`],
    line: 21,
  },
  {
    it: 'rejects an owner that is not an e-mail address',
    yaml: change('owner: ops@shop.example', 'owner: ops-team'),
    errors: [`${F}: agents[0].owner: owner must be an e-mail address (who answers for this agent)`],
    line: 22,
  },
  {
    it: 'rejects a misspelt top-level section and says which required one is missing',
    yaml: change('agents:\n', 'agent:\n'),
    errors: [`${F}: agents: missing required field "agents"`, `${F}: agent: unknown field "agent" — did you mean "agents"?`],
  },
  {
    it: 'rejects a partition key that is not a DynamoDB attribute name',
    yaml: change('{ name: orders, class: confidential }', '{ name: orders, class: confidential, partitionKey: "order id" }'),
    errors: [`${F}: datasets[1].partitionKey: partitionKey must be a DynamoDB attribute name: 1-255 letters, digits, "_", "-" or "."`],
    line: 7,
  },
  {
    it: 'rejects a tableArn that is not a DynamoDB table ARN',
    yaml: change('{ name: payments, class: restricted }', '{ name: payments, class: restricted, tableArn: "arn:aws:s3:::payments" }'),
    errors: [`${F}: datasets[2].tableArn: tableArn must be a DynamoDB table ARN: arn:aws:dynamodb:REGION:ACCOUNT:table/NAME`],
    line: 8,
  },
  {
    it: 'rejects a key written twice in one mapping, with its path',
    yaml: change('    clearance: confidential\n', '    clearance: confidential\n    clearance: restricted\n'),
    errors: [`${F}: agents[1].clearance: duplicate key "clearance" — each field may appear only once in a mapping; remove or merge one of them`],
    line: 31,
  },
];

describe('a bad manifest', () => {
  it.each(bad.map((c) => [c.it, c] as const))('%s', (_title, c) => {
    expect(errorLines(c.yaml)).toEqual(c.errors);
    if (c.line !== undefined) expect(errorsOf(c.yaml)[0]?.line).toBe(c.line);
  });

  it('accepts a caller role name of exactly 64 characters (the IAM limit)', () => {
    const agent = 'inventory-replenisher-agents';
    expect(`retail-platform-staging-euw1-${agent}-caller`).toHaveLength(64);
    const yaml = change('environment: prod', 'environment: staging-euw1', change('project: shop', 'project: retail-platform', change('name: inventory-agent', `name: ${agent}`)));
    expect(errorLines(yaml)).toEqual([]);
  });

  it('reports several independent errors at once, in file order, each with its line', () => {
    const issues = errorsOf(
      change('clearance: internal', 'clearence: internal', change('{ name: get_order, dataset: orders, access: read }', '{ name: get_order, dataset: ordrs, access: read }', change('reviewedOn: 2026-11-20', 'reviewedOn: 2027-01-01'))),
    );
    expect(issues.map((i) => `${i.line} ${i.path}`)).toEqual(['14 servers[0].tools[1].dataset', '21 agents[0].clearance', '24 agents[0].clearence', '36 agents[2].reviewedOn']);
    expect(issues.every((i) => i.severity === 'error' && i.file === F)).toBe(true);
  });

  it('throws one ManifestError whose message lists every error, one per line, with its line number', () => {
    const yaml = change('{ name: payments, class: restricted }', '{ name: payments, class: secret }', change('owner: ops@shop.example', 'owner: nobody'));
    expect(() => parse(yaml)).toThrow(ManifestError);
    try {
      parse(yaml);
    } catch (err) {
      expect((err as Error).message.split('\n')).toEqual([
        `${F}: datasets[2].class: unknown data class "secret" — declare it in dataClasses or use one of "public", "internal", "confidential" or "restricted" (line 8)`,
        `${F}: agents[0].owner: owner must be an e-mail address (who answers for this agent) (line 22)`,
      ]);
    }
  });
});

describe('access reviews', () => {
  it('warns, without failing, when a review is older than the review interval', () => {
    const loaded = parse(change('reviewedOn: 2026-10-01', 'reviewedOn: 2026-01-02'));
    expect(loaded.warnings).toEqual([
      {
        file: F,
        path: 'agents[1].reviewedOn',
        message: 'review overdue: last reviewed 2026-01-02, 327 days ago (interval 90 days) — review this agent\'s access and update reviewedOn',
        line: 29,
        column: 17,
        severity: 'warning',
      },
    ]);
  });

  it('uses compliance.reviewIntervalDays for the interval', () => {
    const yaml = `${GOOD_YAML}compliance: { reviewIntervalDays: 30 }\n`;
    expect(parse(yaml).warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      'agents[1].reviewedOn: review overdue: last reviewed 2026-10-01, 55 days ago (interval 30 days) — review this agent\'s access and update reviewedOn',
    ]);
  });

  it('treats a review dated today as current, and tomorrow as the future', () => {
    expect(parse(change('reviewedOn: 2026-11-20', 'reviewedOn: 2026-11-25')).warnings).toEqual([]);
    expect(errorLines(change('reviewedOn: 2026-11-20', 'reviewedOn: 2026-11-26'))[0]).toContain('reviewedOn 2026-11-26 is in the future');
  });

  it('still reports overdue reviews as warnings only when there are no errors', () => {
    const issues = errorsOf(change('reviewedOn: 2026-10-01', 'reviewedOn: 2026-01-02', change('owner: ops@shop.example', 'owner: nobody')));
    expect(issues.map((i) => i.severity)).toEqual(['error']);
  });
});

describe('loadManifest', () => {
  it('says clearly when the file does not exist', () => {
    expect(() => loadManifest('no/such/warden.config.yaml')).toThrow(
      `no/such/warden.config.yaml: (root): manifest not found: ${resolve('no/such/warden.config.yaml')} — pass the path of your manifest (e.g. \`npx warden validate path/to/warden.config.yaml\`) or create one from docs/manifest.md`,
    );
  });

  it('says clearly when given a folder', () => {
    expect(() => loadManifest(GOOD_DIR)).toThrow(`${GOOD_DIR}: (root): ${GOOD_DIR} is a folder — pass the manifest file inside it (e.g. warden.config.yaml)`);
  });

  it('names the file as the user gave it in every issue', () => {
    const file = 'test/fixtures/manifests/bad/many-errors.yaml';
    try {
      loadManifest(file, { now: NOW });
      throw new Error('expected a ManifestError');
    } catch (err) {
      expect(err).toBeInstanceOf(ManifestError);
      expect((err as ManifestError).issues.every((i) => i.file === file)).toBe(true);
    }
  });
});
