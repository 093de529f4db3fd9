/**
 * Hands each tool call a `DatasetClient` for its own dataset, signed with the calling agent's
 * data-role session (read tools: a read-only session, and a client whose write methods throw).
 * DynamoDB clients are kept per agent and access level; their credentials refresh through
 * `DataRoleCredentials` (asked on every request, cached there).
 */
import type { Manifest, ToolSpec } from '../../../lib/config/schema';
import { readOnlyDataset, type DatasetClient } from '../../../lib/runtime/dataset-client';
import type { DataAccess, DataRoleCredentials, DataRoleSession } from './data-role-credentials';
import type { DocumentClientLike } from './document-calls';
import { DynamoDataset } from './dynamo-dataset';
import { dynamoJsonClient } from './dynamodb-json-client';

export type CredentialsProvider = () => Promise<DataRoleSession>;

export interface DynamoDatasetFactoryOptions {
  readonly manifest: Manifest;
  /** The server whose tools this factory serves. */
  readonly server: string;
  /** Table name of each dataset the server's tools use. */
  readonly tables: Readonly<Record<string, string>>;
  readonly credentials: DataRoleCredentials;
  /** @default - the function's DynamoDB JSON client in the Lambda's region, signing with `credentials` */
  readonly documentClient?: (credentials: CredentialsProvider) => DocumentClientLike;
}

/** A dataset's client: undefined attributes of an item are dropped, not refused (as the SDK document client was configured). */
export function defaultDocumentClient(credentials: CredentialsProvider): DocumentClientLike {
  return dynamoJsonClient({ credentials, marshallOptions: { removeUndefinedValues: true } });
}

export class DynamoDatasetFactory {
  private readonly clients = new Map<string, DocumentClientLike>();
  private readonly makeClient: (credentials: CredentialsProvider) => DocumentClientLike;

  constructor(private readonly options: DynamoDatasetFactoryOptions) {
    this.makeClient = options.documentClient ?? defaultDocumentClient;
    const server = options.manifest.servers.find((s) => s.name === options.server);
    if (!server) throw new Error(`server "${options.server}" is not in the manifest bundled with this function; redeploy the stack`);
    const missing = [...new Set(server.tools.map((t) => t.dataset))].filter((d) => !options.tables[d]);
    if (missing.length > 0) {
      throw new Error(`no table name configured for dataset(s) ${missing.map((d) => `"${d}"`).join(', ')} of server "${options.server}"; redeploy the stack`);
    }
  }

  /** The dataset `tool` declares, as `agent` may use it: read tools can't write. */
  public forTool(agent: string, tool: ToolSpec): DatasetClient {
    const spec = this.options.manifest.datasets.find((d) => d.name === tool.dataset);
    const tableName = this.options.tables[tool.dataset];
    if (!spec || !tableName) throw new Error(`tool "${tool.name}" uses dataset "${tool.dataset}", which this server has no table for`);
    const dataset = new DynamoDataset({
      client: this.client(agent, tool.access),
      tableName,
      name: spec.name,
      partitionKey: spec.partitionKey,
      sortKey: spec.sortKey,
    });
    return tool.access === 'read' ? readOnlyDataset(dataset, tool.name) : dataset;
  }

  /**
   * Drops everything held for `agent`: its DynamoDB clients (an SDK client caches resolved
   * credentials inside it) and its data-role sessions. Called when the agent is found contained.
   */
  public forget(agent: string): void {
    for (const access of ['read', 'write'] as const) this.clients.delete(`${agent}\n${access}`);
    this.options.credentials.clear(agent);
  }

  private client(agent: string, access: DataAccess): DocumentClientLike {
    const key = `${agent}\n${access}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.makeClient(() => this.options.credentials.get(agent, access));
      this.clients.set(key, client);
    }
    return client;
  }
}
