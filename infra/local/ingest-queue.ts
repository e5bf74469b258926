/**
 * The local stand-in for the ingest queue (and, with `functionName`, the account-export
 * queue): each message (an ObjectCreated notification, a re-ingest, a crawl part, an
 * export request) is delivered to its function's handler as
 * an SQS event of its own, one message a batch as on AWS, with a Lambda context
 * whose remaining time counts down from the function's timeout. A message the
 * handler reports as failed, or that is not handled within the timeout (Lambda
 * would stop the function), is redelivered with backoff, and after
 * `INGEST_MAX_RECEIVE_COUNT` deliveries it goes to the dead-letter list, as SQS
 * with a redrive policy does.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { INGEST_MAX_RECEIVE_COUNT, INGEST_TIMEOUT_SECONDS } from '../../lambdas/core/limits.ts';
import { s3NotificationBody, toSqsEvent } from './api-events.ts';
import { runAsFunction } from '../../lambdas/adapters/aws/call-log.ts';
import { lambdaContext } from './lambda-runtime.ts';

type QueueHandler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse>;

export interface IngestQueue {
  /** An ObjectCreated notification for this object. */
  send(bucket: string, key: string, size: number): void;
  /** A message body as another sender put it on the queue (re-ingest), delivered after `delayMs` (SQS's `DelaySeconds`). */
  sendBody(body: string, delayMs?: number): void;
  /** Drops the messages still waiting out a delay (the platform is stopping). */
  dropDelayed(): void;
  /** Resolves when every message has been handled or dead-lettered. */
  idle(): Promise<void>;
  readonly deadLetters: ReadonlyArray<{ key: string; receiveCount: number }>;
}


/** What a message is about, for the dead-letter list: the object key a notification names, an export's id, or an event's. */
const keyOf = (body: string): string => {
  try {
    const message = JSON.parse(body) as { Records?: Array<{ s3?: { object?: { key?: string } } }>; exportId?: string; event?: { eventId?: string } };
    return decodeURIComponent(message.Records?.[0]?.s3?.object?.key ?? message.exportId ?? message.event?.eventId ?? '');
  } catch {
    return '';
  }
};

export interface IngestQueueOptions {
  /** Pause before the n-th redelivery: n times this. @default 200 */
  readonly retryDelayMs?: number;
  /** The function's timeout (tests run long work at a reduced time scale). @default INGEST_TIMEOUT_SECONDS */
  readonly timeoutMs?: number;
  /** The function the queue feeds, as the stack names its handler. @default 'ingest' */
  readonly functionName?: 'ingest' | 'account-export' | 'notify';
}

export const createIngestQueue = (handler: QueueHandler, region: string, onError: (message: string, err: unknown) => void, options: IngestQueueOptions = {}): IngestQueue => {
  const { retryDelayMs = 200, timeoutMs = INGEST_TIMEOUT_SECONDS * 1000, functionName = 'ingest' } = options;
  const pending = new Set<Promise<void>>();
  const deadLetters: Array<{ key: string; receiveCount: number }> = [];

  /** One invocation; false when it failed or ran out of time (its late result then counts for nothing, as on Lambda). */
  const invoke = async (body: string, receive: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), timeoutMs);
    });
    try {
      const out = await Promise.race([runAsFunction(functionName, () => handler(toSqsEvent(body, receive, region), lambdaContext(functionName, timeoutMs))), timedOut]);
      if (out === 'timed out') {
        onError(`${functionName} handler timed out`, new Error(`no answer within ${timeoutMs} ms`));
        return false;
      }
      return out.batchItemFailures.length === 0;
    } catch (err) {
      onError(`${functionName} handler threw`, err);
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  const deliver = async (body: string) => {
    for (let receive = 1; receive <= INGEST_MAX_RECEIVE_COUNT; receive++) {
      const failed = !(await invoke(body, receive));
      if (!failed) return;
      if (receive < INGEST_MAX_RECEIVE_COUNT) await new Promise((r) => setTimeout(r, retryDelayMs * receive));
    }
    deadLetters.push({ key: keyOf(body), receiveCount: INGEST_MAX_RECEIVE_COUNT });
    onError(`${functionName} message moved to the dead-letter list`, new Error(keyOf(body)));
  };

  const delayed = new Map<NodeJS.Timeout, () => void>();
  const sendBody = (body: string, delayMs = 0) => {
    const p = (delayMs > 0
      ? new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          delayed.delete(timer);
          resolve(true);
        }, delayMs);
        delayed.set(timer, () => resolve(false));
      })
      : Promise.resolve(true)
    ).then((due) => (due ? deliver(body) : undefined)).finally(() => pending.delete(p));
    pending.add(p);
  };

  return {
    send: (bucket, key, size) => sendBody(s3NotificationBody(bucket, key, size, region)),
    sendBody,
    dropDelayed() {
      for (const [timer, drop] of delayed) {
        clearTimeout(timer);
        drop();
      }
      delayed.clear();
    },
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
    deadLetters,
  };
};
