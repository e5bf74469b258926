/**
 * The team: members and invitations of the account acted for, and `/v1/me/…`,
 * the signed-in person's own accounts and invitations whichever account they act for.
 */
import * as z from 'zod';
import type { Invitation, Member, PendingInvitation, Role } from '../core/records.ts';
import { route } from './contract.ts';
import type { InvitationSent, MyAccount } from './views.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;
const role = z.enum(['owner', 'admin', 'viewer']);

export const teamContract = {
  listTeam: route<{ members: Member[]; invitations: Invitation[] }>()({ ...admin, method: 'GET', path: '/v1/members', status: 200 }),
  inviteMember: route<InvitationSent>()({
    ...admin, method: 'POST', path: '/v1/members', status: 201, audit: ['member.invite'],
    body: z.object({ email: z.string().max(254), role }).strict(),
  }),
  changeRole: route<{ member: Member }>()({
    ...admin, method: 'PATCH', path: '/v1/members/{userId}', status: 200, audit: ['member.role'],
    body: z.object({ role }).strict(),
  }),
  removeMember: route()({ ...admin, method: 'DELETE', path: '/v1/members/{userId}', status: 204, audit: ['member.remove'] }),
  resendInvitation: route<InvitationSent>()({ ...admin, method: 'POST', path: '/v1/invitations/{email}/resend', status: 200, audit: ['member.invite_resent'] }),
  cancelInvitation: route()({ ...admin, method: 'DELETE', path: '/v1/invitations/{email}', status: 204, audit: ['member.invite_cancelled'] }),
  myAccounts: route<{ accounts: MyAccount[] }>()({ ...admin, method: 'GET', path: '/v1/me/accounts', status: 200 }),
  leaveAccount: route()({ ...admin, method: 'DELETE', path: '/v1/me/accounts/{accountId}', status: 204, audit: ['member.leave'] }),
  myInvitations: route<{ invitations: PendingInvitation[] }>()({ ...admin, method: 'GET', path: '/v1/me/invitations', status: 200 }),
  acceptInvitation: route<{ joined: { accountId: string; accountName: string; role: Role } }>()({
    ...admin, method: 'POST', path: '/v1/me/invitations/accept', status: 200, audit: ['member.join'],
    body: z.object({ token: z.string().max(200) }).strict(),
  }),
  declineInvitation: route()({ ...admin, method: 'DELETE', path: '/v1/me/invitations/{accountId}', status: 204, audit: ['member.invite_declined'] }),
} as const;
