/**
 * Resolves a set of synthesized CloudFormation templates to what they would be once deployed in
 * one account and region: every Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split,
 * Fn::ImportValue, Fn::GetStackOutput and pseudo parameter becomes a concrete string. Resources
 * keep the physical name the template sets (RoleName, TableName, AliasName...); the others get a
 * deterministic fake physical id, so two synths resolve identically.
 */
import { createHash } from 'node:crypto';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value: unknown; readonly Export?: { readonly Name: unknown } }>;
}

export interface AccountEnvironment {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** The fixed environment simulations run in. */
export const SIMULATED_ENVIRONMENT: AccountEnvironment = { account: '111122223333', region: 'eu-west-1', partition: 'aws' };

/** The property that holds a resource's physical name, when the template may set it. */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Policy': 'PolicyName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::ApiGateway::Stage': 'StageName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::Events::Rule': 'Name',
};

export class UnresolvableError extends Error {}

export class TemplateResolver {
  constructor(
    /** Templates by stack name. */
    public readonly templates: Readonly<Record<string, CfnTemplate>>,
    public readonly env: AccountEnvironment = SIMULATED_ENVIRONMENT,
  ) {}

  /** `value` with every intrinsic function of stack `stack` resolved. */
  public resolve(stack: string, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      if (fn === 'Ref' || fn.startsWith('Fn::')) return this.intrinsic(stack, fn, arg);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const resolved = this.resolve(stack, v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  /** A resource's resolved properties. */
  public properties(stack: string, logicalId: string): Record<string, unknown> {
    return (this.resolve(stack, this.resource(stack, logicalId).Properties ?? {}) as Record<string, unknown>) ?? {};
  }

  public resource(stack: string, logicalId: string): CfnResource {
    const resource = this.template(stack).Resources[logicalId];
    if (!resource) throw new UnresolvableError(`${stack}: no resource "${logicalId}"`);
    return resource;
  }

  /** What `Ref` returns for a resource (CloudFormation's documented return value per type). */
  public ref(stack: string, logicalId: string): string {
    const { Type } = this.resource(stack, logicalId);
    const { account, region, partition } = this.env;
    switch (Type) {
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${partition}:iam::${account}:policy${this.path(stack, logicalId)}${this.physicalName(stack, logicalId)}`;
      case 'AWS::KMS::Key':
        return this.fakeId(stack, logicalId, 'uuid');
      case 'AWS::ApiGateway::RestApi':
        return this.fakeId(stack, logicalId, 'api');
      case 'AWS::SNS::Topic':
        return `arn:${partition}:sns:${region}:${account}:${this.physicalName(stack, logicalId)}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${partition}:states:${region}:${account}:stateMachine:${this.physicalName(stack, logicalId)}`;
      default: {
        const prefix = EC2_ID_PREFIX[Type];
        return prefix ? `${prefix}-${this.hash(stack, logicalId).slice(0, 17)}` : this.physicalName(stack, logicalId);
      }
    }
  }

  /** What `Fn::GetAtt` returns for the attributes policies use. */
  public getAtt(stack: string, logicalId: string, attribute: string): string {
    const { Type } = this.resource(stack, logicalId);
    const { account, region, partition } = this.env;
    const name = (): string => this.physicalName(stack, logicalId);
    if (attribute === 'Arn') {
      switch (Type) {
        case 'AWS::IAM::Role':
          return `arn:${partition}:iam::${account}:role${this.path(stack, logicalId)}${name()}`;
        case 'AWS::IAM::ManagedPolicy':
          return this.ref(stack, logicalId);
        case 'AWS::DynamoDB::Table':
          return `arn:${partition}:dynamodb:${region}:${account}:table/${name()}`;
        case 'AWS::KMS::Key':
          return `arn:${partition}:kms:${region}:${account}:key/${this.ref(stack, logicalId)}`;
        case 'AWS::Logs::LogGroup':
          return `arn:${partition}:logs:${region}:${account}:log-group:${name()}:*`;
        case 'AWS::Lambda::Function':
          return `arn:${partition}:lambda:${region}:${account}:function:${name()}`;
        case 'AWS::S3::Bucket':
          return `arn:${partition}:s3:::${name()}`;
        case 'AWS::SQS::Queue':
          return `arn:${partition}:sqs:${region}:${account}:${name()}`;
        case 'AWS::SNS::Topic':
        case 'AWS::StepFunctions::StateMachine':
          return this.ref(stack, logicalId);
      }
    }
    if (Type === 'AWS::IAM::Role' && attribute === 'RoleId') return `AROA${this.hash(stack, logicalId).slice(0, 17).toUpperCase()}`;
    if (Type === 'AWS::KMS::Key' && attribute === 'KeyId') return this.ref(stack, logicalId);
    // Anything else (GroupId, RootResourceId, DefaultSecurityGroup...): deterministic and unique.
    return `${this.ref(stack, logicalId)}.${attribute}.${this.hash(stack, `${logicalId}.${attribute}`).slice(0, 8)}`;
  }

  /** The physical name a template sets, or CloudFormation's `<stack>-<logicalId>-<suffix>` style fake. */
  public physicalName(stack: string, logicalId: string): string {
    const resource = this.resource(stack, logicalId);
    const property = NAME_PROPERTY[resource.Type];
    const set = property ? resource.Properties?.[property] : undefined;
    if (set !== undefined) return String(this.resolve(stack, set));
    return `${stack}-${logicalId}-${this.hash(stack, logicalId).slice(0, 12).toUpperCase()}`.slice(0, 64);
  }

  private path(stack: string, logicalId: string): string {
    const path = this.resource(stack, logicalId).Properties?.Path;
    return path === undefined ? '/' : String(this.resolve(stack, path));
  }

  private fakeId(stack: string, logicalId: string, kind: 'uuid' | 'api'): string {
    const h = this.hash(stack, logicalId);
    if (kind === 'api') return h.slice(0, 10);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  private hash(stack: string, logicalId: string): string {
    return createHash('sha256').update(`${stack}/${logicalId}`).digest('hex');
  }

  private template(stack: string): CfnTemplate {
    const template = this.templates[stack];
    if (!template) throw new UnresolvableError(`no template for stack "${stack}"; stacks are ${Object.keys(this.templates).join(', ')}`);
    return template;
  }

  private pseudo(stack: string, name: string): unknown {
    const { account, region, partition } = this.env;
    switch (name) {
      case 'AWS::AccountId':
        return account;
      case 'AWS::Region':
        return region;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack;
      case 'AWS::StackId':
        return `arn:${partition}:cloudformation:${region}:${account}:stack/${stack}/${this.fakeId(stack, 'AWS::StackId', 'uuid')}`;
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        throw new UnresolvableError(`${stack}: unknown pseudo parameter ${name}`);
    }
  }

  private intrinsic(stack: string, fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref': {
        const name = String(arg);
        if (name.startsWith('AWS::')) return this.pseudo(stack, name);
        return this.ref(stack, name);
      }
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.+)/);
        return this.getAtt(stack, String(id), String(this.resolve(stack, attribute)));
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown];
        return (this.resolve(stack, parts) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Select': {
        const [index, items] = arg as [unknown, unknown];
        return (this.resolve(stack, items) as unknown[])[Number(this.resolve(stack, index))];
      }
      case 'Fn::Split': {
        const [sep, text] = arg as [string, unknown];
        return String(this.resolve(stack, text)).split(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
        return text.replace(/\$\{([^}!][^}]*)\}/g, (_all, name: string) => {
          if (name in vars) return String(this.resolve(stack, vars[name]));
          if (name.startsWith('AWS::')) return String(this.pseudo(stack, name));
          const [id, attribute] = name.split(/\.(.+)/);
          return attribute ? this.getAtt(stack, id!, attribute) : this.ref(stack, id!);
        }).replace(/\$\{!/g, '${');
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${this.env.region}${z}`);
      case 'Fn::Base64':
        return Buffer.from(String(this.resolve(stack, arg))).toString('base64');
      case 'Fn::ImportValue': {
        const name = String(this.resolve(stack, arg));
        for (const [other, template] of Object.entries(this.templates)) {
          for (const output of Object.values(template.Outputs ?? {})) {
            if (output.Export && this.resolve(other, output.Export.Name) === name) return this.resolve(other, output.Value);
          }
        }
        throw new UnresolvableError(`${stack}: Fn::ImportValue "${name}" is exported by no template`);
      }
      case 'Fn::GetStackOutput': {
        // CDK's cross-stack reference without exports: { StackName, OutputName, Region?, RoleArn? }
        const { StackName, OutputName } = this.resolve(stack, arg) as { StackName: string; OutputName: string };
        const output = this.template(StackName).Outputs?.[OutputName];
        if (!output) throw new UnresolvableError(`${stack}: Fn::GetStackOutput ${StackName}.${OutputName} does not exist`);
        return this.resolve(StackName, output.Value);
      }
      default:
        throw new UnresolvableError(`${stack}: ${fn} is not supported by the test template resolver; add it to test/support/iam/template-resolver.ts`);
    }
  }
}

const NO_VALUE = Symbol('AWS::NoValue');

const EC2_ID_PREFIX: Readonly<Record<string, string>> = {
  'AWS::EC2::VPC': 'vpc',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::SecurityGroup': 'sg',
  'AWS::EC2::VPCEndpoint': 'vpce',
  'AWS::EC2::RouteTable': 'rtb',
  'AWS::EC2::FlowLog': 'fl',
};
