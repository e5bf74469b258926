/**
 * What a webhook receives. Generic endpoints get JSON `{type, version, id,
 * createdAt, data}` (each type's shape is lambdas/contracts/webhook-events.ts, published as JSON Schema) signed in a `Parley-Signature` header, `t=<unix seconds>,
 * v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's secret>` (the scheme
 * Stripe uses; README shows how to check it), with a second `v1=` from the
 * previous secret for a while after a rotation. Slack incoming webhooks get Slack's
 * `{"text": …}`, the visitor's words escaped as Slack asks (`&`, `<`, `>`), so
 * they cannot mention a channel or make a link of their own.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { WEBHOOK_PAYLOAD_VERSION, type Bot, type EventType, type VisitorContact, type WebhookKind } from './records.ts';

export const SIGNATURE_HEADER = 'Parley-Signature';

/** A new signing secret, as the owner sees it once: `whsec_` and 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `hooks.slack.com/services/…` is Slack's incoming webhook; anything else is generic JSON. */
export const webhookKindOf = (url: URL): WebhookKind => (url.hostname === 'hooks.slack.com' && url.pathname.startsWith('/services/') ? 'slack' : 'generic');

/** The URL as the panel shows it: no query, no credentials, path segments of 12 characters or more masked (tokens). */
export const webhookUrlHint = (url: URL): string =>
  `${url.protocol}//${url.host}${url.pathname.split('/').map((p) => (p.length >= 12 ? `${p.slice(0, 2)}…` : p)).join('/')}`;

/** The `Parley-Signature` value for `body` sent at `unixSeconds`: one `v1=` per secret that signs, the current one first. */
export const signWebhookBody = (secret: string, unixSeconds: number, body: string, alsoSignedBy: readonly string[] = []): string =>
  [`t=${unixSeconds}`, ...[secret, ...alsoSignedBy].map((s) => `v1=${createHmac('sha256', s).update(`${unixSeconds}.${body}`).digest('hex')}`)].join(',');

/** The event's data: the ids, and what the visitor left (the receiving system is the owner's own). */
export const contactData = (bot: Pick<Bot, 'botId' | 'name'>, contact: VisitorContact): Record<string, unknown> => ({
  bot: { botId: bot.botId, name: bot.name },
  contactId: contact.contactId,
  ...(contact.conversationId ? { conversationId: contact.conversationId } : {}),
  visitor: {
    ...(contact.name !== undefined ? { name: contact.name } : {}),
    ...(contact.email !== undefined ? { email: contact.email } : {}),
    ...(contact.phone !== undefined ? { phone: contact.phone } : {}),
    ...(contact.message !== undefined ? { message: contact.message } : {}),
    ...(contact.fields !== undefined ? { fields: contact.fields } : {}),
  },
});

export interface WebhookMessage {
  readonly type: EventType | 'webhook.test';
  readonly id: string;
  readonly createdAt: string;
  readonly data: Record<string, unknown>;
}

/** Slack's text escaping: these three only (https://api.slack.com/reference/surfaces/formatting#escaping). */
const slackEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const SLACK_TITLES: Record<WebhookMessage['type'], string> = {
  'handoff.requested': 'A visitor asked for a person',
  'lead.created': 'New lead',
  'conversation.unanswered': 'A question the bot could not answer',
  'feedback.negative': 'A visitor gave an answer a thumbs-down',
  'document.failed': 'A document failed to process',
  'webhook.test': 'Test event from Parley',
};

const slackLine = (label: string, value: unknown): string[] => (typeof value === 'string' ? [`${label}: ${slackEscape(value)}`] : []);

const slackText = (m: WebhookMessage): string => {
  const data = m.data as { bot?: { name?: string }; visitor?: Record<string, unknown>; question?: unknown; comment?: unknown; document?: { name?: unknown; error?: unknown } };
  const visitor = data.visitor ?? {};
  const lines = [
    `*${slackEscape(SLACK_TITLES[m.type])}*${data.bot?.name ? ` · ${slackEscape(data.bot.name)}` : ''}`,
    ...(['name', 'email', 'phone', 'message'] as const).flatMap((k) => slackLine(`${k[0]!.toUpperCase()}${k.slice(1)}`, visitor[k])),
    ...Object.entries((visitor.fields ?? {}) as Record<string, string>).map(([k, v]) => `${slackEscape(k)}: ${slackEscape(v)}`),
    ...slackLine('Question', data.question),
    ...slackLine('Comment', data.comment),
    ...slackLine('Document', data.document?.name),
    ...slackLine('Reason', data.document?.error),
  ];
  return lines.join('\n');
};

/**
 * The body and headers of one delivery. `previous`, the secret before the last rotation,
 * signs too until its time is up, so a receiver still holding it keeps verifying.
 */
export const webhookRequest = (
  kind: WebhookKind,
  secret: string,
  message: WebhookMessage,
  now: Date,
  previous?: { readonly secret: string; readonly until: string },
): { body: string; headers: Record<string, string> } => {
  const body = kind === 'slack'
    ? JSON.stringify({ text: slackText(message) })
    : JSON.stringify({ type: message.type, version: WEBHOOK_PAYLOAD_VERSION, id: message.id, createdAt: message.createdAt, data: message.data });
  const t = Math.floor(now.getTime() / 1000);
  const alsoSignedBy = previous && now.getTime() < Date.parse(previous.until) ? [previous.secret] : [];
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1',
      ...(kind === 'slack' ? {} : { [SIGNATURE_HEADER]: signWebhookBody(secret, t, body, alsoSignedBy), 'Parley-Event-Id': message.id }),
    },
  };
};
