import { z } from 'zod';
import { createAccount, getAccount } from '../../core/accounts.ts';
import { jsonBody } from '../../http/request.ts';
import { json } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const createAccountBody = z.object({ name: z.string().trim().min(1).max(80).optional() }).strict();

export const accountRoutes: Record<string, AdminRoute> = {
  'POST /v1/account': async ({ event, deps, user }) =>
    json(201, { account: await createAccount(deps, user, jsonBody(event, createAccountBody)) }),
  'GET /v1/account': async ({ deps, tenant }) => json(200, { account: await getAccount(deps, await tenant()) }),
};
