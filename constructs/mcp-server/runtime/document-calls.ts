/**
 * The DynamoDB operations the server Lambda's stores use, in the document client's shapes
 * (plain JS values, `@aws-sdk/lib-dynamodb`'s command inputs and outputs). Two implementations:
 * the small SigV4 JSON client the function uses (dynamodb-json-client.ts: no AWS SDK loaded on a
 * cold start), and an adapter over a `DynamoDBDocumentClient` for callers that already hold one
 * (tests with aws-sdk-client-mock, other tools). Only types are imported from the SDK here.
 */
import type {
  DeleteCommandInput,
  DeleteCommandOutput,
  DynamoDBDocumentClient,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

type Out<T> = Omit<T, '$metadata'>;

export interface DocumentOperations {
  GetItem: [GetCommandInput, Out<GetCommandOutput>];
  PutItem: [PutCommandInput, Out<PutCommandOutput>];
  UpdateItem: [UpdateCommandInput, Out<UpdateCommandOutput>];
  DeleteItem: [DeleteCommandInput, Out<DeleteCommandOutput>];
  Query: [QueryCommandInput, Out<QueryCommandOutput>];
  Scan: [ScanCommandInput, Out<ScanCommandOutput>];
}
export type DocumentOperation = keyof DocumentOperations;

/** One DynamoDB operation with document-client input and output. Errors keep the service's `name` (`ConditionalCheckFailedException`). */
export interface DocumentCalls {
  call<K extends DocumentOperation>(operation: K, input: DocumentOperations[K][0]): Promise<DocumentOperations[K][1]>;
}

/** What the stores accept: the function's own client, or an SDK document client. */
export type DocumentClientLike = DocumentCalls | DynamoDBDocumentClient;

type LibDynamodb = typeof import('@aws-sdk/lib-dynamodb');
const COMMANDS: Record<DocumentOperation, keyof LibDynamodb> = {
  GetItem: 'GetCommand', PutItem: 'PutCommand', UpdateItem: 'UpdateCommand', DeleteItem: 'DeleteCommand', Query: 'QueryCommand', Scan: 'ScanCommand',
};

/** `client` as `DocumentCalls`; an SDK document client sends the matching lib-dynamodb command (loaded then, not before). */
export function documentCalls(client: DocumentClientLike): DocumentCalls {
  if ('call' in client && typeof client.call === 'function') return client as DocumentCalls;
  const sdk = client as DynamoDBDocumentClient;
  return {
    call: async (operation, input) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Command = (require('@aws-sdk/lib-dynamodb') as LibDynamodb)[COMMANDS[operation]] as new (input: unknown) => Parameters<DynamoDBDocumentClient['send']>[0];
      return (await sdk.send(new Command(input))) as never;
    },
  };
}

/** DynamoDB refused a write or update because its condition did not hold (the SDK's exception or the JSON client's error, by name). */
export function isConditionalCheckFailed(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Error).name === 'ConditionalCheckFailedException';
}
