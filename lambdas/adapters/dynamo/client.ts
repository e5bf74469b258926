/** The DynamoDB document client, built once per cold start and injectable for tests. */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordAwsCalls } from '../aws/call-log.ts';
import type { AwsCredentialIdentityProvider } from '../aws/tenant-credentials.ts';

export interface DynamoOptions {
  readonly region: string;
  /** Endpoint override (DynamoDB Local); uses static dummy credentials unless given others, as DynamoDB Local checks none. */
  readonly endpoint?: string | undefined;
  /** Credentials other than the function's own (an account's tenant role). */
  readonly credentials?: AwsCredentialIdentityProvider | undefined;
  /** Another client's request handler, to share its pool of kept-alive connections (see `aws/tenant-clients.ts`). */
  readonly connections?: DynamoDBClientConfig['requestHandler'] | undefined;
}

export const createDocumentClient = (opts: DynamoOptions): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    recordAwsCalls(new DynamoDBClient({
      region: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      ...(opts.connections ? { requestHandler: opts.connections } : {}),
    })),
    { marshallOptions: { removeUndefinedValues: true } },
  );
