/**
 * The ingest function: SQS messages carrying S3 ObjectCreated notifications
 * (uploads and re-ingests) or parts of website crawls, each part given the
 * invocation's remaining time. Reports partial batch failures,
 * so only failed messages are retried (and reach the dead-letter queue after
 * their retries, the document marked failed on the last one).
 */
import type { Context, S3Event, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ingestUploadedObject, markIngestGaveUp, type DocumentRef, type IngestOutcome } from '../core/ingestion.ts';
import { isId } from '../core/ids.ts';
import { INGEST_MAX_RECEIVE_COUNT, INGEST_TIMEOUT_SECONDS } from '../core/limits.ts';
import type { CrawlStep } from '../core/ports.ts';
import { parseDocumentObjectKey } from '../core/tenancy.ts';
import { crawlWebsiteSource } from '../core/website.ts';
import type { CrawlMessage } from '../adapters/sqs/ingest-trigger.ts';
import { createDocumentParser } from '../adapters/parsers/document-parser.ts';
import { createSiteCrawler } from '../adapters/web/site-crawler.ts';
import { getRuntime, provide } from '../adapters/wiring.ts';

// Only this function parses documents and crawls websites: the others' bundles leave both out.
provide({ parser: createDocumentParser, crawler: createSiteCrawler });
const { deps, logger } = getRuntime();

/** S3 notification keys are URL-encoded with `+` for spaces. */
const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/** The work a message asks for; `ref` is the document it is about. */
type Job = { readonly ref: DocumentRef; readonly run: (time: { remainingMs: number }) => Promise<IngestOutcome> };

/** The part of a crawl a message names; none in messages from before crawls had parts. */
const crawlStepOf = (message: Partial<CrawlMessage>): CrawlStep | undefined =>
  isId(message.run) && Number.isSafeInteger(message.part) && message.part! >= 0 ? { run: message.run, part: message.part! } : undefined;

/** The work a message asks for: a crawl part, or one ingest per object in a notification. */
const jobsOf = (body: string): Job[] => {
  const message = JSON.parse(body) as Partial<S3Event> & Partial<CrawlMessage>;
  if (message.parley === 'crawl') {
    const { accountId, botId, docId } = message as Partial<CrawlMessage>;
    if (!isId(accountId) || !isId(botId) || !isId(docId)) return [];
    const ref = { accountId, botId, docId };
    const step = crawlStepOf(message);
    return [{ ref, run: (time) => crawlWebsiteSource(deps, ref, step, time) }];
  }
  return (message.Records ?? []).flatMap((s3) => {
    const key = decodeKey(s3.s3.object.key);
    const ref = parseDocumentObjectKey(key);
    return ref ? [{ ref, run: () => ingestUploadedObject(deps, key) }] : [];
  });
};

/** Time left in this invocation: the Lambda context's, or the whole timeout when called without one. */
const remainingMs = (context: Pick<Context, 'getRemainingTimeInMillis'> | undefined): number =>
  context?.getRemainingTimeInMillis() ?? INGEST_TIMEOUT_SECONDS * 1000;

export const handler = async (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let jobs: Job[] = [];
    try {
      jobs = jobsOf(record.body);
      for (const job of jobs) {
        const result = await job.run({ remainingMs: remainingMs(context) });
        logger.info('ingest', { messageId: record.messageId, docId: job.ref.docId, ...result });
      }
    } catch (err) {
      logger.error('ingest failed', { messageId: record.messageId, error: err });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      // Last delivery before the dead-letter queue: tell the owner instead of leaving it "processing".
      if (Number(record.attributes.ApproximateReceiveCount) >= INGEST_MAX_RECEIVE_COUNT) {
        await Promise.all(jobs.map((job) => markIngestGaveUp(deps, job.ref).catch((e: unknown) => logger.error('could not mark failed', { error: e }))));
      }
    }
  }
  return { batchItemFailures };
};
