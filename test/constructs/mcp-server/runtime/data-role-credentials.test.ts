import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { DataRoleCredentials, READ_ONLY_SESSION_POLICY } from '../../../../constructs/mcp-server/runtime';
import { shopManifest, shopTables } from '../shop-manifest';
import { FakeDataRoles } from './fake-data-roles';

const stsMock = mockClient(STSClient);
const manifest = shopManifest();

describe('DataRoleCredentials', () => {
  let nowMs: number;
  let roles: FakeDataRoles;
  let credentials: DataRoleCredentials;

  beforeEach(() => {
    stsMock.reset();
    nowMs = Date.UTC(2026, 0, 5, 12, 0, 0);
    roles = new FakeDataRoles(manifest, shopTables(manifest), () => nowMs);
    roles.install(stsMock);
    credentials = new DataRoleCredentials({ sts: new STSClient({ region: 'eu-west-1' }), server: 'commerce', roleArnOf: roles.roleArnOf, now: () => nowMs });
  });

  it("assumes the calling agent's data role tagged with the agent, this function's server and the access", async () => {
    const session = await credentials.get('inventory-agent', 'write');
    expect(roles.agentOf(session.accessKeyId)).toBe('inventory-agent');
    expect(roles.assumeRoleCalls[0]).toMatchObject({
      RoleArn: 'arn:aws:iam::123456789012:role/shop-prod-inventory-agent-data',
      Tags: [
        { Key: 'warden:agent', Value: 'inventory-agent' },
        { Key: 'warden:server', Value: 'commerce' },
        { Key: 'warden:access', Value: 'write' },
      ],
    });
  });

  it('keeps sessions of different servers apart for the same agent', async () => {
    const payments = new DataRoleCredentials({ sts: new STSClient({ region: 'eu-west-1' }), server: 'payments', roleArnOf: roles.roleArnOf, now: () => nowMs });
    const viaCommerce = await credentials.get('fraud-agent', 'write');
    const viaPayments = await payments.get('fraud-agent', 'write');
    expect(viaPayments.accessKeyId).not.toBe(viaCommerce.accessKeyId);
    expect(roles.assumeRoleCalls.map((c) => c.Tags?.find((t) => t.Key === 'warden:server')?.Value)).toEqual(['commerce', 'payments']);
  });

  it('is refused by the trust for an agent without tools on its server', async () => {
    const payments = new DataRoleCredentials({ sts: new STSClient({ region: 'eu-west-1' }), server: 'payments', roleArnOf: roles.roleArnOf, now: () => nowMs });
    await expect(payments.get('inventory-agent', 'read')).rejects.toThrow(/warden:server=payments/);
  });

  it('reuses one session per agent for repeated calls', async () => {
    const first = await credentials.get('support-agent', 'read');
    nowMs += 5 * 60_000;
    const again = await credentials.get('support-agent', 'read');
    expect(again.accessKeyId).toBe(first.accessKeyId);
    expect(roles.assumeRoleCalls).toHaveLength(1);
  });

  it('makes concurrent callers share one in-flight AssumeRole', async () => {
    const sessions = await Promise.all(Array.from({ length: 25 }, () => credentials.get('fraud-agent', 'write')));
    expect(new Set(sessions.map((s) => s.accessKeyId)).size).toBe(1);
    expect(roles.assumeRoleCalls).toHaveLength(1);
  });

  it('renews a session five minutes before it expires', async () => {
    const first = await credentials.get('pricing-agent', 'write'); // 15-minute session
    nowMs += 9 * 60_000 + 59_000;
    expect((await credentials.get('pricing-agent', 'write')).accessKeyId).toBe(first.accessKeyId);
    nowMs += 1_000; // exactly 5 minutes left
    const renewed = await credentials.get('pricing-agent', 'write');
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(renewed.expiration.getTime()).toBeGreaterThan(first.expiration.getTime());
  });

  it('keeps sessions of different agents apart', async () => {
    const inventory = await credentials.get('inventory-agent', 'read');
    const fraud = await credentials.get('fraud-agent', 'read');
    expect(roles.agentOf(inventory.accessKeyId)).toBe('inventory-agent');
    expect(roles.agentOf(fraud.accessKeyId)).toBe('fraud-agent');
  });

  it('narrows read sessions with the read-only session policy and leaves write sessions to the role', async () => {
    await credentials.get('inventory-agent', 'read');
    await credentials.get('inventory-agent', 'write');
    expect(roles.assumeRoleCalls.map((c) => c.Policy)).toEqual([READ_ONLY_SESSION_POLICY, undefined]);
    expect(JSON.parse(READ_ONLY_SESSION_POLICY).Statement[0].Action.filter((a: string) => /Put|Update|Delete|Write|Encrypt/.test(a))).toEqual([]);
  });

  it('does not cache a failure: the next call tries STS again', async () => {
    const broken = new DataRoleCredentials({ sts: new STSClient({ region: 'eu-west-1' }), server: 'commerce', roleArnOf: () => 'arn:aws:iam::123456789012:role/someone-else', now: () => nowMs });
    await expect(broken.get('inventory-agent', 'read')).rejects.toThrow(/not authorized to perform sts:AssumeRole/);
    await expect(broken.get('inventory-agent', 'read')).rejects.toThrow(/not authorized/);
    expect(roles.assumeRoleCalls).toHaveLength(2);
  });

  it('refuses a session length the refresh margin would swallow', () => {
    expect(() => new DataRoleCredentials({ sts: new STSClient({}), server: 'commerce', roleArnOf: roles.roleArnOf, sessionSeconds: 300 })).toThrow(/must be longer than the refresh margin/);
    expect(() => new DataRoleCredentials({ sts: new STSClient({}), server: '', roleArnOf: roles.roleArnOf })).toThrow(/needs the server name/);
  });
});
