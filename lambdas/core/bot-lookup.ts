/**
 * Finding one bot of an account: the rule every module about a bot's documents,
 * conversations or settings starts from, kept apart from bots.ts so that they
 * can use it without importing what bots.ts itself builds on.
 */
import { notFound } from './errors.ts';
import { isId } from './ids.ts';
import type { Deps } from './ports.ts';
import type { Bot } from './records.ts';
import type { TenantContext } from './tenancy.ts';

/** The account's bot; 404 for a missing one and for another account's, alike. */
export const getBot = async (deps: Pick<Deps, 'bots'>, tenant: TenantContext, botId: string): Promise<Bot> => {
  const bot = isId(botId) ? await deps.bots.get(tenant, botId) : null;
  if (!bot) throw notFound('bot');
  return bot;
};
