/**
 * `guard.injection.engine: bedrock-guardrails` in the McpServer construct: the function reaches
 * Bedrock through an interface endpoint (its subnets have no internet route) and may apply
 * exactly the manifest's guardrail. Without the engine neither exists.
 */
import { resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { McpServer } from '../../../constructs/mcp-server';
import type { Manifest } from '../../../lib/config/schema';
import { shopManifest } from './shop-manifest';

const ROOT = resolve(__dirname, '../../..');

function synth(manifest: Manifest) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Servers', { env: { account: '123456789012', region: 'eu-west-1' } });
  new McpServer(stack, 'Server', { manifest, server: 'commerce', manifestDir: ROOT });
  return Template.fromStack(stack);
}

const withEngine = (): Manifest => {
  const base = shopManifest();
  return { ...base, guard: { ...base.guard, injection: { action: 'block', engine: 'bedrock-guardrails', bedrock: { guardrailId: 'gr1a2b3c4d5e', guardrailVersion: '1', timeoutMs: 1000, onUnavailable: 'local' }, exempt: [] } } };
};
const bedrockEndpoints = (template: Template) =>
  Object.values(template.findResources('AWS::EC2::VPCEndpoint')).filter((r) => JSON.stringify(r.Properties.ServiceName).includes('bedrock-runtime'));

describe('McpServer with the Bedrock Guardrails screening engine', () => {
  it('adds a bedrock-runtime interface endpoint limited to this account’s guardrails', () => {
    const template = synth(withEngine());
    const endpoints = bedrockEndpoints(template);
    expect(endpoints).toHaveLength(1);
    const props = endpoints[0]!.Properties;
    expect(props).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    expect(props.PolicyDocument.Statement).toEqual([
      {
        Sid: 'OnlyThisAccountsGuardrails',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'bedrock:ApplyGuardrail',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:eu-west-1:123456789012:guardrail/*']] },
        Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012', 'aws:ResourceAccount': '123456789012' } },
      },
    ]);
  });

  it('lets the function apply exactly the manifest’s guardrail', () => {
    synth(withEngine()).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ScreenArguments', Action: 'bedrock:ApplyGuardrail', Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':bedrock:eu-west-1:123456789012:guardrail/gr1a2b3c4d5e$')])] } })]) },
    });
  });

  it('adds neither with the local screen (the default)', () => {
    const template = synth(shopManifest());
    expect(bedrockEndpoints(template)).toHaveLength(0);
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toMatch(/"Sid":"ScreenArguments"/);
  });
});
