/**
 * The team contract's routes: the members and invitations of the account acted
 * for, and `/v1/me/…`, the signed-in person's own accounts and invitations
 * whichever account they act for (or none yet).
 */
import type { teamContract } from '../../contracts/team.ts';
import { myAccounts } from '../../core/accounts.ts';
import { acceptInvitation, declineInvitation, myInvitations } from '../../core/invitees.ts';
import { cancelInvitation, changeRole, inviteMember, leaveAccount, listTeam, removeMember, resendInvitation } from '../../core/members.ts';
import type { Implementations } from '../../http/dispatch.ts';
import type { AdminContext } from './context.ts';

export const teamRoutes = {
  listTeam: async ({ deps, tenant }) => listTeam(deps, await tenant()),
  inviteMember: async ({ deps, tenant, source }, req) => inviteMember(deps, await tenant(), req.body, source),
  changeRole: async ({ deps, tenant, source }, req) => ({ member: await changeRole(deps, await tenant(), req.params.userId, req.body.role, source) }),
  removeMember: async ({ deps, tenant, source }, { params }) => removeMember(deps, await tenant(), params.userId, source),
  resendInvitation: async ({ deps, tenant, source }, { params }) => resendInvitation(deps, await tenant(), params.email, source),
  cancelInvitation: async ({ deps, tenant, source }, { params }) => cancelInvitation(deps, await tenant(), params.email, source),
  myAccounts: async ({ deps, user }) => ({ accounts: await myAccounts(deps, user) }),
  leaveAccount: async ({ deps, user, source }, { params }) => leaveAccount(deps, user, params.accountId, source),
  myInvitations: async ({ deps, user }) => ({ invitations: await myInvitations(deps, user) }),
  acceptInvitation: async ({ deps, user, source }, req) => ({ joined: await acceptInvitation(deps, user, req.body.token, source) }),
  declineInvitation: async ({ deps, user, source }, { params }) => declineInvitation(deps, user, params.accountId, source),
} satisfies Implementations<typeof teamContract, AdminContext>;
