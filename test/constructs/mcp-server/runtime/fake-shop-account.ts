/**
 * The AWS side of the example shop's commerce Lambda, faked with real logic: an in-memory
 * DynamoDB (status, rate-limit and dataset tables, the catalog seeded) behind the document
 * client mock, and STS handing out data-role sessions that the tables check. The Lambda's own
 * role reaches the status and rate-limit tables; dataset tables only with a data-role session.
 * STS also verifies the agents' caller proofs (test/support/sts), made by the real client signer.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { LambdaHandlerOptions } from '../../../../constructs/mcp-server/runtime/handler';
import { sampleData } from '../../../../examples/shop/sample-data';
import type { Manifest } from '../../../../lib/config/schema';
import { FakeDataRoles } from './fake-data-roles';
import { FakeDynamoDB } from './fake-dynamodb';
import { CallerProofs } from '../../../support/sts/caller-proofs';
import { FakeSts } from '../../../support/sts/fake-sts';
import { FakeKms } from '../../../support/kms/fake-kms';

export const SHOP_LAMBDA_ENV = {
  WARDEN_SERVER: 'commerce',
  WARDEN_AGENT_STATUS_TABLE: 'shop-prod-agent-status',
  WARDEN_RATE_LIMIT_TABLE: 'shop-prod-commerce-rate-limit',
  WARDEN_DATA_ROLE_ARN_PREFIX: 'arn:aws:iam::123456789012:role/',
  WARDEN_SERVER_ID: 'a1b2c3d4e5',
  // update_price needs approval past its limit (lib/approvals)
  WARDEN_APPROVALS_TABLE: 'shop-prod-approvals',
  WARDEN_APPROVALS_TOPIC: 'arn:aws:sns:eu-west-1:123456789012:shop-prod-warden-alerts',
  WARDEN_SERVER_KEY: 'arn:aws:kms:eu-west-1:123456789012:key/commerce-server-key',
  AWS_REGION: 'eu-west-1',
};

/** The assumed-role ARN API Gateway reports for an agent's caller role in the shop's account. */
export const shopCallerArn = (agent: string) => `arn:aws:sts::123456789012:assumed-role/shop-prod-${agent}-caller/session-1`;

export function fakeShopAccount(
  manifest: Manifest,
  tables: Record<string, string>,
  mocks: { ddb: AwsClientStub<DynamoDBDocumentClient>; sts: AwsClientStub<STSClient>; kms?: AwsClientStub<KMSClient> },
  options: { statuses?: Record<string, unknown>[]; now?: () => number; kms?: FakeKms } = {},
): { fake: FakeDynamoDB; sts: FakeSts; kms: FakeKms; proofs: CallerProofs; clients: NonNullable<LambdaHandlerOptions['clients']> & { dynamodb: DynamoDBDocumentClient } } {
  const fake = new FakeDynamoDB();
  fake.createTable(SHOP_LAMBDA_ENV.WARDEN_AGENT_STATUS_TABLE, { partitionKey: 'agent' }, options.statuses);
  fake.createTable(SHOP_LAMBDA_ENV.WARDEN_RATE_LIMIT_TABLE, { partitionKey: 'pk' });
  fake.createTable(SHOP_LAMBDA_ENV.WARDEN_APPROVALS_TABLE, { partitionKey: 'pk' });
  for (const d of manifest.datasets) fake.createTable(tables[d.name]!, { partitionKey: 'pk' });
  fake.createTable(tables.catalog!, { partitionKey: 'pk' }, sampleData().products.map((p) => ({ ...p })) as Record<string, unknown>[]);
  const roles = new FakeDataRoles(manifest, tables);
  roles.install(mocks.sts);
  fake.authorize = (call) => {
    if (call.table === SHOP_LAMBDA_ENV.WARDEN_AGENT_STATUS_TABLE || call.table === SHOP_LAMBDA_ENV.WARDEN_RATE_LIMIT_TABLE || call.table === SHOP_LAMBDA_ENV.WARDEN_APPROVALS_TABLE) return;
    roles.authorize(call);
  };
  fake.install(mocks.ddb);
  const region = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDLAMBDAROLE', secretAccessKey: 'x' } };
  // STS for the agents' caller proofs (verifies their signatures); AssumeRole stays on the SDK mock
  const sts = new FakeSts(SHOP_LAMBDA_ENV.AWS_REGION, options.now);
  // the server's HMAC key (requestState); a KMS shared by several fake accounts stands for one region's KMS
  const kms = options.kms ?? new FakeKms();
  if (!options.kms) kms.createHmacKey(SHOP_LAMBDA_ENV.WARDEN_SERVER_KEY.slice(SHOP_LAMBDA_ENV.WARDEN_SERVER_KEY.indexOf('/') + 1));
  if (mocks.kms) kms.install(mocks.kms);
  return {
    fake,
    sts,
    kms,
    proofs: new CallerProofs(sts, { region: SHOP_LAMBDA_ENV.AWS_REGION, serverId: SHOP_LAMBDA_ENV.WARDEN_SERVER_ID, now: options.now }),
    clients: {
      stsFetch: sts.fetch,
      kms: new KMSClient(region),
      dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient(region)),
      sts: new STSClient(region),
      documentClient: (credentials) => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials })),
    },
  };
}
