/**
 * Puts events on the notify queue as `{"parley":"event","accountId",event}` (ids
 * only), for the notify function. A visitor's request has succeeded by the time
 * it publishes, so nothing here throws: a queue that is not configured, or a send
 * that fails, is logged (`event not queued`, which the monitoring counts) instead.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { VisitorEvent } from '../../core/events.ts';
import type { EventQueue } from '../../core/ports.ts';
import type { Logger } from '../../shared/logger.ts';
import { recordAwsCalls } from '../aws/call-log.ts';

/** A queued event, as the notify function reads it. */
export interface EventMessage {
  readonly parley: 'event';
  readonly accountId: string;
  readonly event: VisitorEvent;
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
  return {
    async publish(tenant, event) {
      const fields = { accountId: tenant.accountId, eventId: event.eventId, type: event.type };
      if (!opts.queueUrl) {
        opts.logger.warn('event not queued: PARLEY_NOTIFY_QUEUE_URL is not configured', fields);
        return;
      }
      try {
        const sdk = await import('@aws-sdk/client-sqs');
        sqs ??= recordAwsCalls(new sdk.SQSClient({
          region: opts.region,
          ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
        }));
        const message: EventMessage = { parley: 'event', accountId: tenant.accountId, event };
        await sqs.send(new sdk.SendMessageCommand({ QueueUrl: opts.queueUrl, MessageBody: JSON.stringify(message) }));
      } catch (err) {
        opts.logger.error('event not queued', { ...fields, error: err });
      }
    },
  };
};
