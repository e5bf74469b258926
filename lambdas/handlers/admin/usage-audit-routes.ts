/** The usage-and-audit contract's routes. */
import type { usageAuditContract } from '../../contracts/usage-audit.ts';
import { usageOf } from '../../core/conversations.ts';
import type { Implementations } from '../../http/dispatch.ts';
import type { AdminContext } from './context.ts';

export const usageAuditRoutes = {
  listAudit: async ({ deps, tenant }, { query: { limit, action } }) =>
    ({ entries: await deps.audit.list(await tenant(), { limit, ...(action ? { action } : {}) }) }),
  getUsage: async ({ deps, tenant }, req) => usageOf(deps, await tenant(), req.query.month),
} satisfies Implementations<typeof usageAuditContract, AdminContext>;
