/** The DynamoDB document client, built once per cold start and injectable for tests. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordAwsCalls } from '../aws/call-log.ts';
import type { AwsCredentialIdentityProvider } from '../aws/tenant-credentials.ts';
import type { SharedConnections } from '../aws/shared-connections.ts';

export interface DynamoOptions {
  readonly region: string;
  /** Endpoint override (DynamoDB Local); uses static dummy credentials unless given others, as DynamoDB Local checks none. */
  readonly endpoint?: string | undefined;
  /** Credentials other than the function's own (an account's tenant role). */
  readonly credentials?: AwsCredentialIdentityProvider | undefined;
  /** Connections kept open and shared with the function's other clients (see `aws/shared-connections.ts`). */
  readonly connections?: SharedConnections | undefined;
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
