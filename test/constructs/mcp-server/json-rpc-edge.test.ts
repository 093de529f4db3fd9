import { resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { McpServer } from '../../../constructs/mcp-server';
import { shopManifest } from './shop-manifest';

const ROOT = resolve(__dirname, '../../..');

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new Stack(app, 'Edge', { env: { account: '123456789012', region: 'eu-west-1' } });
new McpServer(stack, 'Server', { manifest: shopManifest(), server: 'commerce', manifestDir: ROOT });
const template = Template.fromStack(stack);

type Props = Record<string, any>;
const gatewayResponses = (): Map<string, Props> =>
  new Map(Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map((r) => [r.Properties.ResponseType as string, r.Properties as Props]));
const bodyOf = (props: Props) => JSON.parse(props.ResponseTemplates['application/json'] as string);

describe('the API Gateway edge of an MCP server', () => {
  it.each([
    ['BAD_REQUEST_BODY', '400', -32600],
    ['MISSING_AUTHENTICATION_TOKEN', '403', -32000],
    ['ACCESS_DENIED', '403', -32000],
    ['INVALID_SIGNATURE', '403', -32000],
    ['EXPIRED_TOKEN', '403', -32000],
    ['REQUEST_TOO_LARGE', '413', -32000],
    ['UNSUPPORTED_MEDIA_TYPE', '415', -32000],
    ['THROTTLED', '429', -32000],
    ['INTEGRATION_TIMEOUT', '504', -32603],
  ])('answers %s with HTTP %s and a JSON-RPC error object (code %d), as application/json', (type, status, code) => {
    const props = gatewayResponses().get(type)!;
    expect(props).toMatchObject({ StatusCode: status, ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/json'" } });
    const body = bodyOf(props);
    expect(body).toEqual({ jsonrpc: '2.0', id: null, error: { code, message: expect.any(String) } });
  });

  it('keeps the status API Gateway chose for the catch-alls, with a JSON-RPC body: no framework error page is left', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      const props = gatewayResponses().get(type)!;
      expect(props.StatusCode).toBeUndefined();
      expect(bodyOf(props)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: expect.any(Number) } });
    }
  });

  it('tells a throttled client when to retry', () => {
    const throttled = gatewayResponses().get('THROTTLED')!;
    expect(throttled.ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'1'");
    expect(bodyOf(throttled).error.message).toMatch(/retry after 1 second/);
  });

  it('names no internals in any edge answer: no variables, ARNs, account ids or stack traces', () => {
    for (const [type, props] of gatewayResponses()) {
      const text = props.ResponseTemplates['application/json'] as string;
      expect({ type, text }).toEqual({ type, text: expect.not.stringMatching(/\$|#|arn:|123456789012|lambda|Exception|at \//i) });
      expect(props.ResponseParameters['gatewayresponse.header.Cache-Control']).toBe("'no-store'");
    }
  });

  it('answers every method of /mcp but POST with a 405, Allow: POST and a JSON-RPC body, from a MOCK integration (no Lambda)', () => {
    const [any] = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'ANY' } }));
    const props = any!.Properties as Props;
    expect(props.AuthorizationType).toBe('AWS_IAM');
    expect(props.Integration.Type).toBe('MOCK');
    expect(props.Integration.Uri).toBeUndefined();
    expect(props.Integration.RequestTemplates['application/json']).toBe('{"statusCode": 405}');
    const [response] = props.Integration.IntegrationResponses as Props[];
    expect(props.Integration.IntegrationResponses).toHaveLength(1);
    expect(response!.SelectionPattern).toBeUndefined(); // the default response: any content type ends here
    expect(response).toMatchObject({
      StatusCode: '405',
      ResponseParameters: { 'method.response.header.Allow': "'POST'", 'method.response.header.Content-Type': "'application/json'" },
    });
    expect(JSON.parse(response!.ResponseTemplates['application/json'])).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Method not allowed: this MCP endpoint accepts POST only' } });
    expect(props.MethodResponses).toEqual([Match.objectLike({ StatusCode: '405' })].map(() => expect.objectContaining({ StatusCode: '405' })));
  });

  it('sends only POST to the function: one Lambda permission path, POST /mcp', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => JSON.stringify(p.Properties.SourceArn));
    expect(permissions.length).toBeGreaterThan(0);
    for (const arn of permissions) expect(arn).toMatch(/\/POST\/mcp"/);
  });

  it('keeps the request model on POST: its refusals are JSON-RPC errors too (BAD_REQUEST_BODY)', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', RequestValidatorId: Match.anyValue(), RequestModels: { 'application/json': Match.anyValue() } });
    expect(gatewayResponses().has('BAD_REQUEST_BODY')).toBe(true);
  });
});
