/**
 * A bot's webhooks, for owners and admins: subscribe an endpoint to events (its
 * signing secret shown once), change or pause it, rotate its secret (shown once
 * again; the old one still signs beside it for `WEBHOOK_SECRET_OVERLAP_HOURS`, or
 * less if the owner asks, say after a leak), send a test event, read its delivery log.
 * The URL and secret are sealed at rest and never returned after creation.
 *
 * A URL change and a rotation each re-seal URL and secret together, so two members
 * editing one webhook at once could undo each other's edit. Each write of the sealed
 * part is conditioned on the revision it was read at; one that lost the race reads the
 * webhook again and re-applies its edit on top (a new URL keeps the new secret, a new
 * secret the new URL), or, where that would silently replace what the other member was
 * just shown (two rotations), answers 409 and changes nothing.
 */
import { audit, type AuditSource } from './audit.ts';
import { getBot } from './bot-lookup.ts';
import { AppError, invalid, notFound, StaleWebhookError } from './errors.ts';
import { isId, newId } from './ids.ts';
import { MAX_WEBHOOKS_PER_BOT, WEBHOOK_SECRET_OVERLAP_HOURS } from './limits.ts';
import type { Deps, WebhookPatch, WebhookSecrets } from './ports.ts';
import type { EventType, Webhook, WebhookDelivery } from './records.ts';
import { requireRole } from './roles.ts';
import type { TenantContext } from './tenancy.ts';
import { attemptDelivery, testMessage } from './webhook-delivery.ts';
import { newWebhookSecret, webhookKindOf, webhookUrlHint } from './webhook-payload.ts';

type HookDeps = Pick<Deps, 'bots' | 'webhooks' | 'secrets' | 'audit' | 'clock' | 'stage'>;

/** How many attempts the panel's log shows. */
export const DELIVERY_LIST_LIMIT = 50;

/** How many times an edit of URL or secret is applied again after another member's edit landed first. */
const RESEAL_ATTEMPTS = 3;

/**
 * An endpoint owners may give: no credentials in it, and https on AWS (http only on the local platform, where
 * test receivers listen), so a webhook the sender would refuse is refused when it is saved, not at its first
 * delivery. Whether its address may be reached is the egress guard's to say, at each delivery.
 */
const endpointOf = (value: string, stage: Deps['stage']): URL => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('url: that is not a web address.', { field: 'url' });
  }
  if (url.protocol !== 'https:' && (url.protocol !== 'http:' || stage === 'aws')) throw invalid('url: a webhook is an https:// address.', { field: 'url' });
  if (url.username || url.password) throw invalid('url: put no user name or password in the address; check the signature instead.', { field: 'url' });
  return url;
};

const ownWebhook = async (deps: Pick<Deps, 'webhooks'>, tenant: TenantContext, botId: string, webhookId: string) => {
  const found = isId(webhookId) ? await deps.webhooks.get(tenant, botId, webhookId) : null;
  if (!found) throw notFound('webhook');
  return found;
};

/** An edit of the sealed URL and secret, made from what is sealed now; `first` is what was sealed at the first reading. */
type Reseal = (current: WebhookSecrets, first: WebhookSecrets) => { secrets: WebhookSecrets; patch: WebhookPatch };

/**
 * Applies `edit` to the webhook's sealed part and `patch` beside it, over the revision it read; when another edit
 * landed in between, reads again and applies it again (`edit` throws to refuse), at most `RESEAL_ATTEMPTS` times.
 */
const resealWebhook = async (deps: HookDeps, tenant: TenantContext, botId: string, webhookId: string, edit: Reseal): Promise<Webhook> => {
  let first: WebhookSecrets | undefined;
  for (let attempt = 1; ; attempt++) {
    const stored = await ownWebhook(deps, tenant, botId, webhookId);
    const current = await deps.secrets.openWebhook(tenant, webhookId, stored.sealed);
    first ??= current;
    const { secrets, patch } = edit(current, first);
    try {
      const blob = await deps.secrets.sealWebhook(tenant, webhookId, secrets);
      const webhook = await deps.webhooks.update(tenant, botId, webhookId, patch, { blob, basedOn: stored.revision });
      if (!webhook) throw notFound('webhook');
      return webhook;
    } catch (err) {
      if (!(err instanceof StaleWebhookError)) throw err;
      if (attempt >= RESEAL_ATTEMPTS) throw new AppError('conflict', 'Someone else is changing this webhook right now, and nothing of your change was saved. Reload the webhook and try again.');
    }
  }
};

export const listWebhooks = async (deps: Pick<Deps, 'bots' | 'webhooks'>, tenant: TenantContext, botId: string): Promise<{ webhooks: Webhook[] }> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  return { webhooks: await deps.webhooks.list(tenant, botId) };
};

export const createWebhook = async (
  deps: HookDeps,
  tenant: TenantContext,
  botId: string,
  input: { url: string; events: readonly EventType[] },
  source: AuditSource,
): Promise<{ webhook: Webhook; secret: string }> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  const url = endpointOf(input.url, deps.stage);
  if ((await deps.webhooks.list(tenant, botId)).length >= MAX_WEBHOOKS_PER_BOT) {
    throw new AppError('conflict', `A bot has at most ${MAX_WEBHOOKS_PER_BOT} webhooks: remove one first.`);
  }
  const now = deps.clock.now().toISOString();
  const webhook: Webhook = {
    webhookId: newId(deps.clock.now().getTime()),
    botId,
    kind: webhookKindOf(url),
    urlHint: webhookUrlHint(url),
    events: [...new Set(input.events)],
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
  const secret = newWebhookSecret();
  await deps.webhooks.put(tenant, webhook, await deps.secrets.sealWebhook(tenant, webhook.webhookId, { url: url.href, secret }));
  await audit(deps, tenant, source, 'webhook.create', 'ok', { target: webhook.webhookId });
  return { webhook, secret };
};

export const updateWebhook = async (
  deps: HookDeps,
  tenant: TenantContext,
  botId: string,
  webhookId: string,
  input: { url?: string | undefined; events?: readonly EventType[] | undefined; enabled?: boolean | undefined },
  source: AuditSource,
): Promise<{ webhook: Webhook }> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  const url = input.url === undefined ? undefined : endpointOf(input.url, deps.stage);
  // Either way the notice of an earlier turn-off by Parley is done with: it names no current state.
  const enabled = input.enabled === undefined ? {}
    : input.enabled ? { status: 'active' as const, disabledReason: undefined, disabledNoticeId: undefined }
      : { status: 'disabled' as const, disabledReason: 'Turned off by a member.', disabledNoticeId: undefined };
  const patch: WebhookPatch = {
    ...(url ? { kind: webhookKindOf(url), urlHint: webhookUrlHint(url) } : {}),
    ...(input.events ? { events: [...new Set(input.events)] } : {}),
    ...enabled,
    updatedAt: deps.clock.now().toISOString(),
  };
  // A new address is sealed with whatever secret is current when it lands, a rotation made meanwhile included.
  const webhook = url
    ? await resealWebhook(deps, tenant, botId, webhookId, (current) => ({ secrets: { ...current, url: url.href }, patch }))
    : isId(webhookId) ? await deps.webhooks.update(tenant, botId, webhookId, patch) : null;
  if (!webhook) throw notFound('webhook');
  await audit(deps, tenant, source, 'webhook.update', 'ok', { target: webhookId });
  return { webhook };
};

export const rotateWebhookSecret = async (
  deps: HookDeps,
  tenant: TenantContext,
  botId: string,
  webhookId: string,
  input: { previousValidHours?: number | undefined },
  source: AuditSource,
): Promise<{ webhook: Webhook; secret: string }> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  const secret = newWebhookSecret();
  const now = deps.clock.now();
  const hours = Math.min(input.previousValidHours ?? WEBHOOK_SECRET_OVERLAP_HOURS, WEBHOOK_SECRET_OVERLAP_HOURS);
  const until = new Date(now.getTime() + hours * 3_600_000).toISOString();
  const webhook = await resealWebhook(deps, tenant, botId, webhookId, (current, first) => {
    // Another rotation landed first: its secret was shown to whoever made it, and is the one to keep.
    if (current.secret !== first.secret) {
      throw new AppError('conflict', 'Someone else rotated this webhook\'s secret at the same moment, and the secret they were shown is the one in use: yours was not made. Reload the webhook, and rotate again if you need a new secret.');
    }
    // Only the secret just replaced overlaps: one before it stops now, whatever was left of its window.
    const previous = hours > 0 ? { secret: current.secret, until } : undefined;
    // The address is whatever is current when it lands, a change made meanwhile included.
    return { secrets: { url: current.url, secret, ...(previous ? { previous } : {}) }, patch: { updatedAt: now.toISOString(), previousSecretUntil: previous?.until } };
  });
  await audit(deps, tenant, source, 'webhook.rotate', 'ok', { target: webhookId, detail: { previousValidHours: hours } });
  return { webhook, secret };
};

export const deleteWebhook = async (deps: HookDeps, tenant: TenantContext, botId: string, webhookId: string, source: AuditSource): Promise<void> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  if (!isId(webhookId) || !(await deps.webhooks.delete(tenant, botId, webhookId))) throw notFound('webhook');
  await audit(deps, tenant, source, 'webhook.delete', 'ok', { target: webhookId });
};

/** Posts a `webhook.test` event now, through the same guard and signature as events, and logs it. */
export const testWebhook = async (
  deps: HookDeps & Pick<Deps, 'webhookSender'>,
  tenant: TenantContext,
  botId: string,
  webhookId: string,
  source: AuditSource,
): Promise<{ delivery: WebhookDelivery }> => {
  requireRole(tenant, 'admin');
  const bot = await getBot(deps, tenant, botId);
  const stored = await ownWebhook(deps, tenant, botId, webhookId);
  const secrets = await deps.secrets.openWebhook(tenant, webhookId, stored.sealed);
  const delivery = await attemptDelivery(deps, tenant, stored.webhook, secrets, testMessage(stored.webhook, bot.name, deps.clock.now()), 1);
  await audit(deps, tenant, source, 'webhook.test', delivery.ok ? 'ok' : 'failed', { target: webhookId });
  return { delivery };
};

export const listWebhookDeliveries = async (deps: Pick<Deps, 'bots' | 'webhooks'>, tenant: TenantContext, botId: string, webhookId: string): Promise<{ deliveries: WebhookDelivery[] }> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  await ownWebhook(deps, tenant, botId, webhookId);
  return { deliveries: await deps.webhooks.listDeliveries(tenant, webhookId, DELIVERY_LIST_LIMIT) };
};
