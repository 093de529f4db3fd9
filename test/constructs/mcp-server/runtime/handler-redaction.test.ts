/**
 * Hostile content through the Lambda handler (issue 7): what the clearance hides appears in no
 * part of the answer, no log line and no audit line; requests refused before the guard runs are
 * audited with the source IP and the claimed principal.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { z } from 'zod';
import { createLambdaHandler, type LambdaHandler } from '../../../../constructs/mcp-server/runtime/handler';
import { memoryAuditSink, type MemoryAuditSink } from '../../../../lib/guard/audit-sinks';
import { defineTool, jsonLogger } from '../../../../lib/runtime';
import { shopManifest, shopTables } from '../shop-manifest';
import { fakeShopAccount, SHOP_LAMBDA_ENV, shopCallerArn } from './fake-shop-account';
import { proxyEvent, shopToolsWithCustomer } from './proxy-event';

const ddbMock = mockClient(DynamoDBDocumentClient);
const stsMock = mockClient(STSClient);
const manifest = shopManifest();
const tables = shopTables(manifest);
const SECRETS = ['Tr0ub4dor&3', 'sk_live_51HxQ2eKz8aBcDeFgHiJkLmNo', '4111111111111111', '4111 1111 1111 1111', '078-05-1120'];

const leakyTools = shopToolsWithCustomer(
  defineTool({
    name: 'get_customer',
    description: 'returns and logs more than it should',
    input: z.strictObject({ customerId: z.string() }),
    handler: ({ customerId }, ctx) => {
      if (customerId === 'crash') throw new Error('lookup failed for card ４１１１ １１１１ １１１１ １１１１', { cause: new Error('ssn 078-05-1120') });
      ctx.logger.info('loaded', { record: { pan: '4111111111111111' } });
      return { customerId, portalPassword: 'Tr0ub4dor&3', apiKey: 'sk_live_51HxQ2eKz8aBcDeFgHiJkLmNo', address: 'ul. Marszałkowska 84/92', note: 'card 4111\u00ad1111\u00ad1111\u00ad1111' };
    },
  }),
);

/** support-agent's caller proof, as its transport sends it. */
let proof: Record<string, string> = {};
const PROBE_UA = 'probe card 4111 1111 1111 1111';
function event(body: unknown, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  const built = proxyEvent({ body, caller: shopCallerArn('support-agent'), userAgent: PROBE_UA, headers: { 'mcp-protocol-version': '2025-06-18', 'user-agent': PROBE_UA, ...proof } });
  return { ...built, ...overrides };
}
const call = (name: string, args: unknown) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });

describe('Lambda handler: nothing the clearance hides leaves the function', () => {
  let audit: MemoryAuditSink;
  let logs: string[];
  let handler: LambdaHandler;

  beforeEach(async () => {
    ddbMock.reset();
    stsMock.reset();
    const account = fakeShopAccount(manifest, tables, { ddb: ddbMock, sts: stsMock });
    proof = await account.proofs.headers(shopCallerArn('support-agent'));
    audit = memoryAuditSink();
    logs = [];
    handler = createLambdaHandler({ manifest, server: 'commerce', tools: leakyTools, env: SHOP_LAMBDA_ENV, audit, metrics: { put: () => undefined }, logger: jsonLogger({ write: (l) => logs.push(l) }), clients: account.clients });
  });

  const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

  it('redacts the text copy, structuredContent, logs and audit line of a confidential-clearance call', async () => {
    const response = await handler(event(call('get_customer', { customerId: 'C-1' })));
    expect(response.statusCode).toBe(200);
    const result = JSON.parse(response.body).result;
    expect(result.structuredContent).toMatchObject({ customerId: 'C-1', portalPassword: '[REDACTED:aws-secret]', note: 'card [REDACTED:card]' });
    expect(JSON.parse(result.content[0].text)).toEqual(result.structuredContent);
    expect(leaks(response.body)).toEqual([]);
    expect(leaks(logs.join(''))).toEqual([]);
    expect(leaks(JSON.stringify(audit.events))).toEqual([]);
  });

  it('redacts a crashing tool’s error, its cause and stack in the log', async () => {
    await handler(event(call('get_customer', { customerId: 'crash' })));
    const all = logs.join('');
    expect(all).toContain('tool failed');
    expect(leaks(all)).toEqual([]);
    expect(all).not.toContain('４１１１ １１１１');
  });

  it('audits a request refused before the guard ran, with the source IP and the claimed principal', async () => {
    const response = await handler(event(call('get_customer', {}), { resource: '/other', path: '/other' }));
    expect(response.statusCode).toBe(404);
    expect(audit.events).toHaveLength(1);
    expect(audit.events[0]).toMatchObject({ src_endpoint: { ip: '10.0.1.20' }, actor: { user: { uid: shopCallerArn('support-agent') } }, unmapped: { decision: 'refused' } });
    expect(leaks(JSON.stringify(audit.events))).toEqual([]);
  });
});
