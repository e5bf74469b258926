/** The account: create it, read and change its settings, erase it, export its data. */
import * as z from 'zod';
import type { Account, ExportRecord } from '../core/records.ts';
import { route } from './contract.ts';
import type { AccountView, ExportView } from './views.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;
const name = z.string().trim().min(1).max(80);

export const accountContract = {
  createAccount: route<{ account: Account }>()({
    ...admin, method: 'POST', path: '/v1/account', status: 201,
    body: z.object({ name: name.optional() }).strict(),
  }),
  getAccount: route<AccountView>()({ ...admin, method: 'GET', path: '/v1/account', status: 200 }),
  updateAccount: route<{ account: Account }>()({
    ...admin, method: 'PATCH', path: '/v1/account', status: 200, audit: ['account.updated'],
    body: z.object({
      name,
      retentionDays: z.number().int().min(0).max(3650),
      byokOnly: z.boolean(),
      keyMaxAgeDays: z.number().int().min(1).max(3650),
      piiHandling: z.enum(['warn', 'redact']),
    }).partial().strict(),
  }),
  // Erasure leaves no account to keep an audit entry in.
  eraseAccount: route()({ ...admin, method: 'DELETE', path: '/v1/account', status: 204 }),
  listExports: route<{ exports: ExportRecord[] }>()({ ...admin, method: 'GET', path: '/v1/account/exports', status: 200 }),
  startExport: route<{ export: ExportRecord }>()({ ...admin, method: 'POST', path: '/v1/account/exports', status: 202, audit: ['account.export'] }),
  getExport: route<ExportView>()({ ...admin, method: 'GET', path: '/v1/account/exports/{exportId}', status: 200 }),
} as const;
