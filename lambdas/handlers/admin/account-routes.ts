import * as z from 'zod';
import { createAccount, getAccount, tenantForUser, updateAccount } from '../../core/accounts.ts';
import { eraseAccount } from '../../core/erasure.ts';
import { getExport, listExports, startExport } from '../../core/exports.ts';
import { pathParam } from '../../http/request.ts';
import { invalid } from '../../core/errors.ts';
import { jsonBody } from '../../http/request.ts';
import { json, noContent } from '../../http/responses.ts';
import { actingFor, type AdminRoute } from './context.ts';

const name = z.string().trim().min(1).max(80);
const createAccountBody = z.object({ name: name.optional() }).strict();
const patchAccountBody = z.object({
  name,
  retentionDays: z.number().int().min(0).max(3650),
  byokOnly: z.boolean(),
  keyMaxAgeDays: z.number().int().min(1).max(3650),
  piiHandling: z.enum(['warn', 'redact']),
}).partial().strict();

const MAX_AUDIT_PAGE = 500;

export const accountRoutes: Record<string, AdminRoute> = {
  'POST /v1/account': async ({ event, deps, user }) =>
    json(201, { account: await createAccount(deps, user, jsonBody(event, createAccountBody)) }),
  // The caller's role comes along, so the panel can hide what it may not do.
  'GET /v1/account': async ({ deps, tenant }) => {
    const t = await tenant();
    return json(200, { account: await getAccount(deps, t), role: t.actor.kind === 'user' ? t.actor.role : undefined });
  },
  'PATCH /v1/account': async ({ event, deps, tenant, source }) =>
    json(200, { account: await updateAccount(deps, await tenant(), jsonBody(event, patchAccountBody), source) }),
  // A locked account admits its owner here alone: an erasure that stopped half-way can be finished.
  'DELETE /v1/account': async ({ event, deps, user }) => {
    await eraseAccount(deps, await tenantForUser(deps, user, { accountId: actingFor(event), allowLocked: true }));
    return noContent();
  },
  'GET /v1/account/exports': async ({ deps, tenant }) => json(200, { exports: await listExports(deps, await tenant()) }),
  'POST /v1/account/exports': async ({ deps, tenant, source }) => json(202, { export: await startExport(deps, await tenant(), source) }),
  'GET /v1/account/exports/{exportId}': async ({ event, deps, tenant }) =>
    json(200, await getExport(deps, await tenant(), pathParam(event, 'exportId'))),
  'GET /v1/audit': async ({ event, deps, tenant }) => {
    const q = event.queryStringParameters ?? {};
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) throw invalid(`limit: a whole number from 1 to ${MAX_AUDIT_PAGE}`, { field: 'limit' });
    if (q.action !== undefined && !/^[a-z._]{1,40}$/.test(q.action)) throw invalid('action: an action name or prefix such as key or chat.provider_call', { field: 'action' });
    const action = q.action;
    return json(200, { entries: await deps.audit.list(await tenant(), { limit, ...(action ? { action } : {}) }) });
  },
};
