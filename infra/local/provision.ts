/** Creates the table and bucket the handlers expect, if they are missing (idempotent). */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';

export const ensureTable = async (endpoint: string, table: string, region: string): Promise<void> => {
  const db = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await db.send(new DescribeTableCommand({ TableName: table }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
    try {
      await db.send(new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      }));
      // Recorded for parity with AWS; DynamoDB Local never expires items, so reads filter them.
      await db.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));
    } catch (createErr) {
      // Another process created it first.
      if ((createErr as { name?: string }).name !== 'ResourceInUseException') throw createErr;
    }
  } finally {
    db.destroy();
  }
};

export const ensureBucket = async (s3: S3Client, bucket: string): Promise<void> => {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (err) {
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((err as { name?: string }).name ?? '')) throw err;
    }
  }
};

/** A 32-byte key file readable by its owner only; created once, then kept. */
export const ensureMasterKey = async (file: string): Promise<string> => {
  try {
    await fs.writeFile(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return file;
};
