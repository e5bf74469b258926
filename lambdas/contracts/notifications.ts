/**
 * Notifications: each member's own e-mail choices in the account acted for (under
 * `/v1/me/…`: a viewer may change their own), a bot's
 * (which of its events are e-mailed at all), and the account's recent notification
 * e-mails, each of which opens with its text where a copy is kept (locally).
 */
import * as z from 'zod';
import { EMAIL_EVENTS, type BotNotificationPrefs, type SentNotification } from '../core/records.ts';
import { route } from './contract.ts';
import type { MyNotificationsView, SentMailView } from './views.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;

/** `{"email":{"handoff.requested":true}}`: the events named change, the others stay. */
const emailChoices = z.object({
  email: z.object(Object.fromEntries(EMAIL_EVENTS.map((e) => [e, z.boolean().optional()])) as Record<(typeof EMAIL_EVENTS)[number], z.ZodOptional<z.ZodBoolean>>).strict(),
}).strict();

/** A member's own choices: `email` as above, and `digest` (the daily digest e-mail, off unless chosen). */
const myChoices = z.object({ email: emailChoices.shape.email.optional(), digest: z.boolean().optional() }).strict();

export const notificationsContract = {
  getMyNotifications: route<MyNotificationsView>()({ ...admin, method: 'GET', path: '/v1/me/notifications', status: 200 }),
  updateMyNotifications: route<MyNotificationsView>()({
    ...admin, method: 'PUT', path: '/v1/me/notifications', status: 200, audit: ['notifications.update'], body: myChoices,
  }),
  listSentNotifications: route<{ sent: SentNotification[] }>()({ ...admin, method: 'GET', path: '/v1/notifications/sent', status: 200 }),
  /** One of them, with its text where a copy is kept (the local outbox); `userId` is the member it went to. */
  readSentNotification: route<SentMailView>()({ ...admin, method: 'GET', path: '/v1/notifications/sent/{eventId}/{userId}', status: 200 }),
  getBotNotifications: route<{ preferences: BotNotificationPrefs }>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}/notifications', status: 200 }),
  updateBotNotifications: route<{ preferences: BotNotificationPrefs }>()({
    ...admin, method: 'PUT', path: '/v1/bots/{botId}/notifications', status: 200, audit: ['bot.notifications.update'], body: emailChoices,
  }),
} as const;
