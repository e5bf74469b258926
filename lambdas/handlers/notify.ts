/**
 * The notify function: SQS messages `{"parley":"event",accountId,event}` from the
 * functions where events arise (the widget function's handoffs, leads and
 * thumbs-down, the chat function's declined questions, the ingest and admin
 * functions' failed documents), one a batch. Each is e-mailed to the members who want it (`core/notify.ts`) and fanned
 * out to the bot's webhooks as `{"parley":"webhook",…}` attempts on the same queue,
 * which this function delivers too (`core/webhook-delivery.ts`); a failed
 * one is reported as a partial batch failure, so the queue delivers it again and,
 * after its retries, moves it to the notify dead-letter queue, which alarms.
 * Log lines hold ids and counts, never addresses or what a visitor wrote.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseEvent, type ParleyEvent } from '../core/events.ts';
import { isId } from '../core/ids.ts';
import { deliverEvent } from '../core/notify.ts';
import type { WebhookJob } from '../core/ports.ts';
import { deliverWebhookJob, fanOutEvent } from '../core/webhook-delivery.ts';
import type { EventMessage, WebhookJobMessage } from '../adapters/sqs/event-queue.ts';
import { getRuntime } from '../adapters/wiring.ts';

const { deps, logger, config } = getRuntime();

type Job = { kind: 'event'; accountId: string; event: ParleyEvent } | { kind: 'webhook'; accountId: string; job: WebhookJob };

/** What a message asks for, or undefined for one that is neither an event nor a webhook attempt (dropped: retrying cannot mend it). */
const jobOf = (body: string): Job | undefined => {
  try {
    const message = JSON.parse(body) as Partial<EventMessage> | Partial<WebhookJobMessage>;
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
    return undefined;
  } catch {
    return undefined;
  }
};

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const job = jobOf(record.body);
    if (!job) {
      logger.warn('notify message dropped: neither an event nor a webhook attempt', { messageId: record.messageId });
      continue;
    }
    const event = job.kind === 'event' ? job.event : job.job.event;
    const fields = { messageId: record.messageId, accountId: job.accountId, eventId: event.eventId, type: event.type };
    try {
      if (job.kind === 'event') {
        // E-mail first: a redelivered event e-mails nobody twice, while webhooks are at least once anyway.
        const outcome = await deliverEvent(deps, job.accountId, job.event, { panelUrl: config.PARLEY_PANEL_URL });
        const webhooks = await fanOutEvent(deps, job.accountId, job.event);
        logger.info('event delivered', { ...fields, ...outcome, webhooks });
      } else {
        const outcome = await deliverWebhookJob(deps, job.accountId, job.job, { retryDelaysSeconds: config.PARLEY_WEBHOOK_RETRY_DELAYS_SECONDS });
        logger.info('webhook attempt', { ...fields, webhookId: job.job.webhookId, attempt: job.job.attempt, outcome });
      }
    } catch (err) {
      logger.error('event delivery failed', { ...fields, error: err });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
