/**
 * Independent leak check (issue 7) through the Lambda handler, with the fake shop account: the
 * red-team fixture's result shapes (test/fixtures/redteam) returned by the shop's
 * `get_customer` to support-agent (confidential: cards, SSNs and IBANs hidden), under both MCP
 * revisions, plus hostile names and headers. The response, the log lines and the audit events
 * must not carry any of the hidden values in any spelling a reader can undo.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { z } from 'zod';
import { createLambdaHandler, type LambdaHandler } from '../../../../constructs/mcp-server/runtime/handler';
import { memoryAuditSink, type MemoryAuditSink } from '../../../../lib/guard/audit-sinks';
import { defineTool, jsonLogger, type ToolOutput } from '../../../../lib/runtime';
import { exposedSecrets } from '../../../fixtures/redteam/exposed-secrets';
import { SECRETS, SHAPES } from '../../../fixtures/redteam/leaky-server';
import { shopManifest, shopTables } from '../shop-manifest';
import { fakeShopAccount, SHOP_LAMBDA_ENV, shopCallerArn } from './fake-shop-account';
import { proxyEvent, shopToolsWithCustomer } from './proxy-event';

const ddbMock = mockClient(DynamoDBDocumentClient);
const stsMock = mockClient(STSClient);
const manifest = shopManifest();
const tables = shopTables(manifest);
const HIDDEN = [SECRETS.card, SECRETS.ssn, SECRETS.iban];
const CARD = '4111 1111 1111 1111';

const leakyTools = shopToolsWithCustomer(
  defineTool({
    name: 'get_customer',
    description: 'returns the red-team shape named by customerId',
    input: z.strictObject({ customerId: z.string() }),
    handler: ({ customerId }, ctx) => {
      if (customerId === 'crash') throw new Error(`lookup failed for card ${CARD}`, { cause: new Error(`iban ${SECRETS.iban}`) });
      ctx.logger.info('loaded', { shape: customerId, record: SHAPES.arrayGroups!() as Record<string, unknown> });
      return (SHAPES[customerId] ?? SHAPES.text!)() as ToolOutput;
    },
  }),
);

const MODERN_META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'red-team', version: '1.0.0' }, 'io.modelcontextprotocol/clientCapabilities': {} };
let proof: Record<string, string> = {};
function event(body: string, modern: boolean, method: string, headers: Record<string, string> = {}, name?: string): APIGatewayProxyEvent {
  const routing = modern ? { 'mcp-method': method, ...(name !== undefined ? { 'mcp-name': name } : {}) } : {};
  return proxyEvent({ body, caller: shopCallerArn('support-agent'), userAgent: headers['user-agent'] ?? 'red-team', headers: { 'mcp-protocol-version': modern ? '2026-07-28' : '2025-11-25', ...routing, ...proof, ...headers } });
}
const rpc = (method: string, params: Record<string, unknown>, modern: boolean) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: modern ? { ...params, _meta: MODERN_META } : params });

describe.each([
  ['2025-11-25', false],
  ['2026-07-28', true],
])('Lambda handler: nothing hidden leaves the function (%s)', (_revision, modern) => {
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

  const exposed = async (method: string, params: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await handler(event(rpc(method, params, modern), modern, method, headers, typeof params.name === 'string' ? params.name : undefined));
    if (process.env.RT_DEBUG) console.log(response.statusCode, response.body.slice(0, 300));
    const out = `${JSON.stringify(response.headers ?? {})}\n${response.body}`;
    return { status: response.statusCode, wire: exposedSecrets(out, HIDDEN), logs: exposedSecrets(logs.join('\n'), HIDDEN), audit: exposedSecrets(JSON.stringify(audit.events), HIDDEN) };
  };

  it.each([...Object.keys(SHAPES).filter((s) => s !== 'image'), 'crash'])('get_customer returning shape %s', async (shape) => {
    const got = await exposed('tools/call', { name: 'get_customer', arguments: { customerId: shape } });
    expect(got).toEqual({ status: 200, wire: [], logs: [], audit: [] });
  });

  it('get_customer returning an image: the bytes pass only because confidential covers the customers dataset (binary is not inspected)', async () => {
    const response = await handler(event(rpc('tools/call', { name: 'get_customer', arguments: { customerId: 'image' } }, modern), modern, 'tools/call', {}, 'get_customer'));
    const content = JSON.parse(response.body).result.content as Array<{ type: string; text?: string; data?: string }>;
    expect(content.map((c) => c.type)).toEqual(['image', 'text']);
    expect(exposedSecrets(content[1]!.text!, HIDDEN)).toEqual([]);
    expect(exposedSecrets(logs.join('\n') + JSON.stringify(audit.events), HIDDEN)).toEqual([]);
  });

  it.each([
    ['a tool named with a glued card', 'tools/call', { name: `get_customer-${SECRETS.card}`, arguments: {} }, {}],
    ['an argument key that is an SSN', 'tools/call', { name: 'get_customer', arguments: { customerId: 'text', [SECRETS.ssn]: 1 } }, {}],
    ['an argument value that is an IBAN, refused by the schema', 'tools/call', { name: 'get_customer', arguments: { customerId: 7, note: SECRETS.iban } }, {}],
    ['an unknown method carrying a card', `tools/${CARD}`, {}, {}],
    ['a User-Agent with a glued card', 'tools/list', {}, { 'user-agent': `bot-${SECRETS.card}` }],
  ])('%s', async (_name, method, params, headers) => {
    const got = await exposed(method, params as Record<string, unknown>, headers as Record<string, string>);
    expect({ wire: got.wire, logs: got.logs, audit: got.audit }).toEqual({ wire: [], logs: [], audit: [] });
  });
});
