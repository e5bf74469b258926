/**
 * What IAM is asked when a function makes a recorded AWS call: the action, the
 * resource ARN (the stack's resource, in the made-up account, in place of the
 * local platform's), the condition keys the request carries, and the resource
 * policy that also decides (a key policy, the bucket policy, the tenant role's
 * trust policy). A call this file does not know throws, so a new kind of call
 * fails the `iam` project until it is mapped here.
 */
import type { CallRecord, TableAccess } from '../../lambdas/adapters/aws/call-log.ts';
import { LOCAL_EXPORT_QUEUE_URL, LOCAL_INGEST_QUEUE_URL, LOCAL_NOTIFY_QUEUE_URL } from '../../infra/local/sqs-local.ts';
import { TEST_TENANT_ROLE_ARN } from './call-log-file.ts';
import { ACCOUNT, REGION, type PolicyDocument, type StackIam } from './stack-policies.ts';

/** The local platform's names (infra/local/platform.ts defaults). */
const LOCAL_TABLE = 'parley-local';
const LOCAL_KEYS_TABLE = 'parley-local-keys';
const LOCAL_BUCKET = 'parley-local-documents';

export interface IamRequest {
  /** `service:Action`. */
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly resourcePolicy?: PolicyDocument | undefined;
  /**
   * A request AWS makes with the caller's permissions on the caller's behalf
   * (S3 and SQS using a KMS key for encryption at rest), not one the code makes.
   */
  readonly implied?: boolean;
}

const unmapped = (call: CallRecord, why: string) =>
  new Error(`Unmapped AWS call ${call.service}:${call.operation} by ${call.functionName} (${why}): map it in test/iam/iam-requests.ts`);

const tableArnOf = (iam: StackIam, call: CallRecord, access: TableAccess): string => {
  const base = access.table === LOCAL_TABLE ? iam.resources.tableArn : access.table === LOCAL_KEYS_TABLE ? iam.resources.keysTableArn : undefined;
  if (!base) throw unmapped(call, `table ${access.table} is none of the stack's`);
  return access.index ? `${base}/index/${access.index}` : base;
};

const leadingKeys = (pks: readonly string[] | null): Record<string, readonly string[]> => (pks ? { 'dynamodb:LeadingKeys': pks } : {});

/** DynamoDB: one request per table, and per item in a transaction (IAM checks each item's own action). */
const dynamodbRequests = (iam: StackIam, call: CallRecord): IamRequest[] =>
  (call.tables ?? []).flatMap((access) => {
    const resource = tableArnOf(iam, call, access);
    if (access.itemActions) {
      return access.itemActions.map((action, i) => ({ action: `dynamodb:${action}`, resource, context: leadingKeys(access.partitionKeys ? [access.partitionKeys[i]!] : null) }));
    }
    return [{ action: `dynamodb:${call.operation}`, resource, context: leadingKeys(access.partitionKeys) }];
  });

/** S3, and the documents bucket's KMS key that S3 uses with the caller's permissions (SSE-KMS with a bucket key). */
const s3Requests = (iam: StackIam, call: CallRecord): IamRequest[] => {
  if (call.bucket !== LOCAL_BUCKET) throw unmapped(call, `bucket ${call.bucket} is not the documents bucket`);
  const bucket = iam.resources.bucket;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const resourcePolicy = iam.bucketPolicies.get(bucket);
  const tls = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
  const object = (action: string, key: string): IamRequest => ({ action, resource: `${bucketArn}/${key}`, context: tls, resourcePolicy });
  const dataKey = (action: string): IamRequest => ({
    action,
    resource: iam.resources.dataKeyArn,
    context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn, 'aws:SecureTransport': 'true' },
    resourcePolicy: iam.keyPolicies.get(iam.resources.dataKeyArn),
    implied: true,
  });
  const keys = call.objectKeys ?? [];
  switch (call.operation) {
    case 'PutObject': return keys.flatMap((k) => [
      object('s3:PutObject', k.key),
      ...(call.tagging ? [object('s3:PutObjectTagging', k.key)] : []),
      dataKey('kms:GenerateDataKey'),
    ]);
    case 'GetObject':
    case 'HeadObject': return keys.flatMap((k) => [object(k.versioned ? 's3:GetObjectVersion' : 's3:GetObject', k.key), dataKey('kms:Decrypt')]);
    case 'DeleteObject':
    case 'DeleteObjects': return keys.map((k) => object(k.versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject', k.key));
    case 'ListObjectsV2':
    case 'ListObjects': return [{ action: 's3:ListBucket', resource: bucketArn, context: { ...tls, ...(call.prefix !== undefined ? { 's3:prefix': call.prefix } : {}) }, resourcePolicy }];
    case 'ListObjectVersions': return [{ action: 's3:ListBucketVersions', resource: bucketArn, context: { ...tls, ...(call.prefix !== undefined ? { 's3:prefix': call.prefix } : {}) }, resourcePolicy }];
    default: throw unmapped(call, 'an S3 operation the functions did not make before');
  }
};

const stsRequests = (iam: StackIam, call: CallRecord): IamRequest[] => {
  if (call.operation !== 'AssumeRole') throw unmapped(call, 'an STS operation the functions did not make before');
  if (call.roleArn !== TEST_TENANT_ROLE_ARN) throw unmapped(call, `role ${call.roleArn} is not the tenant role`);
  const tags = call.sessionTags ?? {};
  const context = {
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    ...(Object.keys(tags).length > 0 ? { 'aws:TagKeys': Object.keys(tags) } : {}),
  };
  const request = (action: string): IamRequest => ({ action, resource: iam.tenantRole.arn, context, resourcePolicy: iam.tenantRole.trustPolicy });
  return [request('sts:AssumeRole'), ...(Object.keys(tags).length > 0 ? [request('sts:TagSession')] : [])];
};

const sqsRequests = (iam: StackIam, call: CallRecord): IamRequest[] => {
  if (call.operation !== 'SendMessage') throw unmapped(call, 'an SQS operation the functions did not make before');
  // The export queue is encrypted by SQS's own keys: sending needs no KMS permission.
  if (call.queueUrl === LOCAL_EXPORT_QUEUE_URL) return [{ action: 'sqs:SendMessage', resource: iam.resources.exportQueueArn, context: {} }];
  // So is the notify queue.
  if (call.queueUrl === LOCAL_NOTIFY_QUEUE_URL) return [{ action: 'sqs:SendMessage', resource: iam.resources.notifyQueueArn, context: {} }];
  if (call.queueUrl !== LOCAL_INGEST_QUEUE_URL) throw unmapped(call, `queue ${call.queueUrl} is none of the ingest, export and notify queues`);
  const queueKey = (action: string): IamRequest => ({
    action,
    resource: iam.resources.queueKeyArn,
    context: { 'kms:ViaService': `sqs.${REGION}.amazonaws.com` },
    resourcePolicy: iam.keyPolicies.get(iam.resources.queueKeyArn),
    implied: true,
  });
  return [{ action: 'sqs:SendMessage', resource: iam.resources.queueArn, context: {} }, queueKey('kms:GenerateDataKey'), queueKey('kms:Decrypt')];
};

const kmsRequests = (iam: StackIam, call: CallRecord): IamRequest[] => {
  const keyArn = [iam.resources.contentKeyArn, iam.resources.secretsKeyArn].find((arn) => call.keyId === arn || arn.endsWith(`/${call.keyId}`));
  if (!keyArn) throw unmapped(call, `key ${call.keyId} is neither the content nor the secrets key`);
  if (!['Encrypt', 'Decrypt', 'GenerateDataKey'].includes(call.operation)) throw unmapped(call, 'a KMS operation the keyrings did not make before');
  const context = Object.fromEntries(Object.entries(call.encryptionContext ?? {}).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]));
  return [{ action: `kms:${call.operation}`, resource: keyArn, context, resourcePolicy: iam.keyPolicies.get(keyArn) }];
};

const secretsRequests = (call: CallRecord): IamRequest[] => {
  if (call.operation !== 'GetSecretValue' || !call.secretId) throw unmapped(call, 'a Secrets Manager operation the functions did not make before');
  const arn = call.secretId.startsWith('arn:') ? call.secretId : `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${call.secretId}-AbCdEf`;
  return [{ action: 'secretsmanager:GetSecretValue', resource: arn, context: {} }];
};

/** Cognito: the local platform's fake pool stands for the stack's one user pool. */
const cognitoRequests = (iam: StackIam, call: CallRecord): IamRequest[] => {
  if (!call.userPoolId) throw unmapped(call, 'a Cognito call that names no user pool');
  if (!['AdminCreateUser', 'AdminGetUser', 'AdminDeleteUser'].includes(call.operation)) throw unmapped(call, 'a Cognito operation the functions did not make before');
  return [{ action: `cognito-idp:${call.operation}`, resource: iam.resources.userPoolArn, context: {} }];
};

/** SSM parameters by name (the admin sign-in settings on AWS). */
const ssmRequests = (call: CallRecord): IamRequest[] => {
  if (!['GetParameter', 'GetParameters'].includes(call.operation)) throw unmapped(call, 'an SSM operation the functions did not make before');
  return (call.parameterNames ?? []).map((name) => ({
    action: `ssm:${call.operation}`,
    resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name.replace(/^\//, '')}`,
    context: {},
  }));
};

/**
 * SES v2 `SendEmail`: authorized on the sender identity. The local outbox's sender stands for the
 * stack's identity; a call that names an identity ARN must name that one.
 */
const sesRequests = (iam: StackIam, call: CallRecord): IamRequest[] => {
  if (call.operation !== 'SendEmail') throw unmapped(call, 'an SES operation the functions did not make before');
  if (call.fromIdentityArn !== undefined && call.fromIdentityArn !== iam.resources.sesIdentityArn) throw unmapped(call, `identity ${call.fromIdentityArn} is not the stack's`);
  return [{ action: 'ses:SendEmail', resource: iam.resources.sesIdentityArn, context: {} }];
};

/**
 * The regions an EU inference profile routes Claude Sonnet 4.5 to (Bedrock's model page), each of
 * which checks the foundation model there, called through the profile.
 */
const EU_PROFILE_DESTINATIONS = ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'];

/**
 * Bedrock: `ConverseStream` is authorized as `InvokeModelWithResponseStream`, Titan's `InvokeModel` as
 * itself. A foundation model is checked in the function's region; an `eu.` inference profile is checked
 * there, and its model in every region the profile may route to, with the profile's ARN as context.
 */
const bedrockRequests = (call: CallRecord): IamRequest[] => {
  const action = { ConverseStream: 'bedrock:InvokeModelWithResponseStream', InvokeModel: 'bedrock:InvokeModel' }[call.operation];
  if (!action) throw unmapped(call, 'a Bedrock operation the functions did not make before');
  const model = call.modelId;
  if (!model) throw unmapped(call, 'a Bedrock call that names no model');
  const foundation = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
  if (!model.startsWith('eu.')) {
    if (/^(us|apac|global|jp|au|ca|us-gov)\./.test(model)) throw unmapped(call, `profile ${model} is not one the integration platforms approve`);
    return [{ action, resource: foundation(REGION, model), context: {} }];
  }
  const profileArn = `arn:aws:bedrock:${REGION}:${ACCOUNT}:inference-profile/${model}`;
  return [
    { action, resource: profileArn, context: {} },
    ...EU_PROFILE_DESTINATIONS.map((region) => ({ action, resource: foundation(region, model.slice(3)), context: { 'bedrock:InferenceProfileArn': profileArn } })),
  ];
};

/** Every IAM request behind one recorded call. */
export const iamRequestsOf = (iam: StackIam, call: CallRecord): IamRequest[] => {
  switch (call.service) {
    case 'dynamodb': return dynamodbRequests(iam, call);
    case 's3': return s3Requests(iam, call);
    case 'sts': return stsRequests(iam, call);
    case 'sqs': return sqsRequests(iam, call);
    case 'kms': return kmsRequests(iam, call);
    case 'secretsmanager': return secretsRequests(call);
    case 'cognito-idp': return cognitoRequests(iam, call);
    case 'ssm': return ssmRequests(call);
    case 'ses': return sesRequests(iam, call);
    case 'bedrock': return bedrockRequests(call);
    default: throw unmapped(call, 'a service the functions did not use before');
  }
};
