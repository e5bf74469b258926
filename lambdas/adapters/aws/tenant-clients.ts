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
import { createS3Client, type S3ClientFor } from '../s3/object-store.ts';
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
  readonly s3For: S3ClientFor;
  /** An account's credentials for KMS; absent without a tenant role. */
  readonly kmsCredentialsFor?: (accountId: string) => AwsCredentialIdentityProvider;
}

export const createAwsClients = (config: AwsClientConfig): AwsClients => {
  const base = createDocumentClient({ region: config.region, endpoint: config.dynamodbEndpoint });
  const baseS3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
  if (!config.tenantRoleArn) return { tables: createTables({ base }), s3For: () => baseS3 };

  // With an endpoint override (the fake STS in tests) the function's own credentials are static dummies, as for DynamoDB Local.
  const sts = recordAwsCalls(new STSClient({
    region: config.region,
    ...(config.stsEndpoint ? { endpoint: config.stsEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  }));
  const credentials = createTenantCredentials({ sts, roleArn: config.tenantRoleArn });
  const s3Of = perAccount((accountId) => createS3Client({ region: config.region, endpoint: config.s3Endpoint, credentials: credentials.forAccount(accountId) }));
  return {
    tables: createTables({
      base,
      scopedFor: (accountId) => createDocumentClient({ region: config.region, endpoint: config.dynamodbEndpoint, credentials: credentials.forAccount(accountId) }),
    }),
    s3For: ({ accountId }) => s3Of(accountId),
    kmsCredentialsFor: (accountId) => credentials.forAccount(accountId),
  };
};
