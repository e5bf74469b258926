/**
 * The AWS clients a function uses, by whose data they touch. With a tenant role
 * (`PARLEY_TENANT_ROLE_ARN`, set by the stack on every function that reads
 * tenant data) each account gets its own DynamoDB, S3 and KMS clients on that
 * role's credentials, tagged with the account; the function's own role keeps
 * only what belongs to no account. Without one (the local platform, the
 * sweeper) the same code runs on one set of clients, and the partition-key
 * check in `dynamo/tables.ts` still holds every request to its account.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { createDocumentClient } from '../dynamo/client.ts';
import { createTables, type Tables } from '../dynamo/tables.ts';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Options } from '../s3/client.ts';
import { recordAwsCalls } from './call-log.ts';
import { perAccount } from './per-account.ts';
import { createTenantCredentials, type AwsCredentialIdentityProvider } from './tenant-credentials.ts';

export interface AwsClientConfig {
  readonly region: string;
  readonly dynamodbEndpoint?: string | undefined;
  readonly s3Endpoint?: string | undefined;
  readonly tenantRoleArn?: string | undefined;
  /** STS endpoint override (a VPC endpoint; the fake STS in tests). */
  readonly stsEndpoint?: string | undefined;
}

export interface AwsClients {
  readonly tables: Tables;
  /** An account's S3 client; the S3 SDK is loaded by the first call (a cold start does not load it). */
  readonly s3For: (tenant: { readonly accountId: string }) => Promise<S3Client>;
  /** An account's credentials for KMS; absent without a tenant role. */
  readonly kmsCredentialsFor?: (accountId: string) => AwsCredentialIdentityProvider;
}

/** Makes an S3 client, loading `s3/client.ts` (and with it the S3 SDK) on first use. */
const makeS3Client = async (opts: S3Options): Promise<S3Client> => (await import('../s3/client.ts')).createS3Client(opts);

export const createAwsClients = (config: AwsClientConfig): AwsClients => {
  const base = createDocumentClient({ region: config.region, endpoint: config.dynamodbEndpoint });
  // One pool of kept-alive connections for every client: each account's DynamoDB and S3 clients
  // sign with its own credentials, but a request is signed on its own (SigV4), not by the
  // connection it travels on. Were each client to keep its own pool, a warm function's first
  // request for an account it has not served would open new connections (TCP and TLS), up to 16
  // to S3 for a cold index read. The handler is the platform client's; nothing destroys these clients.
  const connections = base.config.requestHandler;
  if (!config.tenantRoleArn) {
    let baseS3: Promise<S3Client> | undefined;
    return { tables: createTables({ base }), s3For: () => (baseS3 ??= makeS3Client({ region: config.region, endpoint: config.s3Endpoint, connections })) };
  }

  // With an endpoint override (the fake STS in tests) the function's own credentials are static dummies, as for DynamoDB Local.
  const sts = recordAwsCalls(new STSClient({
    region: config.region,
    ...(config.stsEndpoint ? { endpoint: config.stsEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  }));
  const credentials = createTenantCredentials({ sts, roleArn: config.tenantRoleArn });
  const s3Of = perAccount((accountId) => makeS3Client({ region: config.region, endpoint: config.s3Endpoint, credentials: credentials.forAccount(accountId), connections }));
  return {
    tables: createTables({
      base,
      scopedFor: (accountId) => createDocumentClient({ region: config.region, endpoint: config.dynamodbEndpoint, credentials: credentials.forAccount(accountId), connections }),
    }),
    s3For: ({ accountId }) => s3Of(accountId),
    kmsCredentialsFor: (accountId) => credentials.forAccount(accountId),
  };
};
