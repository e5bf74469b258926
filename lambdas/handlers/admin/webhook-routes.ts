/** The webhooks contract's routes: a bot's webhooks, their secrets (shown once), tests and delivery logs. */
import type { webhooksContract } from '../../contracts/webhooks.ts';
import {
  createWebhook, deleteWebhook, listWebhookDeliveries, listWebhooks, rotateWebhookSecret, testWebhook, updateWebhook,
} from '../../core/webhooks.ts';
import type { Implementations } from '../../http/dispatch.ts';
import type { AdminContext } from './context.ts';

export const webhookRoutes = {
  listWebhooks: async ({ deps, tenant }, { params }) => listWebhooks(deps, await tenant(), params.botId),
  createWebhook: async ({ deps, tenant, source }, { params, body }) => createWebhook(deps, await tenant(), params.botId, body, source),
  updateWebhook: async ({ deps, tenant, source }, { params, body }) => updateWebhook(deps, await tenant(), params.botId, params.webhookId, body, source),
  deleteWebhook: async ({ deps, tenant, source }, { params }) => deleteWebhook(deps, await tenant(), params.botId, params.webhookId, source),
  rotateWebhookSecret: async ({ deps, tenant, source }, { params, body }) => rotateWebhookSecret(deps, await tenant(), params.botId, params.webhookId, body, source),
  testWebhook: async ({ deps, tenant, source }, { params }) => testWebhook(deps, await tenant(), params.botId, params.webhookId, source),
  listWebhookDeliveries: async ({ deps, tenant }, { params }) => listWebhookDeliveries(deps, await tenant(), params.botId, params.webhookId),
} satisfies Implementations<typeof webhooksContract, AdminContext>;
