/**
 * A record of every AWS SDK call, for the tests only: with `PARLEY_AWS_CALL_LOG`
 * naming a file, each client made through {@link recordAwsCalls} appends one
 * JSON line per call, naming the service, the action, what it touches (table
 * and partition keys, bucket and object key or prefix, queue, secret, role and
 * session tags, KMS key and encryption context), the function it ran for and
 * the access key it was signed with. The `iam` test project evaluates each line
 * against the synthesized stack's policies (`test/iam/`), so a missing
 * permission fails the tests, not a visitor's request.
 *
 * Never item contents, object bodies or secrets: only names and keys. Off
 * unless the variable is set, and refused inside Lambda.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';

export const CALL_LOG_VARIABLE = 'PARLEY_AWS_CALL_LOG';

/** The function an invocation runs as (the local platform hosts every function in one process). */
const invocation = new AsyncLocalStorage<string>();

/** Runs `fn` as the named function: calls it makes are attributed to that function. */
export const runAsFunction = <T>(functionName: string, fn: () => T): T => invocation.run(functionName, fn);

/** DynamoDB: one table's part of a request. */
export interface TableAccess {
  readonly table: string;
  readonly index?: string;
  /** Every partition key the request names in this table; null when it names none (Scan, PartiQL). */
  readonly partitionKeys: readonly string[] | null;
  /** Transactions: the item action each partition key is under, in the same order. */
  readonly itemActions?: readonly string[];
}

/** One recorded call. */
export interface CallRecord {
  readonly kind: 'call';
  /** The client's IAM service prefix (`dynamodb`, `s3`, `sts`, …), or its client name if Parley has not used it before. */
  readonly service: string;
  /** The API operation (`PutItem`, `GetObject`, `AssumeRole`, …). */
  readonly operation: string;
  /** The function the call ran for; null outside any function (test set-up, provisioning). */
  readonly functionName: string | null;
  /** The access key the request was signed with (never the secret). */
  readonly accessKeyId: string | null;
  readonly region: string | null;
  readonly tables?: readonly TableAccess[];
  readonly bucket?: string;
  readonly objectKeys?: readonly { readonly key: string; readonly versioned: boolean }[];
  readonly prefix?: string;
  readonly tagging?: boolean;
  readonly queueUrl?: string;
  readonly secretId?: string;
  readonly roleArn?: string;
  readonly sessionTags?: Readonly<Record<string, string>>;
  readonly keyId?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly userPoolId?: string;
  readonly parameterNames?: readonly string[];
  /** SES: the sender identity a message is sent from. */
  readonly fromIdentityArn?: string;
  /** Bedrock: the model, inference profile or ARN invoked. */
  readonly modelId?: string;
}

type Input = Record<string, unknown>;

/** A partition key value in document-client form (`"A#x"`) or wire form (`{ S: "A#x" }`). */
const pkText = (keyOrItem: unknown): string | undefined => {
  const pk = (keyOrItem as Input | undefined)?.pk;
  if (typeof pk === 'string') return pk;
  const s = (pk as { S?: unknown } | undefined)?.S;
  return typeof s === 'string' ? s : undefined;
};
const present = (pks: (string | undefined)[]): string[] | null => (pks.every((pk) => pk !== undefined) ? pks : null);

const TRANSACT_ACTIONS = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' } as const;

/** What a DynamoDB request touches, table by table. */
export const tableAccessOf = (input: Input): TableAccess[] => {
  if (Array.isArray(input.TransactItems)) {
    const byTable = new Map<string, { pks: (string | undefined)[]; actions: string[] }>();
    for (const item of input.TransactItems as Input[]) {
      for (const [member, action] of Object.entries(TRANSACT_ACTIONS)) {
        const op = item[member] as Input | undefined;
        if (!op) continue;
        const entry = byTable.get(String(op.TableName)) ?? { pks: [], actions: [] };
        entry.pks.push(pkText(op.Key ?? op.Item));
        entry.actions.push(action);
        byTable.set(String(op.TableName), entry);
      }
    }
    return [...byTable].map(([table, e]) => ({ table, partitionKeys: present(e.pks), itemActions: e.actions }));
  }
  if (input.RequestItems && typeof input.RequestItems === 'object') {
    return Object.entries(input.RequestItems as Record<string, unknown>).map(([table, requests]) => ({
      table,
      partitionKeys: present(Array.isArray(requests)
        ? (requests as Input[]).map((r) => pkText((r.PutRequest as Input | undefined)?.Item ?? (r.DeleteRequest as Input | undefined)?.Key))
        : (((requests as Input).Keys as unknown[] | undefined) ?? []).map(pkText)),
    }));
  }
  const table = String(input.TableName);
  const index = typeof input.IndexName === 'string' ? { index: input.IndexName } : {};
  if (typeof input.KeyConditionExpression === 'string') {
    const name = /^\s*pk\s*=\s*(:\w+)/.exec(input.KeyConditionExpression)?.[1];
    const value = name ? (input.ExpressionAttributeValues as Input | undefined)?.[name] : undefined;
    return [{ table, ...index, partitionKeys: present([pkText({ pk: value })]) }];
  }
  if ('Key' in input || 'Item' in input) return [{ table, ...index, partitionKeys: present([pkText(input.Key ?? input.Item)]) }];
  return [{ table, ...index, partitionKeys: null }];
};

const s3Details = (input: Input): Partial<CallRecord> => {
  const objects = (input.Delete as { Objects?: { Key?: string; VersionId?: string }[] } | undefined)?.Objects;
  return {
    ...(typeof input.Bucket === 'string' ? { bucket: input.Bucket } : {}),
    ...(typeof input.Key === 'string' ? { objectKeys: [{ key: input.Key, versioned: typeof input.VersionId === 'string' }] } : {}),
    ...(objects ? { objectKeys: objects.map((o) => ({ key: String(o.Key), versioned: typeof o.VersionId === 'string' })) } : {}),
    ...(typeof input.Prefix === 'string' ? { prefix: input.Prefix } : {}),
    ...(input.Tagging !== undefined ? { tagging: true } : {}),
  };
};

const tagsOf = (tags: unknown): Record<string, string> =>
  Object.fromEntries(((tags as { Key?: string; Value?: string }[] | undefined) ?? []).map((t) => [String(t.Key), String(t.Value)]));

/** The parts of a request that IAM decides on, by service. */
const detailsOf = (service: string, input: Input): Partial<CallRecord> => {
  switch (service) {
    case 'dynamodb': return { tables: tableAccessOf(input) };
    case 's3': return s3Details(input);
    case 'sts': return { ...(typeof input.RoleArn === 'string' ? { roleArn: input.RoleArn } : {}), sessionTags: tagsOf(input.Tags) };
    case 'sqs': return typeof input.QueueUrl === 'string' ? { queueUrl: input.QueueUrl } : {};
    case 'secretsmanager': return typeof input.SecretId === 'string' ? { secretId: input.SecretId } : {};
    case 'kms': return {
      ...(typeof input.KeyId === 'string' ? { keyId: input.KeyId } : {}),
      ...(input.EncryptionContext ? { encryptionContext: input.EncryptionContext as Record<string, string> } : {}),
    };
    case 'cognito-idp': return typeof input.UserPoolId === 'string' ? { userPoolId: input.UserPoolId } : {};
    case 'ssm': return {
      parameterNames: [input.Name, ...((input.Names as unknown[] | undefined) ?? [])].filter((n): n is string => typeof n === 'string'),
    };
    case 'ses': return typeof input.FromEmailAddressIdentityArn === 'string' ? { fromIdentityArn: input.FromEmailAddressIdentityArn } : {};
    case 'bedrock': return typeof input.modelId === 'string' ? { modelId: input.modelId } : {};
    default: return {};
  }
};

/** The IAM service prefix of each SDK client Parley uses; any other client is recorded by its own name. */
const SERVICES: Readonly<Record<string, string>> = {
  DynamoDBClient: 'dynamodb',
  S3Client: 's3',
  STSClient: 'sts',
  SQSClient: 'sqs',
  SecretsManagerClient: 'secretsmanager',
  KMSClient: 'kms',
  CognitoIdentityProviderClient: 'cognito-idp',
  SSMClient: 'ssm',
  SESv2Client: 'ses',
  BedrockRuntimeClient: 'bedrock',
};
const serviceOf = (clientName: string): string => SERVICES[clientName] ?? clientName;

/** What {@link recordAwsCalls} needs of a client (every SDK v3 client has it). */
export interface RecordableClient {
  readonly middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string; override: boolean }): void };
  readonly config: { credentials?: unknown; region?: unknown };
}

const resolve = async <T>(value: unknown): Promise<T | null> => {
  try {
    return (typeof value === 'function' ? await (value as () => Promise<T>)() : value) as T;
  } catch {
    return null;
  }
};

/**
 * Adds the recording middleware to a client when `PARLEY_AWS_CALL_LOG` is set;
 * otherwise returns it untouched. Every place that makes an AWS client calls it.
 */
export const recordAwsCalls = <C extends RecordableClient>(client: C, env: NodeJS.ProcessEnv = process.env): C => {
  const file = env[CALL_LOG_VARIABLE];
  if (!file) return client;
  if (env.AWS_LAMBDA_FUNCTION_NAME) throw new Error(`${CALL_LOG_VARIABLE} is for the tests only; unset it in Lambda.`);
  client.middlewareStack.add(
    (next: (args: { input: Input }) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (args: { input: Input }) => {
      const service = serviceOf(context.clientName ?? 'unknown');
      const credentials = await resolve<{ accessKeyId?: string }>(client.config.credentials);
      const record: CallRecord = {
        kind: 'call',
        service,
        operation: (context.commandName ?? 'unknown').replace(/Command$/, ''),
        functionName: invocation.getStore() ?? null,
        accessKeyId: credentials?.accessKeyId ?? null,
        region: await resolve<string>(client.config.region),
        ...detailsOf(service, args.input),
      };
      appendFileSync(file, `${JSON.stringify(record)}\n`);
      return next(args);
    },
    { step: 'initialize', name: 'parleyAwsCallLog', override: true },
  );
  return client;
};
