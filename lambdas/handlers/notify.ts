/**
 * The notify function: SQS messages `{"parley":"event",accountId,event}` from the
 * functions where events arise (the widget function's handoffs, leads and
 * thumbs-down, the chat function's declined questions, the ingest and admin
 * functions' failed documents), one a batch. Each is e-mailed to the members who
 * want it (`core/notify.ts`) and fanned out to the bot's webhooks as `{"parley":"webhook",…}` attempts on the same queue,
 * which this function delivers too (`core/webhook-delivery.ts`), and keeps declined
 * questions and thumbs-down for the daily digest. Once a day its schedule starts the
 * digests (`core/digest.ts`), queued one per account as `{"parley":"digest",…}`; a failed
 * one is reported as a partial batch failure, so the queue delivers it again and,
 * after its retries, moves it to the notify dead-letter queue, which alarms.
 * Log lines hold ids and counts, never addresses or what a visitor wrote.
 */
import type { ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { recordForDigest, sendDigest, startDigests } from '../core/digest.ts';
import { parseEvent, type ParleyEvent } from '../core/events.ts';
import { isId } from '../core/ids.ts';
import { deliverEvent } from '../core/notify.ts';
import type { WebhookJob } from '../core/ports.ts';
import { deliverWebhookJob, fanOutEvent } from '../core/webhook-delivery.ts';
import type { DigestJobMessage, EventMessage, WebhookJobMessage } from '../adapters/sqs/event-queue.ts';
import { getRuntime } from '../adapters/wiring.ts';

const { deps, logger, config } = getRuntime();

type Job =
  | { kind: 'event'; accountId: string; event: ParleyEvent }
  | { kind: 'webhook'; accountId: string; job: WebhookJob }
  | { kind: 'digest'; accountId: string; day: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What a message asks for, or undefined for one that is none of an event, a webhook attempt or a digest (dropped: retrying cannot mend it). */
const jobOf = (body: string): Job | undefined => {
  try {
    const message = JSON.parse(body) as Partial<EventMessage> | Partial<WebhookJobMessage> | Partial<DigestJobMessage>;
    if (!isId(message.accountId)) return undefined;
    if (message.parley === 'event') {
      const event = parseEvent(message.event);
      return event ? { kind: 'event', accountId: message.accountId, event } : undefined;
    }
    if (message.parley === 'webhook') {
      const j = message.job;
      const event = parseEvent(j?.event);
      if (!j || !event || !isId(j.webhookId) || !isId(j.botId) || !Number.isInteger(j.attempt) || j.attempt < 1 || Number.isNaN(Date.parse(j.dueAt))) return undefined;
      return { kind: 'webhook', accountId: message.accountId, job: { webhookId: j.webhookId, botId: j.botId, event, attempt: j.attempt, dueAt: j.dueAt } };
    }
    if (message.parley === 'digest') {
      return typeof message.day === 'string' && DAY.test(message.day) ? { kind: 'digest', accountId: message.accountId, day: message.day } : undefined;
    }
    return undefined;
  } catch {
    return undefined;
  }
};

const run = async (job: Job): Promise<Record<string, unknown>> => {
  if (job.kind === 'event') {
    // E-mail first: a redelivered event e-mails nobody twice, while webhooks are at least once anyway.
    const outcome = await deliverEvent(deps, job.accountId, job.event, { panelUrl: config.PARLEY_PANEL_URL });
    const digest = job.event.type === 'conversation.unanswered' || job.event.type === 'feedback.negative' ? await recordForDigest(deps, job.accountId, job.event) : false;
    const webhooks = await fanOutEvent(deps, job.accountId, job.event);
    return { message: 'event delivered', eventId: job.event.eventId, type: job.event.type, ...outcome, digest, webhooks };
  }
  if (job.kind === 'webhook') {
    const outcome = await deliverWebhookJob(deps, job.accountId, job.job, { retryDelaysSeconds: config.PARLEY_WEBHOOK_RETRY_DELAYS_SECONDS });
    return { message: 'webhook attempt', eventId: job.job.event.eventId, type: job.job.event.type, webhookId: job.job.webhookId, attempt: job.job.attempt, outcome };
  }
  const outcome = await sendDigest(deps, job.accountId, job.day, { panelUrl: config.PARLEY_PANEL_URL });
  return { message: 'digest', day: job.day, ...outcome };
};

const isScheduled = (event: SQSEvent | ScheduledEvent): event is ScheduledEvent => (event as ScheduledEvent)['detail-type'] === 'Scheduled Event';

/**
 * SQS batches, and the daily schedule's event (EventBridge's `Scheduled Event`, whose `time`
 * is the run's clock: the digest covers the UTC day before it).
 */
export const handler = async (event: SQSEvent | ScheduledEvent): Promise<SQSBatchResponse | { day: string; accounts: number }> => {
  if (isScheduled(event)) {
    const at = new Date(event.time);
    // A failure throws: EventBridge retries the run, and the errors alarm fires.
    const started = await startDigests(deps, Number.isNaN(at.getTime()) ? deps.clock.now() : at);
    logger.info('digests queued', started);
    return started;
  }
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const job = jobOf(record.body);
    if (!job) {
      logger.warn('notify message dropped: neither an event, a webhook attempt nor a digest', { messageId: record.messageId });
      continue;
    }
    try {
      const { message, ...fields } = await run(job);
      logger.info(String(message), { messageId: record.messageId, accountId: job.accountId, ...fields });
    } catch (err) {
      logger.error('notify job failed', { messageId: record.messageId, accountId: job.accountId, kind: job.kind, error: err });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
