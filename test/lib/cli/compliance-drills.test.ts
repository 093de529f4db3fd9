/**
 * `warden compliance --drills`: the report also fails when the last successful incident-response
 * drill is older than `incidentResponse.drillEvery` (P182D in the default manifest), read from
 * the incidents table (dynalite on loopback) as of `--now`.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { registerCompliance } from '../../../lib/cli/compliance';
import { DEFAULT_MANIFEST_PATH } from '../policy/default-manifest';
import { runCli } from './run-cli';

// dynalite ships no types; the calls used here
type DynaliteServer = { listen(port: number, host: string, cb: () => void): void; close(cb: () => void): void; address(): AddressInfo | string | null };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, number>) => DynaliteServer;

let server: DynaliteServer;
let dynamodb: DynamoDBClient;
const TABLE = 'shop-prod-incidents';

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  dynamodb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await dynamodb.send(new CreateTableCommand({ TableName: TABLE, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
  const drill = (id: string, status: string, at: string) => ({ id: { S: id }, mode: { S: 'drill' }, agent: { S: 'warden-drill' }, status: { S: status }, startedAt: { S: at }, ...(status === 'released' ? { releasedAt: { S: at } } : {}) });
  for (const item of [drill('drill-20260501T030000Z-warden-drill-aaaa', 'released', '2026-05-01T03:00:00.000Z'), drill('drill-20261030T030000Z-warden-drill-bbbb', 'failed', '2026-10-30T03:00:00.000Z'), { id: { S: 'inc-1' }, mode: { S: 'incident' }, agent: { S: 'inventory-agent' }, status: { S: 'released' }, startedAt: { S: '2026-11-20T10:00:00.000Z' } }]) {
    await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: item }));
  }
});
afterAll(async () => {
  dynamodb.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const compliance = (args: string[]) => runCli((p) => registerCompliance(p, { dynamodb: () => dynamodb }), 'compliance', ['--config', DEFAULT_MANIFEST_PATH, ...args]);

describe('warden compliance --drills', () => {
  it('fails a report that passes otherwise when the last successful drill is older than drillEvery, naming the failed drill since', async () => {
    const run = await compliance(['--now', '2026-11-25', '--drills', '--region', 'eu-west-1']);
    expect(run.stdout).toContain('incident-response drills: STALE: last successful drill drill-20260501T030000Z-warden-drill-aaaa was 207.9 days ago, longer than drillEvery P182D; 1 drill since did not succeed (drill-20261030T030000Z-warden-drill-bbbb: failed); run one: npx warden drill');
    expect(run.stderr).toContain('incident-response drills are not current');
    expect(run.exitCode).toBe(1);
  });

  it('needs a region before it synthesizes anything', async () => {
    const region = process.env.AWS_REGION;
    const fallback = process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      const run = await compliance(['--drills']);
      expect(run.stderr).toContain('--drills reads the incidents table of the deployment: pass --region or set AWS_REGION');
      expect(run.exitCode).toBe(2);
    } finally {
      if (region !== undefined) process.env.AWS_REGION = region;
      if (fallback !== undefined) process.env.AWS_DEFAULT_REGION = fallback;
    }
  });
});
