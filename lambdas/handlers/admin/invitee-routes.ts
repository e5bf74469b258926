/**
 * `/v1/me/invitations`: the signed-in person's own invitations, whichever account
 * they act for (or none yet): list, accept with a link's token, decline.
 */
import * as z from 'zod';
import { acceptInvitation, declineInvitation, myInvitations } from '../../core/invitees.ts';
import { jsonBody, pathParam } from '../../http/request.ts';
import { json, noContent } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const acceptBody = z.object({ token: z.string().max(200) }).strict();

export const inviteeRoutes: Record<string, AdminRoute> = {
  'GET /v1/me/invitations': async ({ deps, user }) => json(200, { invitations: await myInvitations(deps, user) }),
  'POST /v1/me/invitations/accept': async ({ event, deps, user, source }) =>
    json(200, { joined: await acceptInvitation(deps, user, jsonBody(event, acceptBody).token, source) }),
  'DELETE /v1/me/invitations/{accountId}': async ({ event, deps, user, source }) => {
    await declineInvitation(deps, user, pathParam(event, 'accountId'), source);
    return noContent();
  },
};
