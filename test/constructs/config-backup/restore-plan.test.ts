import type { RoleRecord } from '../../../constructs/config-backup/runtime/collect-iam';
import type { KeyRecord } from '../../../constructs/config-backup/runtime/collect-kms';
import { diffResources, formatDiff } from '../../../constructs/config-backup/runtime/diff';
import { describeCall, planRestore } from '../../../constructs/config-backup/runtime/restore';

const scope = { project: 'shop', environment: 'prod' };
const ROLE = 'shop-prod-fraud-agent-data';
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const role = (over: Partial<RoleRecord> = {}): RoleRecord => ({
  arn: `arn:aws:iam::111122223333:role/${ROLE}`,
  path: '/',
  trust,
  boundary: 'arn:aws:iam::111122223333:policy/shop-prod-identity-Boundary-A',
  maxSessionDuration: 3600,
  tags: { 'warden:agent': 'fraud-agent' },
  inline: { DataAccess: { Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }] } },
  attached: [],
  ...over,
});
const key = (over: Partial<KeyRecord> = {}): KeyRecord => ({
  arn: 'arn:aws:kms:eu-west-1:111122223333:key/k1',
  description: 'class key',
  keyState: 'Enabled',
  aliases: ['alias/shop-prod-restricted'],
  policy: { Statement: [{ Sid: 'ClassKey' }] },
  rotation: true,
  ...over,
});
const plan = (snapshot: Record<string, unknown>, live: Record<string, unknown>) => planRestore(snapshot, live, scope);
const ops = (p: ReturnType<typeof plan>) => p.calls.map((c) => describeCall(c.call));

describe('the restore plan (snapshot → live: what a restore calls, what it leaves to a deploy)', () => {
  it('plans nothing, and the diff says "no differences", when live equals the snapshot', () => {
    const same = { [`iam/role/${ROLE}`]: role(), 'kms/key/k1': key(), manifest: { project: 'shop' } };
    const p = plan(same, structuredClone(same));
    expect(p).toEqual({ changes: [], calls: [], manual: [], warnings: [] });
    expect(formatDiff(p.changes)).toBe('no differences');
  });

  it('puts a changed inline policy back and deletes one added since, warning that containment adds one', () => {
    const live = role({ inline: { DataAccess: { Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] }, WardenContainment: { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] } } });
    const p = plan({ [`iam/role/${ROLE}`]: role() }, { [`iam/role/${ROLE}`]: live });
    expect(ops(p)).toEqual([`iam put-role-policy ${ROLE} DataAccess`, `iam delete-role-policy ${ROLE} WardenContainment`]);
    expect(p.warnings).toEqual([`iam/role/${ROLE}: deletes inline policy WardenContainment, added after the snapshot (incident containment adds one)`]);
    expect(p.changes[0]!.details).toEqual([
      'inline.DataAccess.Statement[0].Action: "dynamodb:GetItem" → "dynamodb:*"',
      'inline.WardenContainment: (absent) → {"Statement":[{"Action":"*","Effect":"Deny","Resource":"*"}]}',
    ]);
  });

  it('restores session length and tags: changed tags set back, tags added since removed', () => {
    const live = role({ maxSessionDuration: 43200, tags: { 'warden:agent': 'support-agent', owner: 'mallory' } });
    const p = plan({ [`iam/role/${ROLE}`]: role() }, { [`iam/role/${ROLE}`]: live });
    expect(p.calls.map((c) => c.call)).toEqual([
      { service: 'iam', op: 'UpdateRole', role: ROLE, maxSessionDuration: 3600 },
      { service: 'iam', op: 'TagRole', role: ROLE, tags: { 'warden:agent': 'fraud-agent' } },
      { service: 'iam', op: 'UntagRole', role: ROLE, keys: ['owner'] },
    ]);
  });

  it('puts back a removed boundary, and deletes one set since the snapshot (which had none)', () => {
    const removed = plan({ [`iam/role/${ROLE}`]: role() }, { [`iam/role/${ROLE}`]: role({ boundary: null }) });
    expect(removed.calls.map((c) => c.call)).toEqual([{ service: 'iam', op: 'PutRolePermissionsBoundary', role: ROLE, boundary: role().boundary }]);
    const added = plan({ [`iam/role/${ROLE}`]: role({ boundary: null }) }, { [`iam/role/${ROLE}`]: role() });
    expect(added.calls.map((c) => c.call)).toEqual([{ service: 'iam', op: 'DeleteRolePermissionsBoundary', role: ROLE }]);
  });

  it('leaves a role recreated under another path, a role deleted since and a role created since to a deploy', () => {
    const p = plan(
      { [`iam/role/${ROLE}`]: role(), 'iam/role/shop-prod-gone-caller': role({ arn: 'arn:aws:iam::111122223333:role/shop-prod-gone-caller' }) },
      { [`iam/role/${ROLE}`]: role({ path: '/x/', arn: `arn:aws:iam::111122223333:role/x/${ROLE}` }), 'iam/role/shop-prod-new-caller': role() },
    );
    expect(p.calls).toEqual([]);
    // in resource-key order
    expect(p.manual).toEqual([
      { key: `iam/role/${ROLE}`, why: expect.stringMatching(/recreated under another ARN or path/) },
      { key: 'iam/role/shop-prod-gone-caller', why: expect.stringMatching(/no longer exists; recreate it by deploying/) },
      { key: 'iam/role/shop-prod-new-caller', why: expect.stringMatching(/created after the snapshot/) },
    ]);
    expect(formatDiff(p.changes)).toMatch(/^- iam\/role\/shop-prod-gone-caller \(in the snapshot, missing live\)$/m);
    expect(formatDiff(p.changes)).toMatch(/^\+ iam\/role\/shop-prod-new-caller \(live, not in the snapshot\)$/m);
  });

  it('never turns key rotation off, and leaves key state, aliases and description to a person or a deploy', () => {
    const p = plan({ 'kms/key/k1': key({ rotation: false }) }, { 'kms/key/k1': key({ rotation: true, keyState: 'PendingDeletion', aliases: [] }) });
    expect(p.calls).toEqual([]);
    expect(p.manual.map((m) => m.why)).toEqual([
      'rotation was off in the snapshot and is on now; a restore never turns key rotation off',
      expect.stringMatching(/key state PendingDeletion, was Enabled: cancel the deletion \(aws kms cancel-key-deletion\)/),
      expect.stringMatching(/aliases or description changed/),
    ]);
  });

  it('leaves the manifest, Cedar, API policies and alarms to a deploy of the snapshot\'s manifest', () => {
    const snapshot = { manifest: { agents: 4 }, 'cedar/generated': { a: 'permit' }, 'api/shop-prod-commerce-mcp': { policy: 1 }, 'alarm/warden/shop-prod/high/x': { Threshold: 1 } };
    const live = { manifest: { agents: 5 }, 'cedar/generated': { a: 'forbid' }, 'api/shop-prod-commerce-mcp': { policy: 2 }, 'alarm/warden/shop-prod/high/x': { Threshold: 100 } };
    const p = plan(snapshot, live);
    expect(p.calls).toEqual([]);
    expect(p.manual.map((m) => m.key).sort()).toEqual(Object.keys(snapshot).sort());
    for (const m of p.manual) expect(m.why).toMatch(/deploying the snapshot's manifest/);
  });

  it('puts a kill-switch row back, and deletes one created since, warning each time', () => {
    const p = plan({ 'kill-switch/fraud-agent': { agent: { S: 'fraud-agent' }, status: { S: 'contained' } } }, { 'kill-switch/fraud-agent': { agent: { S: 'fraud-agent' }, status: { S: 'active' } }, 'kill-switch/new-agent': { agent: { S: 'new-agent' }, status: { S: 'active' } } });
    expect(p.calls.map((c) => c.call)).toEqual([
      { service: 'dynamodb', op: 'PutItem', table: 'shop-prod-agent-status', item: { agent: { S: 'fraud-agent' }, status: { S: 'contained' } } },
      { service: 'dynamodb', op: 'DeleteItem', table: 'shop-prod-agent-status', agent: 'new-agent' },
    ]);
    expect(p.warnings).toEqual([
      'kill-switch/fraud-agent: the kill-switch row of fraud-agent changes (active → contained); a contained agent may be released',
      'kill-switch/new-agent: the kill-switch row of new-agent changes (active → (no row)); a contained agent may be released',
    ]);
  });

  it('diffs multi-line Cedar text line by line', () => {
    const changes = diffResources({ 'cedar/team': [{ file: 't.cedar', text: 'forbid (principal, action, resource)\nwhen { a };' }] }, { 'cedar/team': [{ file: 't.cedar', text: 'forbid (principal, action, resource)\nwhen { b };' }] });
    expect(changes[0]!.details).toEqual(['[0].text: - when { a };', '[0].text: + when { b };']);
  });
});
