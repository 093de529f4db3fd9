/**
 * One AWS account holding every resource of a set of synthesized templates, resolved: its roles
 * with their trust policies, identity policies (inline, attached managed policies wherever they
 * are declared) and permissions boundaries; its tables, keys, roles and APIs with their resource
 * policies and tags. `simulate()` answers "may this role do this action on this ARN?" with the
 * evaluation logic of ./evaluate.
 */
import { type Evaluation, evaluate, type SimPrincipal } from './evaluate';
import { list, type NamedPolicy, type PolicyDocument, type Statement, statementsOf } from './policy-document';
import { type ContextValue, RequestContext } from './request-context';
import { type AccountEnvironment, type CfnTemplate, SIMULATED_ENVIRONMENT, TemplateResolver } from './template-resolver';

export interface SimRole {
  readonly name: string;
  readonly arn: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly trust: NamedPolicy;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
  /** Attached managed policies not defined in the templates (AWS managed): their content is unknown here. */
  readonly unknownManagedPolicies: readonly string[];
}

export interface SimResource {
  readonly type: string;
  readonly arn: string;
  /** Physical name or id (table name, key id, API id...). */
  readonly name: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly policy?: NamedPolicy;
  /** KMS keys and roles: their own policy must allow. */
  readonly policyRequired: boolean;
}

export interface SimRequest {
  /** The calling role's name (its session makes the call), or an AWS service principal. */
  readonly principal: string | { readonly service: string };
  readonly action: string;
  readonly resource: string;
  /** Request condition keys; the principal's and resource's keys are added unless given here. */
  readonly context?: Readonly<Record<string, ContextValue | undefined>>;
  /**
   * Tags of the session making the call (sent with sts:AssumeRole): they become
   * `aws:PrincipalTag/*` and override the role's own tags of the same key, as in IAM.
   */
  readonly sessionTags?: Readonly<Record<string, string>>;
  /** Tags the request sends (sts:AssumeRole's session tags): `aws:RequestTag/*` and `aws:TagKeys`. */
  readonly requestTags?: Readonly<Record<string, string>>;
  /** Policies attached to the role after deployment (e.g. AdministratorAccess). */
  readonly extraIdentityPolicies?: readonly NamedPolicy[];
  /**
   * Evaluate one layer alone, to show each would hold by itself: 'identity' ignores the resource
   * policy, 'resource' ignores the role's identity policies. @default both
   */
  readonly only?: 'identity' | 'resource';
}

/** AWS's AdministratorAccess managed policy, to simulate "an admin attached it later". */
export const ADMINISTRATOR_ACCESS: NamedPolicy = {
  name: 'arn:aws:iam::aws:policy/AdministratorAccess',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

export class SimulatedAccount {
  public readonly roles = new Map<string, SimRole>();
  public readonly resources: SimResource[] = [];
  public readonly resolver: TemplateResolver;

  constructor(templates: Readonly<Record<string, CfnTemplate>>, public readonly env: AccountEnvironment = SIMULATED_ENVIRONMENT) {
    this.resolver = new TemplateResolver(templates, env);
    const r = this.resolver;
    const managed = new Map<string, NamedPolicy>();
    const attachedByRoleName = new Map<string, NamedPolicy[]>();
    const attach = (roleName: string, policy: NamedPolicy): void => {
      attachedByRoleName.set(roleName, [...(attachedByRoleName.get(roleName) ?? []), policy]);
    };

    for (const [stack, template] of Object.entries(templates)) {
      for (const [id, resource] of Object.entries(template.Resources)) {
        if (resource.Type !== 'AWS::IAM::ManagedPolicy' && resource.Type !== 'AWS::IAM::Policy') continue;
        const props = r.properties(stack, id);
        const policy: NamedPolicy = { name: `${stack}/${id}`, document: props.PolicyDocument as PolicyDocument };
        if (resource.Type === 'AWS::IAM::ManagedPolicy') managed.set(r.ref(stack, id), policy);
        for (const roleName of list(props.Roles as string[] | undefined)) attach(roleName, policy);
      }
    }

    for (const [stack, template] of Object.entries(templates)) {
      for (const [id, resource] of Object.entries(template.Resources)) {
        if (resource.Type === 'AWS::IAM::Role') this.addTemplateRole(stack, id, managed, attachedByRoleName);
        else this.addResource(stack, id, resource.Type);
      }
    }
  }

  /**
   * Adds a role the templates do not hold (e.g. an account's own admin or CI role), so requests
   * can be simulated for it against the warden resources. Its ARN is this account's `role/NAME`.
   */
  public addRole(role: { readonly name: string; readonly identityPolicies: readonly NamedPolicy[]; readonly tags?: Readonly<Record<string, string>>; readonly permissionsBoundary?: NamedPolicy }): SimRole {
    if (this.roles.has(role.name)) throw new Error(`role "${role.name}" is already in the account`);
    const arn = `arn:${this.env.partition}:iam::${this.env.account}:role/${role.name}`;
    const trust: NamedPolicy = { name: `${role.name}/trust`, document: { Version: '2012-10-17', Statement: [] } };
    const added: SimRole = {
      name: role.name,
      arn,
      stack: '(outside the templates)',
      logicalId: role.name,
      tags: role.tags ?? {},
      trust,
      identityPolicies: role.identityPolicies,
      permissionsBoundary: role.permissionsBoundary,
      unknownManagedPolicies: [],
    };
    this.roles.set(role.name, added);
    return added;
  }

  public role(name: string): SimRole {
    const role = this.roles.get(name);
    if (!role) throw new Error(`no role "${name}" in the templates; roles are ${[...this.roles.keys()].join(', ')}`);
    return role;
  }

  /** The resource an ARN names (a table's index or stream names the table). */
  public resourceAt(arn: string): SimResource | undefined {
    const base = arn.replace(/^(arn:[^:]+:dynamodb:[^:]+:[^:]+:table\/[^/]+)\/.*$/, '$1');
    const api = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+)\//.exec(arn)?.[1];
    return this.resources.find((res) => res.arn === base || res.arn === api);
  }

  public resourcesOfType(type: string): SimResource[] {
    return this.resources.filter((res) => res.type === type);
  }

  public simulate(request: SimRequest): Evaluation {
    const { account, region } = this.env;
    const target = this.resourceAt(request.resource);
    const base: Record<string, ContextValue> = { 'aws:ResourceAccount': account, 'aws:RequestedRegion': region };
    for (const [k, v] of Object.entries(target?.tags ?? {})) base[`aws:ResourceTag/${k}`] = v;
    if (request.action.toLowerCase().startsWith('kms:')) base['kms:CallerAccount'] = account;

    let principal: SimPrincipal;
    let identityPolicies: readonly NamedPolicy[] = [];
    let permissionsBoundary: NamedPolicy | undefined;
    if (typeof request.principal === 'string') {
      const role = this.role(request.principal);
      if (role.unknownManagedPolicies.length > 0) {
        throw new Error(`role ${role.name} has managed policies the templates do not define (${role.unknownManagedPolicies.join(', ')}); the simulation cannot judge it`);
      }
      principal = { arn: role.arn, sessionArn: `arn:${this.env.partition}:sts::${account}:assumed-role/${role.name}/simulation`, account };
      identityPolicies = [...role.identityPolicies, ...(request.extraIdentityPolicies ?? [])];
      permissionsBoundary = role.permissionsBoundary;
      Object.assign(base, { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': account, 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalIsAWSService': false, 'aws:userid': `AROA:simulation` });
      for (const [k, v] of Object.entries({ ...role.tags, ...request.sessionTags })) base[`aws:PrincipalTag/${k}`] = v;
    } else {
      principal = { arn: request.principal.service, account: 'service', service: request.principal.service };
      base['aws:PrincipalServiceName'] = request.principal.service;
      base['aws:PrincipalIsAWSService'] = true;
    }
    if (request.requestTags) {
      for (const [k, v] of Object.entries(request.requestTags)) base[`aws:RequestTag/${k}`] = v;
      base['aws:TagKeys'] = Object.keys(request.requestTags);
    }
    const context = new RequestContext(base).with(request.context ?? {});
    return evaluate({
      principal,
      action: request.action,
      resource: request.resource,
      context,
      identityPolicies: request.only === 'resource' ? [] : identityPolicies,
      permissionsBoundary,
      resourcePolicy: request.only === 'identity' ? undefined : target?.policy,
      resourceAccount: account,
      resourcePolicyRequired: target?.policyRequired ?? false,
    });
  }

  /** Shorthand: true when the simulation allows the request. */
  public allows(request: SimRequest): boolean {
    return this.simulate(request).decision === 'allow';
  }

  private addTemplateRole(stack: string, id: string, managed: ReadonlyMap<string, NamedPolicy>, attached: ReadonlyMap<string, NamedPolicy[]>): void {
    const r = this.resolver;
    const props = r.properties(stack, id);
    const name = r.physicalName(stack, id);
    const arn = r.getAtt(stack, id, 'Arn');
    const inline = list(props.Policies as { PolicyName: string; PolicyDocument: PolicyDocument }[] | undefined).map((p) => ({ name: `${stack}/${id}/${p.PolicyName}`, document: p.PolicyDocument }));
    const byArn = list(props.ManagedPolicyArns as string[] | undefined);
    const unknown = byArn.filter((a) => !managed.has(a));
    const boundaryArn = props.PermissionsBoundary as string | undefined;
    const boundary = boundaryArn === undefined ? undefined : managed.get(boundaryArn);
    if (boundaryArn !== undefined && !boundary) throw new Error(`${stack}/${id}: permissions boundary ${boundaryArn} is not defined in the templates`);
    const tags = tagsOf(props);
    const trust: NamedPolicy = { name: `${stack}/${id}/trust`, document: props.AssumeRolePolicyDocument as PolicyDocument };
    this.roles.set(name, {
      name,
      arn,
      stack,
      logicalId: id,
      tags,
      trust,
      identityPolicies: [...inline, ...byArn.flatMap((a) => (managed.has(a) ? [managed.get(a)!] : [])), ...(attached.get(name) ?? [])],
      permissionsBoundary: boundary,
      unknownManagedPolicies: unknown,
    });
    this.resources.push({ type: 'AWS::IAM::Role', arn, name, stack, logicalId: id, tags, policy: trust, policyRequired: true });
  }

  private addResource(stack: string, id: string, type: string): void {
    const r = this.resolver;
    const common = { type, stack, logicalId: id };
    switch (type) {
      case 'AWS::DynamoDB::Table': {
        const props = r.properties(stack, id);
        const document = (props.ResourcePolicy as { PolicyDocument?: PolicyDocument } | undefined)?.PolicyDocument;
        this.resources.push({ ...common, arn: r.getAtt(stack, id, 'Arn'), name: r.ref(stack, id), tags: tagsOf(props), policy: document && { name: `${stack}/${id}/resource-policy`, document }, policyRequired: false });
        return;
      }
      case 'AWS::KMS::Key': {
        const props = r.properties(stack, id);
        this.resources.push({ ...common, arn: r.getAtt(stack, id, 'Arn'), name: r.ref(stack, id), tags: tagsOf(props), policy: { name: `${stack}/${id}/key-policy`, document: props.KeyPolicy as PolicyDocument }, policyRequired: true });
        return;
      }
      case 'AWS::ApiGateway::RestApi': {
        const props = r.properties(stack, id);
        const apiId = r.ref(stack, id);
        const arn = `arn:${this.env.partition}:execute-api:${this.env.region}:${this.env.account}:${apiId}`;
        const document = props.Policy as PolicyDocument | undefined;
        this.resources.push({ ...common, arn, name: apiId, tags: tagsOf(props), policy: document && { name: `${stack}/${id}/resource-policy`, document: expandApiResources(document, arn) }, policyRequired: false });
        return;
      }
      default:
    }
  }
}

function tagsOf(props: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(list(props.Tags as { Key: string; Value: string }[] | undefined).map((t) => [t.Key, t.Value]));
}

/**
 * API Gateway stores `execute-api:/stage/METHOD/path` in a resource policy as the API's full ARN
 * (`arn:aws:execute-api:region:account:api-id/stage/METHOD/path`).
 */
function expandApiResources(document: PolicyDocument, apiArn: string): PolicyDocument {
  const expand = (v: string): string => (v.startsWith('execute-api:/') ? `${apiArn}${v.slice('execute-api:'.length)}` : v);
  const statements = statementsOf(document).map((s): Statement => ({
    ...s,
    ...(s.Resource !== undefined ? { Resource: list(s.Resource).map(expand) } : {}),
    ...(s.NotResource !== undefined ? { NotResource: list(s.NotResource).map(expand) } : {}),
  }));
  return { ...document, Statement: statements };
}
