/** What an account spent, and who did what in it. */
import * as z from 'zod';
import type { AuditEntry } from '../core/records.ts';
import { route } from './contract.ts';
import type { Usage } from './views.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;

export const usageAuditContract = {
  // The audit query is checked by the handler, which words its limits itself.
  listAudit: route<{ entries: AuditEntry[] }>()({ ...admin, method: 'GET', path: '/v1/audit', status: 200 }),
  getUsage: route<Usage>()({
    ...admin, method: 'GET', path: '/v1/usage', status: 200,
    query: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() }),
  }),
} as const;
