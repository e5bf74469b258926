/**
 * Tenant-scoped credentials (DESIGN, tenancy invariant 6). The functions that
 * serve accounts assume `TenantRole` with the session tag `accountId` taken
 * from verified identity (`lambdas/adapters/aws/tenant-credentials.ts`); the
 * role reaches only that account's data:
 * - DynamoDB: partition keys `A#<accountId>` and `A#<accountId>#…` of the data
 *   and keys tables, item actions only (no Scan, no PartiQL: neither names a
 *   partition, so `dynamodb:LeadingKeys` could not fence them);
 * - S3: objects under `accounts/<accountId>/`, and listing only that prefix;
 * - KMS: the content and secrets keys only with `accountId` in the encryption
 *   context, in the role's policy and in both key policies.
 * A bug that builds another account's key is then refused by IAM.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { leadingKeyPatterns } from '../../lambdas/adapters/dynamo/key-layout.ts';
import { acknowledgeWildcards, nagArnOf } from '../nag.ts';
import type { ParleyFunction } from './parley-function.ts';
import { itemActions, tenantObjectPrefix } from './storage.ts';
import type { Storage } from './storage.ts';

/** The session tag the role's conditions read. */
export const TENANT_TAG = 'accountId';
/** `${aws:PrincipalTag/accountId}`: IAM substitutes the session's tag. */
export const principalTag = `\${aws:PrincipalTag/${TENANT_TAG}}`;
/** Partition keys one account owns: exactly `A#<id>`, or `A#<id>#…` (so `abc` never reaches `A#abcd`). */
export const tenantLeadingKeys = leadingKeyPatterns.account(principalTag);
/** Object keys one account owns. */
export const tenantObjects = `${tenantObjectPrefix}${principalTag}/*`;
/** Object actions on the account's own prefix. */
export const tenantObjectActions = ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:DeleteObjectVersion'];
/** Envelope-encryption actions on the content and secrets keys. */
export const tenantKeyActions = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'];
const keyContext = { StringEquals: { [`kms:EncryptionContext:${TENANT_TAG}`]: principalTag } };

export interface TenantAccessProps {
  readonly storage: Storage;
  /** The functions that may assume the role (admin-api, widget-api, chat-stream, ingest). */
  readonly functions: readonly ParleyFunction[];
}

export class TenantAccess extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TenantAccessProps) {
    super(scope, id);
    const { storage } = props;

    this.role = new iam.Role(this, 'TenantRole', {
      description: 'Parley tenant-scoped access: one account\'s partitions, objects and keys (session tag accountId)',
      // Its trust policy is written below: one statement naming exactly the functions' roles.
      assumedBy: new iam.AccountRootPrincipal(),
      maxSessionDuration: Duration.hours(1),
    });
    (this.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        sid: 'ParleyFunctionsWithAccountTag',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: props.functions.map((fn) => new iam.ArnPrincipal(fn.role.roleArn)),
        conditions: {
          StringLike: { [`aws:RequestTag/${TENANT_TAG}`]: '?*' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_TAG] },
        },
      })],
    });

    const tables = [storage.table, storage.keysTable];
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'OwnPartitions',
      actions: [...itemActions],
      resources: tables.flatMap((t) => [t.tableArn, `${t.tableArn}/index/*`]),
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': tenantLeadingKeys } },
    }));
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'OwnObjects',
      actions: tenantObjectActions,
      resources: [storage.documents.arnForObjects(tenantObjects)],
    }));
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'ListOwnPrefix',
      actions: ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: [storage.documents.bucketArn],
      conditions: { StringLike: { 's3:prefix': tenantObjects } },
    }));
    const keys: kms.Key[] = [storage.contentKey, storage.secretsKey];
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'OwnEncryptionContext',
      actions: tenantKeyActions,
      resources: keys.map((k) => k.keyArn),
      conditions: keyContext,
    }));
    storage.grantDataKeyVia(this.role, ['dynamodb', 's3']);

    // The key policies say the same, so the condition holds even if an IAM policy is widened by mistake.
    for (const key of keys) {
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'TenantRoleOwnContext',
        principals: [this.role],
        actions: tenantKeyActions,
        resources: ['*'],
        conditions: keyContext,
      }));
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'TenantRoleNoOtherContext',
        effect: iam.Effect.DENY,
        principals: [this.role],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        resources: ['*'],
        conditions: { StringNotEquals: keyContext.StringEquals },
      }));
    }

    for (const fn of props.functions) {
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'AssumeTenantRole',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.role.roleArn],
      }));
      fn.function.addEnvironment('PARLEY_TENANT_ROLE_ARN', this.role.roleArn);
    }

    acknowledgeWildcards(
      this.role,
      'Tenant-scoped role: object keys and index names are data, so the resources end in a wildcard, and every ' +
        'statement is fenced to one account by its session tag (dynamodb:LeadingKeys A#<accountId>, the prefix ' +
        'accounts/<accountId>/, kms:EncryptionContext:accountId).',
      [
        `Resource::${nagArnOf(storage.table)}/index/*`,
        `Resource::${nagArnOf(storage.keysTable)}/index/*`,
        `Resource::${nagArnOf(storage.documents)}/accounts/<aws:PrincipalTag/accountId>/*`,
      ],
    );
  }
}
