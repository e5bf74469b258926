/**
 * Delivering events to webhooks. The notify function fans an event out as one
 * queued job per subscribed webhook; each job is one attempt, and a failed one
 * queues the next after `WEBHOOK_RETRY_DELAYS_SECONDS` (24 hours in all).
 * When the last attempt fails too, the webhook is disabled and its account's
 * owners and admins are e-mailed (webhook-off-mail.ts). Every attempt is logged with its status code.
 * Delivery is at least once: receivers tell repeats apart by the event's `id`.
 */
import { eventData } from './event-data.ts';
import type { ParleyEvent } from './events.ts';
import { newId } from './ids.ts';
import { WEBHOOK_RETRY_DELAYS_SECONDS } from './limits.ts';
import type { Deps, WebhookJob, WebhookSecrets } from './ports.ts';
import type { Webhook, WebhookDelivery } from './records.ts';
import { tenantForSystem, type TenantContext } from './tenancy.ts';
import { isOffByParley, noticeIdOf, tellTurnedOff, turnOffPatch } from './webhook-off-mail.ts';
import { webhookRequest, type WebhookMessage } from './webhook-payload.ts';

/** How long attempts are logged. */
export const DELIVERY_LOG_DAYS = 30;
/** SQS delays a message by at most this; a later attempt is queued again until it is due. */
const MAX_QUEUE_DELAY_SECONDS = 900;

const DAY_MS = 86_400_000;

/** Queues the first attempt for each active webhook of the event's bot that subscribes to its type. */
export const fanOutEvent = async (deps: Pick<Deps, 'webhooks' | 'events' | 'clock'>, accountId: string, event: ParleyEvent): Promise<number> => {
  const tenant = tenantForSystem(accountId);
  const hooks = (await deps.webhooks.list(tenant, event.botId)).filter((h) => h.status === 'active' && h.events.includes(event.type));
  const dueAt = deps.clock.now().toISOString();
  for (const hook of hooks) await deps.events.scheduleWebhook(tenant, { webhookId: hook.webhookId, botId: event.botId, event, attempt: 1, dueAt }, 0);
  return hooks.length;
};

/** One attempt: posts the message, logs it, and returns the log entry. */
export const attemptDelivery = async (
  deps: Pick<Deps, 'webhooks' | 'webhookSender' | 'clock'>,
  tenant: TenantContext,
  webhook: Webhook,
  secrets: WebhookSecrets,
  message: WebhookMessage,
  attempt: number,
  nextAttemptAt?: string,
): Promise<WebhookDelivery> => {
  const started = deps.clock.now();
  const { body, headers } = webhookRequest(webhook.kind, secrets.secret, message, started, secrets.previous);
  const response = await deps.webhookSender.post(secrets.url, body, headers);
  const ok = 'statusCode' in response && response.statusCode >= 200 && response.statusCode < 300;
  const ended = deps.clock.now();
  const delivery: WebhookDelivery = {
    deliveryId: newId(ended.getTime()),
    webhookId: webhook.webhookId,
    eventId: message.id,
    type: message.type,
    attempt,
    ...('statusCode' in response ? { statusCode: response.statusCode } : {}),
    ok,
    ...(ok ? {} : { error: 'error' in response ? response.error : `The endpoint answered ${response.statusCode}${response.reason ? ` (${response.reason})` : ''}.` }),
    durationMs: ended.getTime() - started.getTime(),
    ...(!ok && nextAttemptAt ? { nextAttemptAt } : {}),
    at: ended.toISOString(),
    expiresAt: new Date(ended.getTime() + DELIVERY_LOG_DAYS * DAY_MS).toISOString(),
  };
  await deps.webhooks.logDelivery(tenant, delivery);
  return delivery;
};

export type WebhookJobDeps = Pick<Deps, 'webhooks' | 'webhookSender' | 'secrets' | 'events' | 'contacts' | 'conversations' | 'documents' | 'bots' | 'accounts' | 'notifications' | 'mailer' | 'clock'>;

/** What became of a job, for the function's log line. */
export type JobOutcome = 'delivered' | 'retrying' | 'disabled' | 'rescheduled' | 'dropped';

export const deliverWebhookJob = async (
  deps: WebhookJobDeps,
  accountId: string,
  job: WebhookJob,
  options: { retryDelaysSeconds?: readonly number[] | undefined } = {},
): Promise<JobOutcome> => {
  const retryDelays = options.retryDelaysSeconds ?? WEBHOOK_RETRY_DELAYS_SECONDS;
  const tenant = tenantForSystem(accountId);
  const now = deps.clock.now();
  const waitSeconds = Math.ceil((Date.parse(job.dueAt) - now.getTime()) / 1000);
  if (waitSeconds > 0) {
    await deps.events.scheduleWebhook(tenant, job, Math.min(waitSeconds, MAX_QUEUE_DELAY_SECONDS));
    return 'rescheduled';
  }
  const stored = await deps.webhooks.get(tenant, job.botId, job.webhookId);
  if (!stored) return 'dropped';
  const delay = retryDelays[job.attempt - 1];
  if (stored.webhook.status !== 'active') {
    // The job that turned this webhook off, delivered again because its e-mail failed: nothing is posted again, and
    // the e-mail goes to whoever the sent log does not name yet. Any other job finding it off is dropped.
    if (delay !== undefined || !isOffByParley(stored.webhook) || stored.webhook.disabledNoticeId !== noticeIdOf(job)) return 'dropped';
    const owner = await deps.bots.get(tenant, job.botId);
    if (owner) await tellTurnedOff(deps, tenant, owner.name, stored.webhook);
    return 'disabled';
  }
  const bot = await deps.bots.get(tenant, job.botId);
  // Deleted or expired since: there is nothing left to tell.
  const data = bot ? await eventData(deps, tenant, bot, job.event) : null;
  if (!bot || !data) return 'dropped';

  const secrets = await deps.secrets.openWebhook(tenant, job.webhookId, stored.sealed);
  const nextAt = delay === undefined ? undefined : new Date(now.getTime() + delay * 1000).toISOString();
  const message: WebhookMessage = { type: job.event.type, id: job.event.eventId, createdAt: job.event.at, data };
  const delivery = await attemptDelivery(deps, tenant, stored.webhook, secrets, message, job.attempt, nextAt);
  if (delivery.ok) {
    await deps.webhooks.update(tenant, job.botId, job.webhookId, { lastSuccessAt: delivery.at });
    return 'delivered';
  }
  if (delay !== undefined && nextAt) {
    await deps.webhooks.update(tenant, job.botId, job.webhookId, { lastFailureAt: delivery.at });
    await deps.events.scheduleWebhook(tenant, { ...job, attempt: job.attempt + 1, dueAt: nextAt }, Math.min(delay, MAX_QUEUE_DELAY_SECONDS));
    return 'retrying';
  }
  const disabled = await deps.webhooks.update(tenant, job.botId, job.webhookId, turnOffPatch(job, delivery.at, delivery.error ?? 'no answer'), undefined, 'active');
  // Null when another job turned it off first (or the owner did): only the job that turned it off sends the e-mail now.
  if (disabled) await tellTurnedOff(deps, tenant, bot.name, disabled);
  return 'disabled';
};

/** The event id of a test: a fresh id, never an event's. */
export const testMessage = (webhook: Webhook, botName: string, now: Date): WebhookMessage => ({
  type: 'webhook.test',
  id: newId(now.getTime()),
  createdAt: now.toISOString(),
  data: { bot: { botId: webhook.botId, name: botName }, webhookId: webhook.webhookId, message: 'A test event from Parley: your endpoint is reachable and checks signatures.' },
});
