/** The usage-and-audit contract's routes. */
import type { usageAuditContract } from '../../contracts/usage-audit.ts';
import { usageOf } from '../../core/conversations.ts';
import { invalid } from '../../core/errors.ts';
import type { Implementations } from '../../http/dispatch.ts';
import type { AdminContext } from './context.ts';

const MAX_AUDIT_PAGE = 500;

export const usageAuditRoutes = {
  listAudit: async ({ event, deps, tenant }) => {
    const q = event.queryStringParameters ?? {};
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) throw invalid(`limit: a whole number from 1 to ${MAX_AUDIT_PAGE}`, { field: 'limit' });
    if (q.action !== undefined && !/^[a-z._]{1,40}$/.test(q.action)) throw invalid('action: an action name or prefix such as key or chat.provider_call', { field: 'action' });
    const action = q.action;
    return { entries: await deps.audit.list(await tenant(), { limit, ...(action ? { action } : {}) }) };
  },
  getUsage: async ({ deps, tenant }, req) => usageOf(deps, await tenant(), req.query.month),
} satisfies Implementations<typeof usageAuditContract, AdminContext>;
