/**
 * The data roles' AssumeRole over the STS query API (no AWS SDK on the cold path): against the
 * test STS, which verifies the function role's SigV4 signature, and a capturing STS for what
 * exactly is sent and how errors and retries read.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataRoleCredentials, READ_ONLY_SESSION_POLICY } from '../../../../constructs/mcp-server/runtime/data-role-credentials';
import { httpsAssumeRole } from '../../../../constructs/mcp-server/runtime/sts-assume-role';
import { FakeSts } from '../../../support/sts/fake-sts';

const REGION = 'eu-west-1';
const ROLE = { accessKeyId: 'ASIAFUNCTIONROLE0002', secretAccessKey: 'function-role-secret', sessionToken: 'function-role-token' };
const DATA_ROLE = 'arn:aws:iam::111122223333:role/shop-prod-support-agent-data';

let sts: FakeSts;
let stsUrl: string;
const envFor = (endpoint: string): NodeJS.ProcessEnv => ({ AWS_REGION: REGION, AWS_ENDPOINT_URL_STS: endpoint, AWS_ACCESS_KEY_ID: ROLE.accessKeyId, AWS_SECRET_ACCESS_KEY: ROLE.secretAccessKey, AWS_SESSION_TOKEN: ROLE.sessionToken });
const noWait = { sleep: async () => undefined };

beforeAll(async () => {
  sts = new FakeSts(REGION);
  sts.register(ROLE, 'arn:aws:sts::111122223333:assumed-role/shop-prod-commerce-server/fn');
  stsUrl = await sts.listen();
});
afterAll(() => sts.close());

/** An STS that records each form and answers what the test says. */
async function capturingSts(answers: Array<{ status: number; body: string }>): Promise<{ url: string; forms: URLSearchParams[]; close: () => Promise<void> }> {
  const forms: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8'))).on('end', () => {
      forms.push(new URLSearchParams(body));
      const answer = answers.shift() ?? { status: 500, body: '' };
      res.writeHead(answer.status, { 'content-type': 'text/xml' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, forms, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const credentialsXml = (token: string) =>
  `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIADATAROLE</AccessKeyId><SecretAccessKey>s3cr3t</SecretAccessKey><SessionToken>${token}</SessionToken><Expiration>2026-12-03T18:15:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;

describe('httpsAssumeRole', () => {
  it('assumes the role with a request STS verifies as signed by the function role', async () => {
    const before = sts.count('AssumeRole');
    const now = Date.now();
    const session = await httpsAssumeRole({ env: envFor(stsUrl) }).assumeRole({ RoleArn: DATA_ROLE, RoleSessionName: 'warden-read-support-agent', DurationSeconds: 900 });
    expect(sts.count('AssumeRole')).toBe(before + 1);
    expect(sts.calls.at(-1)).toMatchObject({ action: 'AssumeRole', ok: true, accessKeyId: ROLE.accessKeyId, roleArn: DATA_ROLE });
    expect(session.accessKeyId).toMatch(/^ASIAFAKE/);
    expect(session.expiration.getTime()).toBeGreaterThanOrEqual(now + 899_000);
  });

  it('is refused when the signature does not match, with STS\'s code and no retry', async () => {
    const before = sts.calls.length;
    const wrong = httpsAssumeRole({ env: envFor(stsUrl), credentials: async () => ({ ...ROLE, secretAccessKey: 'wrong' }), retry: noWait });
    await expect(wrong.assumeRole({ RoleArn: DATA_ROLE, RoleSessionName: 's' })).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403, attempts: 1 } });
    expect(sts.calls.length).toBe(before + 1);
  });

  it('sends the session tags and the session policy as the query API takes them', async () => {
    const capture = await capturingSts([{ status: 200, body: credentialsXml('tok') }]);
    try {
      await httpsAssumeRole({ env: envFor(capture.url) }).assumeRole({
        RoleArn: DATA_ROLE, RoleSessionName: 'warden-read-support-agent', DurationSeconds: 900,
        Tags: [{ Key: 'warden:agent', Value: 'support-agent' }, { Key: 'warden:server', Value: 'commerce' }],
        Policy: READ_ONLY_SESSION_POLICY,
      });
      const [form] = capture.forms;
      expect(Object.fromEntries(form!)).toEqual({
        Action: 'AssumeRole', Version: '2011-06-15', RoleArn: DATA_ROLE, RoleSessionName: 'warden-read-support-agent', DurationSeconds: '900',
        'Tags.member.1.Key': 'warden:agent', 'Tags.member.1.Value': 'support-agent', 'Tags.member.2.Key': 'warden:server', 'Tags.member.2.Value': 'commerce',
        Policy: READ_ONLY_SESSION_POLICY,
      });
    } finally {
      await capture.close();
    }
  });

  it('retries throttling and 5xx, decodes XML entities, and refuses an answer without credentials', async () => {
    const throttled = '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>';
    const capture = await capturingSts([{ status: 400, body: throttled }, { status: 503, body: '' }, { status: 200, body: credentialsXml('a&amp;b&#x2F;c') }, { status: 200, body: '<AssumeRoleResponse/>' }]);
    try {
      const client = httpsAssumeRole({ env: envFor(capture.url), retry: noWait });
      const session = await client.assumeRole({ RoleArn: DATA_ROLE, RoleSessionName: 's' });
      expect(capture.forms).toHaveLength(3);
      expect(session).toEqual({ accessKeyId: 'ASIADATAROLE', secretAccessKey: 's3cr3t', sessionToken: 'a&b/c', expiration: new Date('2026-12-03T18:15:00Z') });
      await expect(client.assumeRole({ RoleArn: DATA_ROLE, RoleSessionName: 's' })).rejects.toThrow(/without credentials/);
    } finally {
      await capture.close();
    }
  });
});

describe('DataRoleCredentials on httpsAssumeRole', () => {
  it('assumes once per agent and access level, then serves the cached session', async () => {
    const credentials = new DataRoleCredentials({ sts: httpsAssumeRole({ env: envFor(stsUrl) }), server: 'commerce', roleArnOf: () => DATA_ROLE });
    const before = sts.count('AssumeRole');
    const [a, b] = await Promise.all([credentials.get('support-agent', 'read'), credentials.get('support-agent', 'read')]);
    expect(a).toBe(b);
    await credentials.get('support-agent', 'write');
    expect(sts.count('AssumeRole')).toBe(before + 2);
  });
});
