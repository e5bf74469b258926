/**
 * Warms the local emulators (DynamoDB Local's JVM, the S3 emulator) from a child process
 * before a benchmark's first cold query, so that it measures a fresh Parley process
 * against storage that is up and running, as DynamoDB and S3 always are, and not the
 * emulators' own start (a JVM's first requests run interpreted). The child reads items
 * and object ranges of the bot: nothing of Parley's process is warmed by it.
 *
 * Use: `await warmEmulators({...})`; as a script it takes the same options as JSON in argv[2].
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface WarmTarget {
  readonly dynamodbUrl: string;
  readonly s3Url: string;
  readonly table: string;
  readonly bucket: string;
  /** The bot's partition key, and the prefix of its objects. */
  readonly pk: string;
  readonly prefix: string;
}

export const warmEmulators = async (target: WarmTarget): Promise<void> => {
  await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(target)], { maxBuffer: 1 << 20 });
};

const warm = async (target: WarmTarget) => {
  const { DynamoDBClient, QueryCommand, BatchGetItemCommand, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
  const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const db = new DynamoDBClient({ region: 'eu-west-1', endpoint: target.dynamodbUrl, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const s3 = new S3Client({ region: 'eu-west-1', endpoint: target.s3Url, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const page = await db.send(new QueryCommand({ TableName: target.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)', ExpressionAttributeValues: { ':pk': { S: target.pk }, ':c': { S: 'CHUNK#' } }, ProjectionExpression: 'pk, sk', Limit: 3_000 }));
  const keys = page.Items ?? [];
  for (let round = 0; round < 20; round++) {
    const batch = Array.from({ length: 100 }, (_, i) => keys[(round * 149 + i * 29) % keys.length]!);
    const unique = [...new Map(batch.map((k) => [k.sk!.S!, k])).values()];
    await db.send(new BatchGetItemCommand({ RequestItems: { [target.table]: { Keys: unique } } }));
    // Strongly consistent reads of single items, as of an index head (of other items than the head).
    await db.send(new GetItemCommand({ TableName: target.table, Key: unique[0]!, ConsistentRead: true, ProjectionExpression: 'pk' }));
  }
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: target.prefix }));
  for (const o of (listed.Contents ?? []).slice(0, 4)) {
    for (let i = 0; i < 8; i++) {
      const out = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: o.Key, Range: `bytes=${i * 65_536}-${i * 65_536 + 65_535}` }));
      await out.Body?.transformToByteArray();
    }
  }
  db.destroy();
  s3.destroy();
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await warm(JSON.parse(process.argv[2]!) as WarmTarget);
