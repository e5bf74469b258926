/**
 * Erasing a whole account, on its owner's request. The account is locked first,
 * so nobody acts on it while it goes; then every bot with everything it holds
 * (the public id first, so widgets stop at once), every item left under the
 * account's partitions, every stored object (all versions), and finally the
 * account's content key, so a copy of anything sealed under it — in a backup,
 * say — can no longer be read. What remains is a record that an account of this
 * id was erased, and when.
 */
import { getAccount } from './accounts.ts';
import { requireRole } from './roles.ts';
import { deleteBotContents } from './bots.ts';
import { digestDaysUpTo } from './digest.ts';
import { requireNoHold } from './legal-hold.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';

/** The ports eraseAccount uses, directly and through what it calls. */
export type EraseAccountDeps = Pick<Deps, 'accounts' | 'bots' | 'chunks' | 'cipher' | 'clock' | 'conversations' | 'documents' | 'index' | 'notifications' | 'objects' | 'webhooks'>;

export const eraseAccount = async (deps: EraseAccountDeps, tenant: TenantContext): Promise<void> => {
  requireRole(tenant, 'owner');
  const account = await getAccount(deps, tenant);
  await requireNoHold(deps, tenant, account);
  if (account.status !== 'locked') await deps.accounts.update(tenant, { ...account, status: 'locked' });
  const bots = await deps.bots.list(tenant);
  // Widgets stop before anything else goes: one write per bot.
  await Promise.all(bots.map((bot) => deps.bots.delete(tenant, bot)));
  for (const bot of bots) await deleteBotContents(deps, tenant, bot.botId);
  await deps.objects.deletePrefix(tenant, '');
  // The daily digest's marks name the account outside its partitions.
  await deps.notifications.forgetDigestDays(tenant, digestDaysUpTo(deps.clock.now()));
  await deps.accounts.erase(tenant, deps.clock.now().toISOString());
  await deps.cipher.destroyAccountKey(tenant);
};
