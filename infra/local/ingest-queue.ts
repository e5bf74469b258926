/**
 * The local stand-in for the ingest queue: each ObjectCreated notification is
 * delivered to the ingest handler as an SQS event; a message the handler reports
 * as failed is redelivered with backoff, and after `maxReceiveCount` deliveries
 * it goes to the dead-letter list, as SQS with a redrive policy does.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { INGEST_MAX_RECEIVE_COUNT, INGEST_TIMEOUT_SECONDS } from '../../lambdas/core/limits.ts';
import { s3NotificationBody, toSqsEvent } from './api-events.ts';
import { runAsFunction } from '../../lambdas/adapters/aws/call-log.ts';
import { lambdaContext } from './lambda-runtime.ts';

type IngestHandler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse>;

export interface IngestQueue {
  /** An ObjectCreated notification for this object. */
  send(bucket: string, key: string, size: number): void;
  /** A message body as another sender put it on the queue (re-ingest). */
  sendBody(body: string): void;
  /** Resolves when every message has been handled or dead-lettered. */
  idle(): Promise<void>;
  readonly deadLetters: ReadonlyArray<{ key: string; receiveCount: number }>;
}


/** The object key a notification body names, for the dead-letter list. */
const keyOf = (body: string): string => {
  try {
    return decodeURIComponent((JSON.parse(body) as { Records?: Array<{ s3?: { object?: { key?: string } } }> }).Records?.[0]?.s3?.object?.key ?? '');
  } catch {
    return '';
  }
};

export const createIngestQueue = (handler: IngestHandler, region: string, onError: (message: string, err: unknown) => void, retryDelayMs = 200): IngestQueue => {
  const pending = new Set<Promise<void>>();
  const deadLetters: Array<{ key: string; receiveCount: number }> = [];

  const deliver = async (body: string) => {
    for (let receive = 1; receive <= INGEST_MAX_RECEIVE_COUNT; receive++) {
      let failed: boolean;
      try {
        const out = await runAsFunction('ingest', () => handler(toSqsEvent(body, receive, region), lambdaContext('ingest', INGEST_TIMEOUT_SECONDS * 1000)));
        failed = out.batchItemFailures.length > 0;
      } catch (err) {
        onError('ingest handler threw', err);
        failed = true;
      }
      if (!failed) return;
      if (receive < INGEST_MAX_RECEIVE_COUNT) await new Promise((r) => setTimeout(r, retryDelayMs * receive));
    }
    deadLetters.push({ key: keyOf(body), receiveCount: INGEST_MAX_RECEIVE_COUNT });
    onError('ingest message moved to the dead-letter list', new Error(keyOf(body)));
  };

  const sendBody = (body: string) => {
    const p = deliver(body).finally(() => pending.delete(p));
    pending.add(p);
  };

  return {
    send: (bucket, key, size) => sendBody(s3NotificationBody(bucket, key, size, region)),
    sendBody,
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
    deadLetters,
  };
};
