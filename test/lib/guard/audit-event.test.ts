import { argsSha256, canonicalJson, ensureTraceparent, ocsfApiActivity, type AuditRecord } from '../../../lib/guard/audit-event';
import { jsonLinesAuditSink } from '../../../lib/guard/audit-sinks';
import { guardHarness } from './guard-harness';

/**
 * OCSF 1.8 API Activity (6003) requirements, from the schema: base event required attributes,
 * the class's required objects, and the required/at-least-one fields of those objects.
 */
function ocsfProblems(e: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const need = (cond: boolean, what: string) => void (cond || problems.push(what));
  const obj = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  need(e.class_uid === 6003, 'class_uid must be 6003');
  need(e.category_uid === 6, 'category_uid must be 6');
  need([0, 1, 2, 3, 4, 99].includes(e.activity_id as number), 'activity_id must be an API Activity enum value');
  need(e.type_uid === 6003 * 100 + (e.activity_id as number), 'type_uid must be class_uid * 100 + activity_id');
  need(Number.isInteger(e.severity_id) && (e.severity_id as number) >= 0 && (e.severity_id as number) <= 6, 'severity_id must be 0-6 or 99');
  need(Number.isInteger(e.time) && (e.time as number) > 1e12, 'time must be epoch milliseconds');
  need([0, 1, 2, 99].includes(e.status_id as number), 'status_id must be 0, 1, 2 or 99');
  const metadata = obj(e.metadata);
  need(!!metadata && typeof metadata.version === 'string' && !!obj(metadata.product) && typeof obj(metadata.product)!.name === 'string', 'metadata.version and metadata.product.name are required');
  const actor = obj(e.actor);
  need(!!actor && ['process', 'user', 'invoked_by', 'session', 'app_name', 'app_uid'].some((k) => actor[k] !== undefined), 'actor needs at least one of process, user, invoked_by, session, app_name, app_uid');
  const user = obj(actor?.user);
  if (user) need(['account', 'name', 'uid'].some((k) => user[k] !== undefined), 'actor.user needs at least one of account, name, uid');
  const api = obj(e.api);
  need(!!api && typeof api.operation === 'string', 'api.operation is required');
  if (api?.request) need(typeof obj(api.request)!.uid === 'string', 'api.request.uid is required');
  const src = obj(e.src_endpoint);
  need(!!src && ['ip', 'uid', 'name', 'hostname', 'svc_name', 'instance_uid', 'interface_uid', 'interface_name', 'domain'].some((k) => src[k] !== undefined), 'src_endpoint needs at least one identifying field');
  if (e.trace !== undefined) need(typeof obj(e.trace)?.uid === 'string', 'trace.uid is required');
  return problems;
}

const record: AuditRecord = {
  time: Date.UTC(2026, 10, 25),
  requestId: 'req-1',
  method: 'tools/call',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  sourceIp: '10.0.1.23',
  agent: 'support-agent',
  principalArn: 'arn:aws:sts::123456789012:assumed-role/shop-prod-support-agent-caller/s1',
  server: 'commerce',
  tool: 'get_order',
  toolSpec: { dataset: 'orders', dataClass: 'confidential', access: 'read' },
  decision: 'allowed',
  outcome: 'ok',
  reason: 'permitted by permit:support-agent:commerce/get_order',
  argsSha256: argsSha256({ orderId: 'o-1' }),
  redactions: { card: 2 },
  latencyMs: 12,
};

describe('OCSF API Activity audit event', () => {
  it('meets the OCSF 6003 required fields', () => {
    expect(ocsfProblems(ocsfApiActivity(record))).toEqual([]);
  });

  it('maps a read tool to Read (2), a write tool to Update (3), and a call that reached no tool to Other (99)', () => {
    expect(ocsfApiActivity(record)).toMatchObject({ activity_id: 2, type_uid: 600302 });
    expect(ocsfApiActivity({ ...record, toolSpec: { ...record.toolSpec!, access: 'write' } })).toMatchObject({ activity_id: 3, activity_name: 'Update', type_uid: 600303 });
    expect(ocsfApiActivity({ ...record, toolSpec: undefined, decision: 'denied', outcome: 'forbidden' })).toMatchObject({ activity_id: 99, type_uid: 600399, status_id: 2 });
  });

  it('meets the required fields for every event the guard emits, refusals included', async () => {
    const h = guardHarness();
    h.guard.identify({ principalArn: 'arn:aws:iam::123456789012:user/mallory' }, { requestId: 'r-x', method: 'tools/call' });
    h.guard.auditRefusal({ requestId: 'r-y', method: '-' }, 'http 415');
    await h.guard.callTool(h.call('support-agent', 'commerce', 'get_order'));
    await h.guard.callTool(h.call('support-agent', 'payments', 'flag_payment'));
    await h.guard.callTool(h.call('support-agent', 'commerce', 'get_order', { q: '<system>' }));
    expect(h.audit.events).toHaveLength(5);
    for (const e of h.audit.events) expect(ocsfProblems(e)).toEqual([]);
  });

  it('carries the warden fields in unmapped', () => {
    expect(ocsfApiActivity(record).unmapped).toMatchObject({
      agent: 'support-agent',
      tool: 'get_order',
      args_sha256: record.argsSha256,
      decision: 'allowed',
      reason: record.reason,
      redactions: { card: 2 },
      latency_ms: 12,
      request_id: 'req-1',
      traceparent: record.traceparent,
    });
  });
});

describe('argsSha256', () => {
  it('hashes canonical JSON, so key order does not matter', () => {
    expect(argsSha256({ a: 1, b: [1, { d: 2, c: 3 }] })).toBe(argsSha256({ b: [1, { c: 3, d: 2 }], a: 1 }));
    expect(canonicalJson({ b: 'x', a: [1, null, true] })).toBe('{"a":[1,null,true],"b":"x"}');
  });

  it('is the SHA-256 hex of the canonical text', () => {
    // echo -n '{"orderId":"o-1"}' | sha256sum
    expect(argsSha256({ orderId: 'o-1' })).toBe(require('node:crypto').createHash('sha256').update('{"orderId":"o-1"}').digest('hex'));
  });
});

describe('ensureTraceparent', () => {
  it('replaces a malformed or all-zero traceparent', () => {
    expect(ensureTraceparent('garbage')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(ensureTraceparent(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).not.toContain('0'.repeat(32));
  });

  it('makes a new trace id and parent id for every request, across refills of its random pool', () => {
    const made = Array.from({ length: 500 }, () => ensureTraceparent(undefined));
    for (const t of made) expect(t).toMatch(/^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/);
    expect(new Set(made.map((t) => t.slice(3, 35))).size).toBe(500);
    expect(new Set(made.map((t) => t.slice(36, 52))).size).toBe(500);
  });

  it.each([
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
  ])('replaces a traceparent with %s (invalid per W3C Trace Context)', (_name, invalid) => {
    const replaced = ensureTraceparent(invalid);
    expect(replaced).not.toBe(invalid);
    expect(replaced).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('keeps a valid traceparent unchanged', () => {
    const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(ensureTraceparent(valid)).toBe(valid);
  });
});

describe('jsonLinesAuditSink', () => {
  it('writes one JSON object per line', () => {
    const lines: string[] = [];
    const sink = jsonLinesAuditSink((l) => lines.push(l));
    sink.emit(ocsfApiActivity(record));
    sink.emit(ocsfApiActivity(record));
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(JSON.parse(lines[0]!).class_uid).toBe(6003);
  });
});
