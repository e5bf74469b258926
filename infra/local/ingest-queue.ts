/**
 * The local stand-in for the ingest queue: each ObjectCreated notification is
 * delivered to the ingest handler as an SQS event; a message the handler reports
 * as failed is redelivered with backoff, and after `maxReceiveCount` deliveries
 * it goes to the dead-letter list, as SQS with a redrive policy does.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { INGEST_MAX_RECEIVE_COUNT } from '../../lambdas/core/limits.ts';
import { toIngestEvent } from './api-events.ts';
import { lambdaContext } from './lambda-runtime.ts';

type IngestHandler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse>;

export interface IngestQueue {
  send(bucket: string, key: string, size: number): void;
  /** Resolves when every message has been handled or dead-lettered. */
  idle(): Promise<void>;
  readonly deadLetters: ReadonlyArray<{ key: string; receiveCount: number }>;
}


export const createIngestQueue = (handler: IngestHandler, region: string, onError: (message: string, err: unknown) => void, retryDelayMs = 200): IngestQueue => {
  const pending = new Set<Promise<void>>();
  const deadLetters: Array<{ key: string; receiveCount: number }> = [];

  const deliver = async (bucket: string, key: string, size: number) => {
    for (let receive = 1; receive <= INGEST_MAX_RECEIVE_COUNT; receive++) {
      let failed: boolean;
      try {
        const out = await handler(toIngestEvent(bucket, key, size, receive, region), lambdaContext('ingest', 900_000));
        failed = out.batchItemFailures.length > 0;
      } catch (err) {
        onError('ingest handler threw', err);
        failed = true;
      }
      if (!failed) return;
      if (receive < INGEST_MAX_RECEIVE_COUNT) await new Promise((r) => setTimeout(r, retryDelayMs * receive));
    }
    deadLetters.push({ key, receiveCount: INGEST_MAX_RECEIVE_COUNT });
    onError('ingest message moved to the dead-letter list', new Error(key));
  };

  return {
    send(bucket, key, size) {
      const p = deliver(bucket, key, size).finally(() => pending.delete(p));
      pending.add(p);
    },
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
    deadLetters,
  };
};
