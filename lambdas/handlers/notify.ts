/**
 * The notify function: SQS messages `{"parley":"event",accountId,event}` from the
 * functions where events arise (the widget function's handoffs and leads), one a
 * batch. Each is e-mailed to the members who want it (`core/notify.ts`); a failed
 * one is reported as a partial batch failure, so the queue delivers it again and,
 * after its retries, moves it to the notify dead-letter queue, which alarms.
 * Log lines hold ids and counts, never addresses or what a visitor wrote.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { isEventType, type VisitorEvent } from '../core/events.ts';
import { isId } from '../core/ids.ts';
import { deliverEvent } from '../core/notify.ts';
import type { EventMessage } from '../adapters/sqs/event-queue.ts';
import { getRuntime } from '../adapters/wiring.ts';

const { deps, logger, config } = getRuntime();

/** The event a message carries, or undefined for one that is not an event (dropped: retrying cannot mend it). */
const eventOf = (body: string): { accountId: string; event: VisitorEvent } | undefined => {
  try {
    const message = JSON.parse(body) as Partial<EventMessage>;
    const e = message.event;
    if (message.parley !== 'event' || !isId(message.accountId) || !e || !isEventType(e.type)) return undefined;
    if (!isId(e.eventId) || !isId(e.botId) || !isId(e.contactId) || typeof e.at !== 'string') return undefined;
    return { accountId: message.accountId, event: { eventId: e.eventId, type: e.type, botId: e.botId, contactId: e.contactId, at: e.at } };
  } catch {
    return undefined;
  }
};

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const job = eventOf(record.body);
    if (!job) {
      logger.warn('notify message dropped: not an event', { messageId: record.messageId });
      continue;
    }
    const fields = { messageId: record.messageId, accountId: job.accountId, eventId: job.event.eventId, type: job.event.type };
    try {
      const outcome = await deliverEvent(deps, job.accountId, job.event, { panelUrl: config.PARLEY_PANEL_URL });
      logger.info('event delivered', { ...fields, ...outcome });
    } catch (err) {
      logger.error('event delivery failed', { ...fields, error: err });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
