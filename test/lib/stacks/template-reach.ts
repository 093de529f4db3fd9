/**
 * Reads synthesized templates the way IAM would: which tables and keys each data role can reach,
 * with which actions and under which KMS conditions. References (Ref, Fn::GetAtt, Fn::Join,
 * Fn::GetStackOutput, Fn::ImportValue) are resolved back to the logical ids of the data stack's
 * resources, so the isolation test compares resources, not strings that merely look right.
 */

type Json = unknown;
export interface CfnTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, Json> }>;
  readonly Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
}

/** One thing a data role may do: an action on a table (or its indexes) or on a key. */
export interface Reach {
  readonly agent: string;
  readonly kind: 'table' | 'index' | 'key';
  /** Logical id of the table or key in the data stack. */
  readonly target: string;
  readonly action: string;
  /** For keys: the `kms:EncryptionContext:aws:dynamodb:tableName` the statement requires. */
  readonly tableNameContext?: string;
  /** For keys: the `kms:ViaService` the statement requires. */
  readonly viaService?: string;
}

interface Statement {
  Effect: string;
  Action?: Json;
  NotAction?: Json;
  Resource?: Json;
  NotResource?: Json;
  Condition?: Record<string, Record<string, Json>>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export class TemplateReach {
  constructor(
    /** Templates by stack name. */
    private readonly templates: Record<string, CfnTemplate>,
  ) {}

  /** Everything each data role (tagged warden:role=data) may do, from every template. */
  public dataRoleReach(): Reach[] {
    const out: Reach[] = [];
    for (const [stackName, template] of Object.entries(this.templates)) {
      for (const [roleId, role] of Object.entries(template.Resources)) {
        if (role.Type !== 'AWS::IAM::Role') continue;
        const tags = Object.fromEntries(list(role.Properties?.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
        if (tags['warden:role'] !== 'data') continue;
        for (const statement of this.statementsOf(template, roleId)) out.push(...this.reachOf(stackName, tags['warden:agent']!, statement));
      }
    }
    return out;
  }

  /** Inline policies of the role, and every policy resource whose Roles name it. */
  private statementsOf(template: CfnTemplate, roleId: string): Statement[] {
    const role = template.Resources[roleId]!;
    const inline = list(role.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    const attached = Object.values(template.Resources)
      .filter((r) => (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') && list(r.Properties?.Roles as Json[]).some((x) => JSON.stringify(x) === JSON.stringify({ Ref: roleId })))
      .flatMap((r) => (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
    const managedArns = list(role.Properties?.ManagedPolicyArns as Json[]);
    if (managedArns.length > 0) throw new Error(`data role ${roleId} has ManagedPolicyArns; the reach reader does not follow those`);
    return [...inline, ...attached];
  }

  private reachOf(stackName: string, agent: string, s: Statement): Reach[] {
    if (s.Effect !== 'Allow') return [];
    if (s.NotAction !== undefined || s.NotResource !== undefined) throw new Error(`${agent}: NotAction/NotResource in a data role policy`);
    const actions = list(s.Action as string | string[]);
    const out: Reach[] = [];
    for (const resource of list(s.Resource)) {
      const resolved = this.resolve(stackName, resource);
      const table = /^arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table\/([^/]+)(\/index\/\*)?$/.exec(resolved);
      if (table) {
        const target = this.tableByName(table[1]!);
        for (const action of actions) out.push({ agent, kind: table[2] ? 'index' : 'table', target, action });
        continue;
      }
      const key = /^getatt:([^.]+)\.Arn@(.+)$/.exec(resolved);
      if (key && this.templates[key[2]!]!.Resources[key[1]!]!.Type === 'AWS::KMS::Key') {
        const equals = s.Condition?.StringEquals ?? {};
        const context = equals['kms:EncryptionContext:aws:dynamodb:tableName'];
        const via = equals['kms:ViaService'];
        const otherConditions = Object.keys(s.Condition ?? {}).filter((k) => k !== 'StringEquals');
        if (otherConditions.length > 0) throw new Error(`${agent}: unexpected condition operators ${otherConditions.join(', ')}`);
        for (const action of actions) {
          out.push({
            agent,
            kind: 'key',
            target: key[1]!,
            action,
            ...(context === undefined ? {} : { tableNameContext: this.resolve(stackName, context) }),
            ...(via === undefined ? {} : { viaService: this.resolve(stackName, via) }),
          });
        }
        continue;
      }
      throw new Error(`${agent}: a data role statement reaches "${resolved}", which is neither a dataset table nor a class key`);
    }
    return out;
  }

  /** A value as a string: literals as-is, pseudo parameters as `<AWS::X>`, attributes as `getatt:Id.Attr@stack`. */
  public resolve(stackName: string, value: Json): string {
    if (typeof value === 'string') return value;
    const v = value as Record<string, Json>;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, Json[]];
      return parts.map((p) => this.resolve(stackName, p)).join(sep);
    }
    if ('Ref' in v) {
      const ref = v.Ref as string;
      return ref.startsWith('AWS::') ? `<${ref}>` : `ref:${ref}@${stackName}`;
    }
    if ('Fn::GetAtt' in v) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      return `getatt:${id}.${attr}@${stackName}`;
    }
    if ('Fn::GetStackOutput' in v) {
      const { StackName, OutputName } = v['Fn::GetStackOutput'] as { StackName: string; OutputName: string };
      const output = this.templates[StackName]?.Outputs?.[OutputName];
      if (!output) throw new Error(`Fn::GetStackOutput of ${StackName}.${OutputName}: no such output`);
      return this.resolve(StackName, output.Value);
    }
    if ('Fn::ImportValue' in v) {
      const name = this.resolve(stackName, v['Fn::ImportValue']);
      for (const [producer, template] of Object.entries(this.templates)) {
        for (const output of Object.values(template.Outputs ?? {})) {
          if (output.Export && this.resolve(producer, output.Export.Name) === name) return this.resolve(producer, output.Value);
        }
      }
      throw new Error(`Fn::ImportValue ${name}: no stack exports it`);
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }

  private tableByName(name: string): string {
    for (const template of Object.values(this.templates)) {
      for (const [id, r] of Object.entries(template.Resources)) {
        if (r.Type === 'AWS::DynamoDB::Table' && r.Properties?.TableName === name) return id;
      }
    }
    throw new Error(`no table named ${name} in the templates`);
  }
}
