/**
 * The server key: one KMS HMAC key per MCP server, from which its function derives the secrets
 * all its instances share (the input_required requestState key). Only that function may call
 * GenerateMac on it, with HMAC_SHA_256 only; another server's function cannot.
 */
import { resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { McpServer, WardenNetwork } from '../../../constructs/mcp-server';
import { shopManifest } from './shop-manifest';

const ROOT = resolve(__dirname, '../../..');
const manifest = shopManifest();

describe('McpServer server key', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Servers', { env: { account: '123456789012', region: 'eu-west-1' } });
  const network = new WardenNetwork(stack, 'Network', { project: manifest.project, environment: manifest.environment });
  const commerce = new McpServer(stack, 'Commerce', { manifest, server: 'commerce', manifestDir: ROOT, network });
  const payments = new McpServer(stack, 'Payments', { manifest, server: 'payments', manifestDir: ROOT, network });
  const template = Template.fromStack(stack);
  const r = (v: unknown) => stack.resolve(v);
  const functionPolicyOf = (server: McpServer) => template.toJSON().Resources[stack.getLogicalId(server.functionPolicy.node.defaultChild as never)].Properties.PolicyDocument.Statement as Array<Record<string, any>>;

  it('is an HMAC_256 key for MACs, one per server', () => {
    const hmacKeys = template.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' } });
    expect(Object.keys(hmacKeys).sort()).toEqual([stack.getLogicalId(commerce.serverKey.node.defaultChild as never), stack.getLogicalId(payments.serverKey.node.defaultChild as never)].sort());
  });

  it("lets each function call only GenerateMac, only on its own server's key, only with HMAC_SHA_256", () => {
    for (const [server, other] of [[commerce, payments], [payments, commerce]] as const) {
      const statements = functionPolicyOf(server);
      const mac = statements.filter((s) => [s.Action].flat().some((a: string) => /Mac$/.test(a)));
      expect(mac).toEqual([{ Sid: 'DeriveServerSecrets', Effect: 'Allow', Action: 'kms:GenerateMac', Resource: r(server.serverKey.keyArn), Condition: { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } } }]);
      expect(JSON.stringify(statements)).not.toContain(JSON.stringify(r(other.serverKey.keyArn)));
    }
  });

  it('tells the function its key ARN', () => {
    const variables = template.toJSON().Resources[stack.getLogicalId(commerce.function.node.defaultChild as never)].Properties.Environment.Variables;
    expect(variables.WARDEN_SERVER_KEY).toEqual(r(commerce.serverKey.keyArn));
  });

  it("lets GenerateMac through the servers' permissions boundary (which grants nothing by itself)", () => {
    const boundary = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).find((p) => JSON.stringify(p.Properties.Description ?? '').includes('boundary') && JSON.stringify(p).includes('OwnKeys'))!;
    const ownKeys = (boundary.Properties.PolicyDocument.Statement as Array<Record<string, any>>).find((s) => s.Sid === 'OwnKeys')!;
    expect(ownKeys.Action).toEqual(expect.arrayContaining(['kms:GenerateMac']));
    expect(ownKeys.Action).not.toContain('kms:VerifyMac');
  });
});
