/**
 * The ingest function: SQS messages carrying S3 ObjectCreated notifications.
 * Reports partial batch failures, so only failed messages are retried (and
 * reach the dead-letter queue after their retries).
 */
import type { S3Event, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ingestUploadedObject } from '../core/ingestion.ts';
import { getRuntime } from '../adapters/wiring.ts';

const { deps, logger } = getRuntime();

/** S3 notification keys are URL-encoded with `+` for spaces. */
const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const notification = JSON.parse(record.body) as Partial<S3Event>;
      for (const s3 of notification.Records ?? []) {
        const key = decodeKey(s3.s3.object.key);
        const result = await ingestUploadedObject(deps, key);
        logger.info('ingest', { messageId: record.messageId, ...result });
      }
    } catch (err) {
      logger.error('ingest failed', { messageId: record.messageId, error: err });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
