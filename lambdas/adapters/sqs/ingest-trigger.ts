/**
 * Asks for a document to be ingested again by sending the ingest queue the same
 * ObjectCreated notification S3 sends, so one handler serves both paths.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { IngestTrigger } from '../../core/ports.ts';
import { keys } from '../../core/tenancy.ts';

export interface IngestTriggerOptions {
  readonly region: string;
  readonly queueUrl?: string | undefined;
  /** Endpoint override: the local platform's SQS endpoint. */
  readonly endpoint?: string | undefined;
  readonly bucket: string;
}

export const createIngestTrigger = (opts: IngestTriggerOptions): IngestTrigger => {
  const sqs = new SQSClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return {
    async requestIngest(tenant, path) {
      if (!opts.queueUrl) throw new Error('PARLEY_INGEST_QUEUE_URL is not configured for this function');
      const key = keys.objectPrefix(tenant) + path;
      const notification = {
        Records: [{
          eventVersion: '2.1',
          eventSource: 'parley:reingest',
          eventTime: new Date().toISOString(),
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: opts.bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } },
        }],
      };
      await sqs.send(new SendMessageCommand({ QueueUrl: opts.queueUrl, MessageBody: JSON.stringify(notification) }));
    },
  };
};
