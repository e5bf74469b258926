/**
 * Where tenant data rests: the data table, the documents bucket, the keys
 * table of wrapped per-account content keys, and the KMS keys. Everything is
 * encrypted with keys the operator owns, retained on stack deletion, and
 * recoverable for a bounded time.
 *
 * Crypto-shredding (DESIGN, tenancy invariant 7): tenant content is sealed
 * under its account's content key, which lives wrapped in the keys table, not
 * in the data table. The keys table's point-in-time recovery window is shorter,
 * so once an account's key is deleted, every copy of its content, backups
 * included, is unreadable after that window.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RETENTION_TAG } from '../../lambdas/adapters/s3/object-store.ts';
import { EXPORT_DAYS } from '../../lambdas/core/exports.ts';

/** Prefix of every tenant object key: `accounts/<accountId>/…` (tenancy invariant 3). */
export const tenantObjectPrefix = 'accounts/';

export interface StorageProps {
  /**
   * Days point-in-time recovery of the data table reaches back (1 to 35).
   * @default 35
   */
  readonly recoveryPeriodDays?: number;
  /**
   * Days point-in-time recovery of the keys table reaches back (1 to 35); a
   * destroyed account key is unrecoverable after this many days. Keep it
   * shorter than `recoveryPeriodDays`.
   * @default 7
   */
  readonly keysRecoveryPeriodDays?: number;
  /**
   * Days an overwritten or deleted document version is kept before S3 expires it.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Days S3 server access logs are kept; they name object keys, so they are not kept for long.
   * @default 90
   */
  readonly accessLogDays?: number;
}

export class Storage extends Construct {
  /** Encrypts the tables and the documents bucket at rest. */
  readonly dataKey: kms.Key;
  /** Wraps each account's content key (AWS Encryption SDK, account in the encryption context). */
  readonly contentKey: kms.Key;
  /** Encrypts owner-supplied provider keys (AWS Encryption SDK, context `{accountId, purpose}`). */
  readonly secretsKey: kms.Key;
  /** The data table: `pk`/`sk` strings, TTL on `expiresAt`. */
  readonly table: dynamodb.Table;
  /** Wrapped account content keys (`A#<accountId>` / `CONTENT_KEY`), apart from the data. */
  readonly keysTable: dynamodb.Table;
  /** Uploaded documents and exports, under `accounts/<accountId>/`. */
  readonly documents: s3.Bucket;
  /** Receives the documents bucket's server access logs. */
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);

    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'Parley tenant data at rest: tables and documents bucket',
      enableKeyRotation: true,
    });
    this.contentKey = new kms.Key(this, 'ContentKey', {
      description: 'Parley account content keys (AWS Encryption SDK keyring)',
      enableKeyRotation: true,
    });
    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      description: 'Parley owner provider keys (AWS Encryption SDK keyring)',
      enableKeyRotation: true,
    });

    // Both tables: pk/sk strings, on demand, the data key, point-in-time recovery, deletion protection.
    const table = (id: string, recoveryPeriodInDays: number, ttl?: string) => new dynamodb.Table(this, id, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays },
      ...(ttl ? { timeToLiveAttribute: ttl } : {}),
      deletionProtection: true,
    });
    this.table = table('Table', props.recoveryPeriodDays ?? 35, 'expiresAt');
    // Wrapped account content keys: backups kept shorter than the erasure promise, so erasure reaches them.
    this.keysTable = table('KeysTable', props.keysRecoveryPeriodDays ?? 7);

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // S3 delivers server access logs only to buckets encrypted with S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays ?? 90) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the access-log destination; logging it into itself would log its own log deliveries.',
    });

    this.documents = new s3.Bucket(this, 'Documents', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // Account exports (tagged by the export function) go after their week, versions included.
        {
          tagFilters: { [RETENTION_TAG]: 'export' },
          expiration: Duration.days(EXPORT_DAYS + 1),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });
  }

  /**
   * What every function needs to read and write tenant data: both tables, and
   * sealing and opening content under account keys.
   */
  grantTenantData(grantee: iam.IGrantable): void {
    this.table.grantReadWriteData(grantee);
    this.keysTable.grantReadWriteData(grantee);
    this.contentKey.grantEncryptDecrypt(grantee);
  }
}
