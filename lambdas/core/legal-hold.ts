/**
 * Legal hold, placed and lifted by the operator (never by the account): while it
 * holds, nothing of the account expires and nothing can be erased — not the
 * account, a bot, a document, a conversation or a visitor's data. Placing and
 * lifting are recorded in the account's audit log.
 */
import { audit } from './audit.ts';
import { AppError, notFound } from './errors.ts';
import type { Account } from './records.ts';
import type { Deps } from './ports.ts';
import { tenantForSystem, type TenantContext } from './tenancy.ts';

const botIdsOf = async (deps: Pick<Deps, 'bots'>, tenant: TenantContext) => (await deps.bots.list(tenant)).map((b) => b.botId);

export const placeLegalHold = async (deps: Pick<Deps, 'accounts' | 'audit' | 'bots' | 'clock' | 'retention'>, accountId: string, reason: string): Promise<{ suspended: number }> => {
  const tenant = tenantForSystem(accountId);
  const account = await deps.accounts.get(tenant);
  if (!account) throw notFound('account');
  if (!reason.trim()) throw new AppError('invalid_request', 'A legal hold needs a reason.');
  if (!account.legalHold) await deps.accounts.update(tenant, { ...account, legalHold: { since: deps.clock.now().toISOString(), reason: reason.trim() } });
  await deps.retention.markHeld(accountId, true);
  await audit(deps, tenant, {}, 'account.hold.placed', 'ok', { detail: { reason: reason.trim().slice(0, 200) } });
  return { suspended: await deps.retention.suspend(tenant, await botIdsOf(deps, tenant)) };
};

export const liftLegalHold = async (deps: Pick<Deps, 'accounts' | 'audit' | 'bots' | 'clock' | 'retention'>, accountId: string): Promise<{ restored: number }> => {
  const tenant = tenantForSystem(accountId);
  const account = await deps.accounts.get(tenant);
  if (!account) throw notFound('account');
  const { legalHold: _lifted, ...rest } = account;
  await deps.accounts.update(tenant, rest);
  await deps.retention.markHeld(accountId, false);
  await audit(deps, tenant, {}, 'account.hold.lifted', 'ok');
  return { restored: await deps.retention.restore(tenant, await botIdsOf(deps, tenant)) };
};

/** Refuses an erasure while the account is on legal hold. */
export const requireNoHold = async (deps: Pick<Deps, 'accounts'>, tenant: TenantContext, account?: Account): Promise<void> => {
  const current = account ?? (await deps.accounts.get(tenant));
  if (current?.legalHold) throw new AppError('conflict', 'This account is on legal hold: nothing can be erased until the hold is lifted.');
};

/** What the sweeper does for held accounts: suspend the expiry of anything written since. */
export const keepHeldAccounts = async (deps: Pick<Deps, 'bots' | 'retention'>): Promise<number> => {
  let suspended = 0;
  for (const accountId of await deps.retention.heldAccounts()) {
    const tenant = tenantForSystem(accountId);
    suspended += await deps.retention.suspend(tenant, await botIdsOf(deps, tenant));
  }
  return suspended;
};
