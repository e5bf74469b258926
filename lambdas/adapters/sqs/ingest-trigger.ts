/**
 * Asks for a document to be ingested again by sending the ingest queue the same
 * ObjectCreated notification S3 sends, so one handler serves both paths; queues
 * website crawls as `{"parley":"crawl",…}` messages on the same queue; and
 * account exports as `{"parley":"export",…}` on the export queue, which the
 * account-export function consumes.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { IngestTrigger } from '../../core/ports.ts';
import { keys } from '../../core/tenancy.ts';
import { recordAwsCalls } from '../aws/call-log.ts';

/** A queued account export. */
export interface ExportMessage {
  readonly parley: 'export';
  readonly accountId: string;
  readonly exportId: string;
}

/** A queued part of a website crawl (`run` and `part` absent: a message from before crawls had parts). */
export interface CrawlMessage {
  readonly parley: 'crawl';
  readonly accountId: string;
  readonly botId: string;
  readonly docId: string;
  readonly run?: string;
  readonly part?: number;
}

export interface IngestTriggerOptions {
  readonly region: string;
  readonly queueUrl?: string | undefined;
  /** The account-export function's queue. */
  readonly exportQueueUrl?: string | undefined;
  /** Endpoint override: the local platform's SQS endpoint. */
  readonly endpoint?: string | undefined;
  readonly bucket: string;
}

export const createIngestTrigger = (opts: IngestTriggerOptions): IngestTrigger => {
  /** Made on first send, with the SDK module: most requests of the functions holding a trigger queue nothing, so a cold start does not load the SQS client. */
  let sqs: SQSClient | undefined;
  const send = async (body: unknown, queue: 'ingest' | 'export' = 'ingest') => {
    const queueUrl = queue === 'export' ? opts.exportQueueUrl : opts.queueUrl;
    if (!queueUrl) throw new Error(`PARLEY_${queue.toUpperCase()}_QUEUE_URL is not configured for this function`);
    const sdk = await import('@aws-sdk/client-sqs');
    sqs ??= recordAwsCalls(new sdk.SQSClient({
      region: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    }));
    await sqs.send(new sdk.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));
  };
  return {
    async requestIngest(tenant, path) {
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
      await send(notification);
    },

    async requestCrawl(tenant, botId, docId, step) {
      const message: CrawlMessage = { parley: 'crawl', accountId: tenant.accountId, botId, docId, run: step.run, part: step.part };
      await send(message);
    },

    async requestExport(tenant, exportId) {
      const message: ExportMessage = { parley: 'export', accountId: tenant.accountId, exportId };
      await send(message, 'export');
    },
  };
};
