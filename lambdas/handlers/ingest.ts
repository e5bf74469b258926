/**
 * The ingest function: SQS messages carrying S3 ObjectCreated notifications.
 * Reports partial batch failures, so only failed messages are retried (and
 * reach the dead-letter queue after their retries).
 */
import type { S3Event, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ingestUploadedObject, markIngestGaveUp } from '../core/ingestion.ts';
import { INGEST_MAX_RECEIVE_COUNT } from '../core/limits.ts';
import { getRuntime } from '../adapters/wiring.ts';

const { deps, logger } = getRuntime();

/** S3 notification keys are URL-encoded with `+` for spaces. */
const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let keys: string[] = [];
    try {
      const notification = JSON.parse(record.body) as Partial<S3Event>;
      keys = (notification.Records ?? []).map((s3) => decodeKey(s3.s3.object.key));
      for (const key of keys) {
        const result = await ingestUploadedObject(deps, key);
        logger.info('ingest', { messageId: record.messageId, ...result });
      }
    } catch (err) {
      logger.error('ingest failed', { messageId: record.messageId, error: err });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      // Last delivery before the dead-letter queue: tell the owner instead of leaving it "processing".
      if (Number(record.attributes.ApproximateReceiveCount) >= INGEST_MAX_RECEIVE_COUNT) {
        await Promise.all(keys.map((key) => markIngestGaveUp(deps, key).catch((e: unknown) => logger.error('could not mark failed', { error: e }))));
      }
    }
  }
  return { batchItemFailures };
};
