/** Every admin API area's contract, for the admin function's dispatch and the route table. */
import { accountContract } from './account.ts';
import { botsContract } from './bots.ts';
import { conversationsContract } from './conversations.ts';
import { documentsContract } from './documents.ts';
import { keysContract } from './keys.ts';
import { notificationsContract } from './notifications.ts';
import { webhooksContract } from './webhooks.ts';
import { teamContract } from './team.ts';
import { usageAuditContract } from './usage-audit.ts';

/** The admin areas by name, each one contract module. */
export const adminContracts = {
  account: accountContract,
  usageAudit: usageAuditContract,
  team: teamContract,
  keys: keysContract,
  bots: botsContract,
  documents: documentsContract,
  conversations: conversationsContract,
  notifications: notificationsContract,
  webhooks: webhooksContract,
} as const;
