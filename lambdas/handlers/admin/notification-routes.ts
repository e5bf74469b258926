/** The notifications contract's routes: members' and bots' e-mail choices, and the notifications sent (one with its text, where kept). */
import type { notificationsContract } from '../../contracts/notifications.ts';
import { getBotNotifications, getMyNotifications, updateBotNotifications, updateMyNotifications } from '../../core/notification-prefs.ts';
import { listSentNotifications, readSentMail } from '../../core/sent-mail.ts';
import type { Implementations } from '../../http/dispatch.ts';
import type { AdminContext } from './context.ts';

export const notificationRoutes = {
  getMyNotifications: async ({ deps, tenant }) => getMyNotifications(deps, await tenant()),
  updateMyNotifications: async ({ deps, tenant, source }, { body }) => updateMyNotifications(deps, await tenant(), body, source),
  listSentNotifications: async ({ deps, tenant }) => listSentNotifications(deps, await tenant()),
  readSentNotification: async ({ deps, tenant }, { params }) => readSentMail(deps, await tenant(), params.eventId, params.userId),
  getBotNotifications: async ({ deps, tenant }, { params }) => getBotNotifications(deps, await tenant(), params.botId),
  updateBotNotifications: async ({ deps, tenant, source }, { params, body }) => updateBotNotifications(deps, await tenant(), params.botId, body, source),
} satisfies Implementations<typeof notificationsContract, AdminContext>;
