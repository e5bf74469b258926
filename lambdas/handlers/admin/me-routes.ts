/**
 * `/v1/me/…`: the signed-in person's own accounts and invitations, whichever
 * account they act for (or none yet): list the accounts they belong to, leave one;
 * list their invitations, accept one with its link's token, decline one.
 */
import * as z from 'zod';
import { myAccounts } from '../../core/accounts.ts';
import { acceptInvitation, declineInvitation, myInvitations } from '../../core/invitees.ts';
import { leaveAccount } from '../../core/members.ts';
import { jsonBody, pathParam } from '../../http/request.ts';
import { json, noContent } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const acceptBody = z.object({ token: z.string().max(200) }).strict();

export const meRoutes: Record<string, AdminRoute> = {
  'GET /v1/me/accounts': async ({ deps, user }) => json(200, { accounts: await myAccounts(deps, user) }),
  'DELETE /v1/me/accounts/{accountId}': async ({ event, deps, user, source }) => {
    await leaveAccount(deps, user, pathParam(event, 'accountId'), source);
    return noContent();
  },
  'GET /v1/me/invitations': async ({ deps, user }) => json(200, { invitations: await myInvitations(deps, user) }),
  'POST /v1/me/invitations/accept': async ({ event, deps, user, source }) =>
    json(200, { joined: await acceptInvitation(deps, user, jsonBody(event, acceptBody).token, source) }),
  'DELETE /v1/me/invitations/{accountId}': async ({ event, deps, user, source }) => {
    await declineInvitation(deps, user, pathParam(event, 'accountId'), source);
    return noContent();
  },
};
