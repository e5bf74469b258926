/**
 * A bot's webhooks: subscriptions to its events, each signed with a secret that is
 * shown once (at creation and at each rotation), a test event, and the delivery log.
 */
import * as z from 'zod';
import { EVENT_TYPES, type Webhook, type WebhookDelivery } from '../core/records.ts';
import { WEBHOOK_SECRET_OVERLAP_HOURS } from '../core/limits.ts';
import { route } from './contract.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;
const events = z.array(z.enum(EVENT_TYPES)).min(1, 'choose at least one event').max(EVENT_TYPES.length);
const url = z.string().trim().min(1).max(2000);

export const webhooksContract = {
  listWebhooks: route<{ webhooks: Webhook[] }>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}/webhooks', status: 200 }),
  createWebhook: route<{ webhook: Webhook; secret: string }>()({
    ...admin, method: 'POST', path: '/v1/bots/{botId}/webhooks', status: 201, audit: ['webhook.create'],
    body: z.object({ url, events }).strict(),
  }),
  updateWebhook: route<{ webhook: Webhook }>()({
    ...admin, method: 'PATCH', path: '/v1/bots/{botId}/webhooks/{webhookId}', status: 200, audit: ['webhook.update'],
    body: z.object({ url: url.optional(), events: events.optional(), enabled: z.boolean().optional() }).strict(),
  }),
  deleteWebhook: route()({ ...admin, method: 'DELETE', path: '/v1/bots/{botId}/webhooks/{webhookId}', status: 204, audit: ['webhook.delete'] }),
  rotateWebhookSecret: route<{ webhook: Webhook; secret: string }>()({
    ...admin, method: 'POST', path: '/v1/bots/{botId}/webhooks/{webhookId}/rotate', status: 200, audit: ['webhook.rotate'],
    // How long the old secret signs beside the new one; 0 after a leak. Without a body, WEBHOOK_SECRET_OVERLAP_HOURS.
    body: z.object({ previousValidHours: z.number().int().min(0).max(WEBHOOK_SECRET_OVERLAP_HOURS).optional() }).strict(),
  }),
  testWebhook: route<{ delivery: WebhookDelivery }>()({
    ...admin, method: 'POST', path: '/v1/bots/{botId}/webhooks/{webhookId}/test', status: 200, audit: ['webhook.test'],
  }),
  listWebhookDeliveries: route<{ deliveries: WebhookDelivery[] }>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}/webhooks/{webhookId}/deliveries', status: 200 }),
} as const;
