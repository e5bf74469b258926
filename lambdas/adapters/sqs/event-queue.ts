/**
 * Puts events on the notify queue as `{"parley":"event","accountId",event}` (ids
 * only), for the notify function. A visitor's request has succeeded by the time
 * it publishes, so publishing never throws: a queue that is not configured, or a
 * send that fails, is logged (`event not queued`, an error line the stack turns into
 * the metric `EventsNotQueued` and alarms on) instead. Webhook attempts go on
 * the same queue as `{"parley":"webhook",accountId,job}`, delayed for retries;
 * those are sent by the notify function itself, which lets a failure throw.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ParleyEvent } from '../../core/events.ts';
import type { EventQueue, WebhookJob } from '../../core/ports.ts';
import type { Logger } from '../../shared/logger.ts';
import { recordAwsCalls } from '../aws/call-log.ts';

/**
 * The log line of an event that could not be queued (`{"level":"error","message":"event not queued",…}`),
 * which the monitoring construct's metric filter counts.
 */
export const EVENT_NOT_QUEUED = 'event not queued';

/** A queued event, as the notify function reads it. */
export interface EventMessage {
  readonly parley: 'event';
  readonly accountId: string;
  readonly event: ParleyEvent;
}

/** A queued attempt to deliver an event to a webhook. */
export interface WebhookJobMessage {
  readonly parley: 'webhook';
  readonly accountId: string;
  readonly job: WebhookJob;
}

/** A queued digest: one account's e-mail of a day's unanswered questions and thumbs-down. */
export interface DigestJobMessage {
  readonly parley: 'digest';
  readonly accountId: string;
  readonly day: string;
}

export interface EventQueueOptions {
  readonly region: string;
  /** The notify queue; unset, events are dropped with a warning (a deployment without the notify function). */
  readonly queueUrl?: string | undefined;
  /** Endpoint override: the local platform's SQS endpoint. */
  readonly endpoint?: string | undefined;
  readonly logger: Logger;
}

export const createEventQueue = (opts: EventQueueOptions): EventQueue => {
  // Made on first send: most requests of the functions that publish queue nothing.
  let sqs: SQSClient | undefined;
  const send = async (body: EventMessage | WebhookJobMessage | DigestJobMessage, delaySeconds = 0): Promise<void> => {
    if (!opts.queueUrl) throw new Error('PARLEY_NOTIFY_QUEUE_URL is not configured for this function');
    const sdk = await import('@aws-sdk/client-sqs');
    sqs ??= recordAwsCalls(new sdk.SQSClient({
      region: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    }));
    await sqs.send(new sdk.SendMessageCommand({ QueueUrl: opts.queueUrl, MessageBody: JSON.stringify(body), ...(delaySeconds > 0 ? { DelaySeconds: Math.min(900, Math.ceil(delaySeconds)) } : {}) }));
  };
  return {
    async publish(tenant, event) {
      const fields = { accountId: tenant.accountId, eventId: event.eventId, type: event.type };
      // One message for both causes: the stack counts these lines (metric EventsNotQueued) and alarms on one.
      if (!opts.queueUrl) {
        opts.logger.error(EVENT_NOT_QUEUED, { ...fields, reason: 'PARLEY_NOTIFY_QUEUE_URL is not configured' });
        return;
      }
      try {
        await send({ parley: 'event', accountId: tenant.accountId, event });
      } catch (err) {
        opts.logger.error(EVENT_NOT_QUEUED, { ...fields, reason: 'send failed', error: err });
      }
    },

    async scheduleWebhook(tenant, job, delaySeconds) {
      await send({ parley: 'webhook', accountId: tenant.accountId, job }, delaySeconds);
    },

    async queueDigest(tenant, day) {
      await send({ parley: 'digest', accountId: tenant.accountId, day });
    },
  };
};
