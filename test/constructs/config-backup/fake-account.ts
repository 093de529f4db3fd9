/**
 * One fake AWS account for the backup tests, behind aws-sdk-client-mock: IAM roles and managed
 * policies (URL-encoded documents, pagination, the five-version limit), KMS keys (with the fake
 * KMS that really encrypts), CloudWatch alarms, a versioned S3 bucket that requires a checksum on
 * put (as Object Lock buckets do) and a REST API list. The kill-switch table is real DynamoDB
 * (dynalite). Writes are recorded, so a test can prove the backup function made none.
 */
import type { AddressInfo } from 'node:net';
import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as iamApi from '@aws-sdk/client-iam';
import * as kmsApi from '@aws-sdk/client-kms';
import { GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { LiveClients, RestApiSummary } from '../../../constructs/config-backup/runtime/live-scope';
import { fakeKms, type FakeKms } from './fake-kms';

// dynalite ships no types; the two calls used here
type DynaliteServer = { listen(port: number, host: string, cb: () => void): void; close(cb: () => void): void; address(): AddressInfo | string | null };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, number>) => DynaliteServer;

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

export interface FakeRole {
  path: string;
  trust: unknown;
  boundary?: string;
  maxSessionDuration: number;
  tags: Record<string, string>;
  inline: Record<string, unknown>;
  attached: string[];
}

interface FakePolicyVersion {
  id: string;
  document: unknown;
  isDefault: boolean;
  created: Date;
}

export interface FakeKeyMeta {
  policy: unknown;
  rotation: boolean;
  tags: Record<string, string>;
  aliases: string[];
  description: string;
  state: string;
}

const iamFault = (name: string, message: string) => new iamApi.IAMServiceException({ name, $fault: 'client', message, $metadata: {} });

export class FakeAccount {
  public readonly roles = new Map<string, FakeRole>();
  public readonly policies = new Map<string, FakePolicyVersion[]>();
  public readonly keys = new Map<string, FakeKeyMeta>();
  public readonly alarms: MetricAlarm[] = [];
  public readonly apis: RestApiSummary[] = [];
  /** Bucket key → versions, oldest first. */
  public readonly objects = new Map<string, { body: Uint8Array; checksum?: string }[]>();
  public readonly writes: string[] = [];
  /** IAM operations refused with AccessDenied (a policy that lost a permission). */
  public readonly refused = new Set<string>();
  public readonly kms: FakeKms;
  /** Items per page of every paginated list (small, so tests cross page boundaries). */
  public pageSize = 2;
  public dynamodb!: DynamoDBClient;
  private server?: DynaliteServer;
  private readonly mocks: { restore(): void }[] = [];

  constructor() {
    this.kms = fakeKms(ACCOUNT, REGION);
    this.mocks.push(this.kms.mock);
    this.mockIam();
    this.mockKms();
    this.mockCloudWatch();
    this.mockS3();
  }

  /** Starts dynalite and creates the kill-switch table. */
  public async start(statusTable: string, rows: Record<string, string> = {}): Promise<void> {
    this.server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const { port } = this.server.address() as AddressInfo;
    this.dynamodb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await this.dynamodb.send(
      new CreateTableCommand({ TableName: statusTable, KeySchema: [{ AttributeName: 'agent', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'agent', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    for (const [agent, status] of Object.entries(rows)) await this.dynamodb.send(new PutItemCommand({ TableName: statusTable, Item: { agent: { S: agent }, status: { S: status } } }));
  }

  public async stop(): Promise<void> {
    for (const m of this.mocks) m.restore();
    this.dynamodb?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  public clients(): LiveClients {
    return {
      iam: new iamApi.IAMClient({ region: REGION }),
      kms: new kmsApi.KMSClient({ region: REGION }),
      cloudwatch: new CloudWatchClient({ region: REGION }),
      dynamodb: this.dynamodb,
      apis: { restApis: async () => structuredClone(this.apis) },
    };
  }

  public roleArn(name: string): string {
    return `arn:aws:iam::${ACCOUNT}:role${this.roles.get(name)?.path ?? '/'}${name}`;
  }

  public addRole(name: string, role: Partial<FakeRole> & Pick<FakeRole, 'trust'>): void {
    this.roles.set(name, { path: '/', maxSessionDuration: 3600, tags: {}, inline: {}, attached: [], ...role });
  }

  public addPolicy(name: string, document: unknown): string {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/${name}`;
    this.policies.set(arn, [{ id: 'v1', document, isDefault: true, created: new Date(0) }]);
    return arn;
  }

  public defaultDocument(arn: string): unknown {
    return this.policies.get(arn)!.find((v) => v.isDefault)!.document;
  }

  public addKey(meta: Partial<FakeKeyMeta> & Pick<FakeKeyMeta, 'policy'>): string {
    const arn = this.kms.createKey();
    this.keys.set(arn.slice(arn.lastIndexOf('/') + 1), { rotation: true, tags: {}, aliases: [], description: '', state: 'Enabled', ...meta });
    return arn;
  }

  private page<T>(items: readonly T[], marker: string | undefined): { page: T[]; next?: string } {
    const start = marker ? Number(marker) : 0;
    const page = items.slice(start, start + this.pageSize);
    return start + this.pageSize < items.length ? { page, next: String(start + this.pageSize) } : { page };
  }

  private role(name: string): FakeRole {
    const role = this.roles.get(name);
    if (!role) throw iamFault('NoSuchEntityException', `The role with name ${name} cannot be found.`);
    return role;
  }

  private mockIam(): void {
    const m = mockClient(iamApi.IAMClient);
    this.mocks.push(m);
    const enc = (d: unknown) => encodeURIComponent(JSON.stringify(d));
    const write = (what: string) => this.writes.push(`iam:${what}`);
    m.on(iamApi.ListRolesCommand).callsFake((i: iamApi.ListRolesCommandInput) => {
      const { page, next } = this.page([...this.roles.keys()].sort(), i.Marker);
      return { Roles: page.map((RoleName) => ({ RoleName, Arn: this.roleArn(RoleName) })), IsTruncated: next !== undefined, Marker: next };
    });
    m.on(iamApi.GetRoleCommand).callsFake((i: iamApi.GetRoleCommandInput) => {
      if (this.refused.has('GetRole')) throw iamFault('AccessDenied', `User is not authorized to perform: iam:GetRole on resource: role ${i.RoleName}`);
      const r = this.role(i.RoleName!);
      return {
        Role: {
          RoleName: i.RoleName,
          Arn: this.roleArn(i.RoleName!),
          Path: r.path,
          AssumeRolePolicyDocument: enc(r.trust),
          MaxSessionDuration: r.maxSessionDuration,
          PermissionsBoundary: r.boundary ? { PermissionsBoundaryArn: r.boundary, PermissionsBoundaryType: 'Policy' } : undefined,
          Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
        },
      };
    });
    m.on(iamApi.ListRolePoliciesCommand).callsFake((i: iamApi.ListRolePoliciesCommandInput) => {
      const { page, next } = this.page(Object.keys(this.role(i.RoleName!).inline).sort(), i.Marker);
      return { PolicyNames: page, IsTruncated: next !== undefined, Marker: next };
    });
    m.on(iamApi.GetRolePolicyCommand).callsFake((i: iamApi.GetRolePolicyCommandInput) => ({ PolicyDocument: enc(this.role(i.RoleName!).inline[i.PolicyName!]) }));
    m.on(iamApi.ListAttachedRolePoliciesCommand).callsFake((i: iamApi.ListAttachedRolePoliciesCommandInput) => {
      const { page, next } = this.page(this.role(i.RoleName!).attached, i.Marker);
      return { AttachedPolicies: page.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.slice(PolicyArn.lastIndexOf('/') + 1) })), IsTruncated: next !== undefined, Marker: next };
    });
    const versions = (arn: string) => {
      const v = this.policies.get(arn);
      if (!v) throw iamFault('NoSuchEntityException', `Policy ${arn} does not exist`);
      return v;
    };
    m.on(iamApi.GetPolicyCommand).callsFake((i: iamApi.GetPolicyCommandInput) => ({ Policy: { Arn: i.PolicyArn, DefaultVersionId: versions(i.PolicyArn!).find((v) => v.isDefault)!.id } }));
    m.on(iamApi.GetPolicyVersionCommand).callsFake((i: iamApi.GetPolicyVersionCommandInput) => {
      const v = versions(i.PolicyArn!).find((x) => x.id === i.VersionId);
      if (!v) throw iamFault('NoSuchEntityException', `no version ${i.VersionId}`);
      return { PolicyVersion: { VersionId: v.id, IsDefaultVersion: v.isDefault, Document: enc(v.document) } };
    });
    m.on(iamApi.ListPolicyVersionsCommand).callsFake((i: iamApi.ListPolicyVersionsCommandInput) => ({
      Versions: versions(i.PolicyArn!).map((v) => ({ VersionId: v.id, IsDefaultVersion: v.isDefault, CreateDate: v.created })),
    }));
    m.on(iamApi.CreatePolicyVersionCommand).callsFake((i: iamApi.CreatePolicyVersionCommandInput) => {
      write(`CreatePolicyVersion ${i.PolicyArn}`);
      const list = versions(i.PolicyArn!);
      if (list.length >= 5) throw iamFault('LimitExceededException', 'A managed policy can have up to 5 versions.');
      const id = `v${Math.max(...list.map((v) => Number(v.id.slice(1)))) + 1}`;
      if (i.SetAsDefault) for (const v of list) v.isDefault = false;
      list.push({ id, document: JSON.parse(i.PolicyDocument!), isDefault: i.SetAsDefault === true, created: new Date(list.length * 1000) });
      return { PolicyVersion: { VersionId: id } };
    });
    m.on(iamApi.DeletePolicyVersionCommand).callsFake((i: iamApi.DeletePolicyVersionCommandInput) => {
      write(`DeletePolicyVersion ${i.PolicyArn} ${i.VersionId}`);
      const list = versions(i.PolicyArn!);
      const at = list.findIndex((v) => v.id === i.VersionId && !v.isDefault);
      if (at < 0) throw iamFault('DeleteConflictException', 'Cannot delete the default version');
      list.splice(at, 1);
      return {};
    });
    m.on(iamApi.UpdateAssumeRolePolicyCommand).callsFake((i: iamApi.UpdateAssumeRolePolicyCommandInput) => {
      write(`UpdateAssumeRolePolicy ${i.RoleName}`);
      this.role(i.RoleName!).trust = JSON.parse(i.PolicyDocument!);
      return {};
    });
    m.on(iamApi.PutRolePermissionsBoundaryCommand).callsFake((i: iamApi.PutRolePermissionsBoundaryCommandInput) => {
      write(`PutRolePermissionsBoundary ${i.RoleName}`);
      this.role(i.RoleName!).boundary = i.PermissionsBoundary;
      return {};
    });
    m.on(iamApi.DeleteRolePermissionsBoundaryCommand).callsFake((i: iamApi.DeleteRolePermissionsBoundaryCommandInput) => {
      write(`DeleteRolePermissionsBoundary ${i.RoleName}`);
      delete this.role(i.RoleName!).boundary;
      return {};
    });
    m.on(iamApi.UpdateRoleCommand).callsFake((i: iamApi.UpdateRoleCommandInput) => {
      write(`UpdateRole ${i.RoleName}`);
      if (i.MaxSessionDuration !== undefined) this.role(i.RoleName!).maxSessionDuration = i.MaxSessionDuration;
      return {};
    });
    m.on(iamApi.PutRolePolicyCommand).callsFake((i: iamApi.PutRolePolicyCommandInput) => {
      write(`PutRolePolicy ${i.RoleName} ${i.PolicyName}`);
      this.role(i.RoleName!).inline[i.PolicyName!] = JSON.parse(i.PolicyDocument!);
      return {};
    });
    m.on(iamApi.DeleteRolePolicyCommand).callsFake((i: iamApi.DeleteRolePolicyCommandInput) => {
      write(`DeleteRolePolicy ${i.RoleName} ${i.PolicyName}`);
      delete this.role(i.RoleName!).inline[i.PolicyName!];
      return {};
    });
    m.on(iamApi.AttachRolePolicyCommand).callsFake((i: iamApi.AttachRolePolicyCommandInput) => {
      write(`AttachRolePolicy ${i.RoleName} ${i.PolicyArn}`);
      const r = this.role(i.RoleName!);
      if (!r.attached.includes(i.PolicyArn!)) r.attached.push(i.PolicyArn!);
      return {};
    });
    m.on(iamApi.DetachRolePolicyCommand).callsFake((i: iamApi.DetachRolePolicyCommandInput) => {
      write(`DetachRolePolicy ${i.RoleName} ${i.PolicyArn}`);
      const r = this.role(i.RoleName!);
      r.attached = r.attached.filter((a) => a !== i.PolicyArn);
      return {};
    });
    m.on(iamApi.TagRoleCommand).callsFake((i: iamApi.TagRoleCommandInput) => {
      write(`TagRole ${i.RoleName}`);
      for (const t of i.Tags ?? []) this.role(i.RoleName!).tags[t.Key!] = t.Value!;
      return {};
    });
    m.on(iamApi.UntagRoleCommand).callsFake((i: iamApi.UntagRoleCommandInput) => {
      write(`UntagRole ${i.RoleName}`);
      for (const k of i.TagKeys ?? []) delete this.role(i.RoleName!).tags[k];
      return {};
    });
  }

  private meta(keyId: string): FakeKeyMeta {
    const id = keyId.slice(keyId.lastIndexOf('/') + 1);
    const meta = this.keys.get(id);
    if (!meta) throw new kmsApi.NotFoundException({ message: `Key ${keyId} does not exist`, $metadata: {} });
    return meta;
  }

  private mockKms(): void {
    const m = this.kms.mock;
    const write = (what: string) => this.writes.push(`kms:${what}`);
    const arnOf = (id: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
    // an AWS-managed key whose tags may not be read
    const managed = 'aws-managed-0000';
    m.on(kmsApi.ListKeysCommand).callsFake((i: kmsApi.ListKeysCommandInput) => {
      const { page, next } = this.page([...this.keys.keys(), managed].sort(), i.Marker);
      return { Keys: page.map((KeyId) => ({ KeyId, KeyArn: arnOf(KeyId) })), Truncated: next !== undefined, NextMarker: next };
    });
    m.on(kmsApi.ListResourceTagsCommand).callsFake((i: kmsApi.ListResourceTagsCommandInput) => {
      if (i.KeyId === managed) throw new kmsApi.KMSServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized', $metadata: {} });
      return { Tags: Object.entries(this.meta(i.KeyId!).tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })), Truncated: false };
    });
    m.on(kmsApi.DescribeKeyCommand).callsFake((i: kmsApi.DescribeKeyCommandInput) => {
      const alias = [...this.keys.entries()].find(([, k]) => k.aliases.includes(i.KeyId!));
      const id = alias ? alias[0] : i.KeyId!.slice(i.KeyId!.lastIndexOf('/') + 1);
      const meta = this.meta(id);
      return { KeyMetadata: { KeyId: id, Arn: arnOf(id), Description: meta.description, KeyState: meta.state as kmsApi.KeyState, KeyManager: 'CUSTOMER' } };
    });
    m.on(kmsApi.GetKeyPolicyCommand).callsFake((i: kmsApi.GetKeyPolicyCommandInput) => ({ Policy: JSON.stringify(this.meta(i.KeyId!).policy), PolicyName: 'default' }));
    m.on(kmsApi.GetKeyRotationStatusCommand).callsFake((i: kmsApi.GetKeyRotationStatusCommandInput) => ({ KeyRotationEnabled: this.meta(i.KeyId!).rotation }));
    m.on(kmsApi.ListAliasesCommand).callsFake((i: kmsApi.ListAliasesCommandInput) => ({ Aliases: this.meta(i.KeyId!).aliases.map((AliasName) => ({ AliasName })) }));
    m.on(kmsApi.PutKeyPolicyCommand).callsFake((i: kmsApi.PutKeyPolicyCommandInput) => {
      write(`PutKeyPolicy ${i.KeyId}`);
      this.meta(i.KeyId!).policy = JSON.parse(i.Policy!);
      return {};
    });
    m.on(kmsApi.EnableKeyRotationCommand).callsFake((i: kmsApi.EnableKeyRotationCommandInput) => {
      write(`EnableKeyRotation ${i.KeyId}`);
      this.meta(i.KeyId!).rotation = true;
      return {};
    });
    m.on(kmsApi.DisableKeyRotationCommand).callsFake((i: kmsApi.DisableKeyRotationCommandInput) => {
      write(`DisableKeyRotation ${i.KeyId}`);
      this.meta(i.KeyId!).rotation = false;
      return {};
    });
  }

  private mockCloudWatch(): void {
    const m = mockClient(CloudWatchClient);
    this.mocks.push(m);
    m.on(DescribeAlarmsCommand).callsFake((i: { AlarmNamePrefix?: string; NextToken?: string }) => {
      const matching = this.alarms.filter((a) => a.AlarmName!.startsWith(i.AlarmNamePrefix ?? ''));
      const { page, next } = this.page(matching, i.NextToken);
      return { MetricAlarms: structuredClone(page), CompositeAlarms: [], NextToken: next };
    });
  }

  private mockS3(): void {
    const m = mockClient(S3Client);
    this.mocks.push(m);
    const body = (bytes: Uint8Array) => ({ transformToByteArray: async () => new Uint8Array(bytes), transformToString: async () => Buffer.from(bytes).toString('utf8') });
    m.on(PutObjectCommand).callsFake((i: { Key: string; Body: Uint8Array | string; ChecksumAlgorithm?: string; ContentMD5?: string }) => {
      if (!i.ChecksumAlgorithm && !i.ContentMD5) throw new S3ServiceException({ name: 'InvalidRequest', $fault: 'client', message: 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters', $metadata: {} });
      const bytes = typeof i.Body === 'string' ? new Uint8Array(Buffer.from(i.Body)) : new Uint8Array(i.Body);
      this.objects.set(i.Key, [...(this.objects.get(i.Key) ?? []), { body: bytes, ...(i.ChecksumAlgorithm ? { checksum: i.ChecksumAlgorithm } : {}) }]);
      return { VersionId: String(this.objects.get(i.Key)!.length) };
    });
    m.on(GetObjectCommand).callsFake((i: { Key: string }) => {
      const versions = this.objects.get(i.Key);
      if (!versions) throw new S3ServiceException({ name: 'NoSuchKey', $fault: 'client', message: 'The specified key does not exist.', $metadata: {} });
      return { Body: body(versions[versions.length - 1]!.body) };
    });
    m.on(ListObjectsV2Command).callsFake((i: { Prefix?: string; ContinuationToken?: string }) => {
      const keys = [...this.objects.keys()].filter((k) => k.startsWith(i.Prefix ?? '')).sort();
      const { page, next } = this.page(keys, i.ContinuationToken);
      return { Contents: page.map((Key) => ({ Key, Size: this.objects.get(Key)!.at(-1)!.body.byteLength })), IsTruncated: next !== undefined, NextContinuationToken: next };
    });
    m.on(ListObjectVersionsCommand).callsFake((i: { Prefix?: string }) => ({
      Versions: [...this.objects.entries()].filter(([k]) => k.startsWith(i.Prefix ?? '')).flatMap(([Key, vs]) => vs.map((_, n) => ({ Key, VersionId: String(n + 1), IsLatest: n === vs.length - 1 }))),
    }));
  }

  /** Writes a new version over a stored object (what an attacker with s3:PutObject can do under Object Lock). */
  public overwrite(key: string, mutate: (bytes: Buffer) => Uint8Array): void {
    const versions = this.objects.get(key)!;
    versions.push({ body: mutate(Buffer.from(versions.at(-1)!.body)) });
  }
}
