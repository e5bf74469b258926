/** The account contract's routes: the account itself and its exports. */
import type { accountContract } from '../../contracts/account.ts';
import { createAccount, getAccount, tenantForUser, updateAccount } from '../../core/accounts.ts';
import { eraseAccount } from '../../core/erasure.ts';
import { getExport, listExports, startExport } from '../../core/exports.ts';
import type { Implementations } from '../../http/dispatch.ts';
import { actingFor, type AdminContext } from './context.ts';

export const accountRoutes = {
  createAccount: async ({ deps, user }, req) => ({ account: await createAccount(deps, user, req.body) }),
  // The caller's role comes along, so the panel can hide what it may not do.
  getAccount: async ({ deps, tenant }) => {
    const t = await tenant();
    return { account: await getAccount(deps, t), role: t.actor.kind === 'user' ? t.actor.role : undefined };
  },
  updateAccount: async ({ deps, tenant, source }, req) => ({ account: await updateAccount(deps, await tenant(), req.body, source) }),
  // A locked account admits its owner here alone: an erasure that stopped half-way can be finished.
  eraseAccount: async ({ event, deps, user }) => {
    await eraseAccount(deps, await tenantForUser(deps, user, { accountId: actingFor(event), allowLocked: true }));
  },
  listExports: async ({ deps, tenant }) => ({ exports: await listExports(deps, await tenant()) }),
  startExport: async ({ deps, tenant, source }) => ({ export: await startExport(deps, await tenant(), source) }),
  getExport: async ({ deps, tenant }, { params }) => getExport(deps, await tenant(), params.exportId),
} satisfies Implementations<typeof accountContract, AdminContext>;
