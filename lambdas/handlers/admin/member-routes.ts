import * as z from 'zod';
import { cancelInvitation, changeRole, inviteMember, listTeam, removeMember, resendInvitation } from '../../core/members.ts';
import { jsonBody, pathParam } from '../../http/request.ts';
import { json, noContent } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const role = z.enum(['owner', 'admin', 'viewer']);
const inviteBody = z.object({ email: z.string().max(254), role }).strict();
const roleBody = z.object({ role }).strict();

export const memberRoutes: Record<string, AdminRoute> = {
  'GET /v1/members': async ({ deps, tenant }) => json(200, await listTeam(deps, await tenant())),
  'POST /v1/members': async ({ event, deps, tenant, source }) =>
    json(201, await inviteMember(deps, await tenant(), jsonBody(event, inviteBody), source)),
  'PATCH /v1/members/{userId}': async ({ event, deps, tenant, source }) =>
    json(200, { member: await changeRole(deps, await tenant(), pathParam(event, 'userId'), jsonBody(event, roleBody).role, source) }),
  'DELETE /v1/members/{userId}': async ({ event, deps, tenant, source }) => {
    await removeMember(deps, await tenant(), pathParam(event, 'userId'), source);
    return noContent();
  },
  'POST /v1/invitations/{email}/resend': async ({ event, deps, tenant, source }) =>
    json(200, await resendInvitation(deps, await tenant(), pathParam(event, 'email'), source)),
  'DELETE /v1/invitations/{email}': async ({ event, deps, tenant, source }) => {
    await cancelInvitation(deps, await tenant(), pathParam(event, 'email'), source);
    return noContent();
  },
};
