/** What an account spent, and who did what in it. */
import * as z from 'zod';
import type { AuditEntry } from '../core/records.ts';
import { route } from './contract.ts';
import type { Usage } from './views.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;

/** The most audit entries one page holds. */
export const MAX_AUDIT_PAGE = 500;
const AUDIT_LIMIT = `a whole number from 1 to ${MAX_AUDIT_PAGE}`;

export const usageAuditContract = {
  listAudit: route<{ entries: AuditEntry[] }>()({
    ...admin, method: 'GET', path: '/v1/audit', status: 200,
    query: z.object({
      limit: z.coerce.number({ error: AUDIT_LIMIT }).int(AUDIT_LIMIT).min(1, AUDIT_LIMIT).max(MAX_AUDIT_PAGE, AUDIT_LIMIT).default(100),
      action: z.string().regex(/^[a-z._]{1,40}$/, 'an action name or prefix such as key or chat.provider_call').optional(),
    }),
  }),
  getUsage: route<Usage>()({
    ...admin, method: 'GET', path: '/v1/usage', status: 200,
    query: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() }),
  }),
} as const;
