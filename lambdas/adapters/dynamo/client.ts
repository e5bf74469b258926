/** The DynamoDB document client, built once per cold start and injectable for tests. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoOptions {
  readonly region: string;
  /** Endpoint override (DynamoDB Local); uses static dummy credentials, as DynamoDB Local checks none. */
  readonly endpoint?: string | undefined;
}

export const createDocumentClient = (opts: DynamoOptions): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
