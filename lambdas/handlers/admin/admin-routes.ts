/** The admin function's implementations, one map per contract area, by route name. */
import { adminContracts } from '../../contracts/admin.ts';
import { routesOf } from '../../contracts/contract.ts';
import { accountRoutes } from './account-routes.ts';
import { botRoutes } from './bot-routes.ts';
import { conversationRoutes } from './conversation-routes.ts';
import { documentRoutes } from './document-routes.ts';
import { keyRoutes } from './key-routes.ts';
import { notificationRoutes } from './notification-routes.ts';
import { webhookRoutes } from './webhook-routes.ts';
import { teamRoutes } from './team-routes.ts';
import { usageAuditRoutes } from './usage-audit-routes.ts';

/** Every admin route of the contracts. */
export const adminApiRoutes = routesOf(...Object.values(adminContracts));

/** Each area's implementations, under the area's name in `adminContracts`. */
export const adminImplementations = {
  account: accountRoutes,
  usageAudit: usageAuditRoutes,
  team: teamRoutes,
  keys: keyRoutes,
  bots: botRoutes,
  documents: documentRoutes,
  conversations: conversationRoutes,
  notifications: notificationRoutes,
  webhooks: webhookRoutes,
} satisfies Record<keyof typeof adminContracts, object>;

/** The implementations of every area by route name (route names are unique across areas). */
export const adminRoutes = Object.assign({}, ...Object.values(adminImplementations)) as
  typeof accountRoutes & typeof usageAuditRoutes & typeof teamRoutes & typeof keyRoutes & typeof botRoutes & typeof documentRoutes & typeof conversationRoutes & typeof notificationRoutes & typeof webhookRoutes;
