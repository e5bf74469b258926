/**
 * The AWS call recorder the `iam` project reads: what one line says of each
 * kind of call, whose function it is, that it keeps no item contents, that it
 * is off unless asked and refused in Lambda, and that every client the
 * functions make goes through it (a client made without it would be a call
 * the policies are never checked against).
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CALL_LOG_VARIABLE, recordAwsCalls, runAsFunction, type CallRecord } from '../../lambdas/adapters/aws/call-log.ts';

const unreachable = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'never-logged-secret' } };

const withLog = () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-call-log-')), 'calls.jsonl');
  const env = { [CALL_LOG_VARIABLE]: file };
  const lines = (): CallRecord[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CallRecord);
  return { env, file, lines };
};

/** Sends a command to a port nobody listens on: the call is recorded before it goes out, and then fails. */
const attempt = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected the unreachable endpoint to fail'); }, () => undefined);

describe('the AWS call log', () => {
  it('records each DynamoDB request\'s tables, partition keys and transaction item actions, and the function it ran for', async () => {
    const log = withLog();
    const doc = DynamoDBDocumentClient.from(recordAwsCalls(new DynamoDBClient(unreachable), log.env));
    await runAsFunction('admin-api', () => attempt(doc.send(new PutCommand({ TableName: 't', Item: { pk: 'A#acc1', sk: 'BOT#1', secret: 'sk-item-content' } }))));
    await attempt(doc.send(new BatchWriteCommand({ RequestItems: {
      t: [{ PutRequest: { Item: { pk: 'A#acc1#B', sk: '1' } } }, { DeleteRequest: { Key: { pk: 'A#acc1', sk: '2' } } }],
      k: [{ DeleteRequest: { Key: { pk: 'A#acc1', sk: 'CONTENT_KEY' } } }],
    } })));
    await attempt(doc.send(new TransactWriteCommand({ TransactItems: [
      { Put: { TableName: 't', Item: { pk: 'U#u1', sk: 'x' } } },
      { ConditionCheck: { TableName: 't', Key: { pk: 'U#u2', sk: 'y' }, ConditionExpression: 'attribute_exists(pk)' } },
    ] })));
    await attempt(doc.send(new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'A#acc1' } })));

    const [put, batch, transact, query] = log.lines();
    expect(put).toMatchObject({ service: 'dynamodb', operation: 'PutItem', functionName: 'admin-api', accessKeyId: 'AKIDTEST', region: 'eu-west-1', tables: [{ table: 't', partitionKeys: ['A#acc1'] }] });
    expect(batch).toMatchObject({ operation: 'BatchWriteItem', functionName: null, tables: [{ table: 't', partitionKeys: ['A#acc1#B', 'A#acc1'] }, { table: 'k', partitionKeys: ['A#acc1'] }] });
    expect(transact).toMatchObject({ operation: 'TransactWriteItems', tables: [{ table: 't', partitionKeys: ['U#u1', 'U#u2'], itemActions: ['PutItem', 'ConditionCheckItem'] }] });
    expect(query).toMatchObject({ operation: 'Query', tables: [{ table: 't', partitionKeys: ['A#acc1'] }] });
    const text = readFileSync(log.file, 'utf8');
    expect(text).not.toContain('sk-item-content');
    expect(text).not.toContain('never-logged-secret');
  });

  it('records S3 object keys and versions, and STS roles with their session tags', async () => {
    const log = withLog();
    const s3 = recordAwsCalls(new S3Client({ ...unreachable, forcePathStyle: true }), log.env);
    const sts = recordAwsCalls(new STSClient(unreachable), log.env);
    await runAsFunction('ingest', () => attempt(s3.send(new DeleteObjectsCommand({ Bucket: 'b', Delete: { Objects: [{ Key: 'accounts/a/x' }, { Key: 'accounts/a/y', VersionId: 'v1' }] } }))));
    await runAsFunction('chat-stream', () => attempt(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/t', RoleSessionName: 'parley-a', Tags: [{ Key: 'accountId', Value: 'a' }] }))));
    expect(log.lines()).toMatchObject([
      { service: 's3', operation: 'DeleteObjects', functionName: 'ingest', bucket: 'b', objectKeys: [{ key: 'accounts/a/x', versioned: false }, { key: 'accounts/a/y', versioned: true }] },
      { service: 'sts', operation: 'AssumeRole', functionName: 'chat-stream', roleArn: 'arn:aws:iam::123456789012:role/t', sessionTags: { accountId: 'a' } },
    ]);
  });

  it('is off unless asked, and refused inside Lambda', () => {
    const client = new DynamoDBClient(unreachable);
    const before = client.middlewareStack.identify().length;
    recordAwsCalls(client, {});
    expect(client.middlewareStack.identify()).toHaveLength(before);
    expect(() => recordAwsCalls(client, { [CALL_LOG_VARIABLE]: '/tmp/x', AWS_LAMBDA_FUNCTION_NAME: 'parley-chat' })).toThrow(/tests only/);
  });

  it('sees every AWS client the functions make', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
    });
    const unrecorded: string[] = [];
    let clients = 0;
    for (const file of files(path.resolve('lambdas'))) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/new ([\w.]+Client)\(/g)) {
        clients++;
        if (!source.slice(0, match.index).endsWith('recordAwsCalls(')) unrecorded.push(`${path.relative(process.cwd(), file)}: ${match[1]}`);
      }
      // The Encryption SDK makes its KMS clients through a supplier: the supplier must record what it makes.
      if (/getClient\(KMS/.test(source) && !/return client && recordAwsCalls\(client\)/.test(source)) unrecorded.push(`${path.relative(process.cwd(), file)}: KMS`);
      // A keyring without a client supplier makes its own KMS clients, unrecorded.
      for (const match of source.matchAll(/new KmsKeyringNode\(\{[^}]*\}/g)) {
        if (!match[0].includes('clientProvider')) unrecorded.push(`${path.relative(process.cwd(), file)}: a KmsKeyringNode without clientProvider`);
      }
    }
    expect(clients).toBeGreaterThanOrEqual(5);
    expect(unrecorded).toEqual([]);
  });
});
