/**
 * Isolation, proven from the synthesized templates: for every agent of the default manifest, the
 * tables and keys its data role can reach (actions and KMS conditions, references resolved to
 * logical ids) are exactly what the access model grants, and nothing else.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DYNAMODB_READ_ACTIONS, DYNAMODB_WRITE_ACTIONS, KMS_READ_ACTIONS, KMS_WRITE_ACTIONS } from '../../../constructs/data-plane';
import { buildWardenStacks } from '../../../lib/stacks';
import { type CfnTemplate, type Reach, TemplateReach } from './template-reach';
import { defaultManifest, newTestApp } from './warden-test-app';

const loaded = defaultManifest();
const stacks = buildWardenStacks(newTestApp(), loaded);
const templates = Object.fromEntries(stacks.all.map((s) => [s.stackName, Template.fromStack(s).toJSON() as CfnTemplate]));
const reach = new TemplateReach(templates).dataRoleReach();
const data = stacks.data;
const logicalId = (c: { node: { defaultChild?: unknown } }) => data.getLogicalId(c.node.defaultChild as never);
const tableOf = (dataset: string) => logicalId(data.datasets.find((d) => d.datasetName === dataset)!.table as never);
const keyOf = (dataClass: string) => logicalId(data.keys.key(dataClass) as never);
const VIA_DYNAMODB = 'dynamodb.<AWS::Region>.amazonaws.com';

/** What the access model says each agent's data role must reach, in the same shape. */
function expectedReach(agent: string): Reach[] {
  return stacks.model.datasetGrantsOf(agent).flatMap((g) => {
    const write = g.access === 'write';
    const table = tableOf(g.dataset.name);
    const tableName = data.datasets.find((d) => d.datasetName === g.dataset.name)!.tableName;
    return [
      // the tables have no secondary indexes, so no index ARN is granted
      ...(write ? DYNAMODB_WRITE_ACTIONS : DYNAMODB_READ_ACTIONS).map((action) => ({ agent, kind: 'table' as const, target: table, action })),
      ...(write ? KMS_WRITE_ACTIONS : KMS_READ_ACTIONS).map((action) => ({ agent, kind: 'key' as const, target: keyOf(g.dataset.class), action, tableNameContext: tableName, viaService: VIA_DYNAMODB })),
    ];
  });
}

const sorted = (r: readonly Reach[]) => [...r].map((x) => JSON.stringify(x)).sort();
const of = (agent: string) => reach.filter((r) => r.agent === agent);

describe('data-role isolation (from the synthesized templates)', () => {
  it('finds a data role for every agent and no other', () => {
    expect([...new Set(reach.map((r) => r.agent))].sort()).toEqual(loaded.manifest.agents.map((a) => a.name).sort());
  });

  it.each(loaded.manifest.agents.map((a) => a.name))('gives %s exactly the tables, actions and key uses its grants imply', (agent) => {
    expect(sorted(of(agent))).toEqual(sorted(expectedReach(agent)));
  });

  it('denies the inventory agent every customers and payments table and the restricted key', () => {
    const touched = new Set(of('inventory-agent').map((r) => r.target));
    for (const forbidden of [tableOf('customers'), tableOf('payments'), tableOf('orders'), keyOf('restricted'), keyOf('confidential')]) expect(touched).not.toContain(forbidden);
  });

  it('gives the read-only support agent no write action anywhere', () => {
    const writes = new Set([...DYNAMODB_WRITE_ACTIONS.filter((a) => !DYNAMODB_READ_ACTIONS.includes(a)), 'kms:GenerateDataKey', 'kms:Encrypt']);
    expect(stacks.model.datasetGrantsOf('support-agent').every((g) => g.access === 'read')).toBe(true);
    expect(of('support-agent').filter((r) => writes.has(r.action))).toEqual([]);
  });

  it('never lets a shared class key open a table of that class the agent was not granted', () => {
    // orders and customers share the confidential key; fraud-agent is granted orders only.
    const confidential = of('fraud-agent').filter((r) => r.kind === 'key' && r.target === keyOf('confidential'));
    expect(confidential.length).toBeGreaterThan(0);
    expect(new Set(confidential.map((r) => r.tableNameContext))).toEqual(new Set(['shop-prod-orders']));
  });

  it('conditions every key use on DynamoDB and a table-name encryption context', () => {
    const keyUses = reach.filter((r) => r.kind === 'key');
    expect(keyUses.length).toBeGreaterThan(0);
    for (const use of keyUses) {
      expect(use.viaService).toBe(VIA_DYNAMODB);
      expect(use.tableNameContext).toMatch(/^shop-prod-/);
    }
  });

  it('still resolves when the data stack exports with strong references', () => {
    const app = newTestApp({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong' } });
    const strong = buildWardenStacks(app, loaded);
    const strongTemplates = Object.fromEntries(strong.all.map((s: Stack) => [s.stackName, Template.fromStack(s).toJSON() as CfnTemplate]));
    const strongReach = new TemplateReach(strongTemplates).dataRoleReach();
    expect(sorted(strongReach.filter((r) => r.agent === 'fraud-agent'))).toEqual(sorted(of('fraud-agent')));
  });
});
