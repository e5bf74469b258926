/**
 * Team access. The owner invites people by e-mail with a role (owner, admin or
 * viewer); an invitation becomes a membership when someone signs in with that
 * verified address. The owner changes roles and removes members, whose access
 * ends with their next request. An account always keeps an owner.
 */
import { requireRole, type VerifiedUser } from './accounts.ts';
import { audit, type AuditSource } from './audit.ts';
import { AppError, invalid, notFound } from './errors.ts';
import type { Invitation, Member } from './model.ts';
import type { Deps } from './ports.ts';
import { tenantForMember, type Role, type TenantContext } from './tenancy.ts';

/** Days an invitation waits for its address to sign in. */
export const INVITATION_DAYS = 14;
export const MAX_MEMBERS = 50;

const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,253}\.[^\s@<>]{2,}$/;

export const listTeam = async (deps: Deps, tenant: TenantContext): Promise<{ members: Member[]; invitations: Invitation[] }> => {
  requireRole(tenant, 'viewer');
  const [members, invitations] = await Promise.all([deps.accounts.listMembers(tenant), deps.accounts.listInvitations(tenant)]);
  return { members, invitations };
};

export const inviteMember = async (deps: Deps, tenant: TenantContext, input: { email: string; role: Role }, source: AuditSource): Promise<Invitation> => {
  requireRole(tenant, 'owner');
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw invalid('email: that does not look like an e-mail address.', { field: 'email' });
  const members = await deps.accounts.listMembers(tenant);
  if (members.some((m) => m.email.toLowerCase() === email)) throw new AppError('conflict', `${email} is already a member.`);
  if (members.length >= MAX_MEMBERS) throw new AppError('conflict', `An account can have at most ${MAX_MEMBERS} members.`);
  const now = deps.clock.now();
  const invitation: Invitation = {
    email,
    role: input.role,
    invitedBy: tenant.actor.kind === 'user' ? tenant.actor.userId : 'system',
    invitedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
  };
  await deps.accounts.putInvitation(tenant, invitation);
  await audit(deps, tenant, source, 'member.invite', 'ok', { detail: { role: input.role } });
  return invitation;
};

export const cancelInvitation = async (deps: Deps, tenant: TenantContext, email: string, source: AuditSource): Promise<void> => {
  requireRole(tenant, 'owner');
  if (!(await deps.accounts.deleteInvitation(tenant, email.trim().toLowerCase()))) throw notFound('invitation');
  await audit(deps, tenant, source, 'member.invite_cancelled', 'ok');
};

const memberOf = async (deps: Deps, tenant: TenantContext, userId: string): Promise<{ member: Member; members: Member[] }> => {
  const members = await deps.accounts.listMembers(tenant);
  const member = members.find((m) => m.userId === userId);
  if (!member) throw notFound('member');
  return { member, members };
};

const keepsAnOwner = (members: readonly Member[], userId: string) => members.some((m) => m.role === 'owner' && m.userId !== userId);

export const changeRole = async (deps: Deps, tenant: TenantContext, userId: string, role: Role, source: AuditSource): Promise<Member> => {
  requireRole(tenant, 'owner');
  const { member, members } = await memberOf(deps, tenant, userId);
  if (member.role === 'owner' && role !== 'owner' && !keepsAnOwner(members, userId)) {
    throw new AppError('conflict', 'An account needs an owner: make someone else owner first.');
  }
  const changed = { ...member, role };
  await deps.accounts.putMember(tenant, changed);
  await audit(deps, tenant, source, 'member.role', 'ok', { target: userId, detail: { role } });
  return changed;
};

export const removeMember = async (deps: Deps, tenant: TenantContext, userId: string, source: AuditSource): Promise<void> => {
  requireRole(tenant, 'owner');
  const { member, members } = await memberOf(deps, tenant, userId);
  if (member.role === 'owner' && !keepsAnOwner(members, userId)) throw new AppError('conflict', 'An account needs an owner: make someone else owner first.');
  if (!(await deps.accounts.removeMember(tenant, userId))) throw notFound('member');
  await audit(deps, tenant, source, 'member.remove', 'ok', { target: userId });
};

/**
 * A first sign-in with an invited, verified address: each invitation becomes a
 * membership. Returns the memberships made. An address the identity provider has
 * not verified (`email_verified` false or missing) accepts nothing: anyone can
 * sign up claiming any address, only a verified one proves the invitee.
 */
export const acceptInvitations = async (deps: Deps, user: VerifiedUser): Promise<TenantContext[]> => {
  const email = user.email.trim().toLowerCase();
  if (!EMAIL.test(email)) return [];
  const invited = await deps.accounts.invitationsFor(email);
  if (invited.length > 0 && !user.emailVerified) {
    throw new AppError('forbidden', 'Your e-mail address is not verified yet: verify it, then sign in again to join the account that invited you.');
  }
  const joined: TenantContext[] = [];
  for (const { accountId, role } of invited) {
    const tenant = tenantForMember({ accountId, userId: user.userId, role });
    await deps.accounts.putMember(tenant, { userId: user.userId, email, role, addedAt: deps.clock.now().toISOString() });
    await deps.accounts.deleteInvitation(tenant, email);
    await audit(deps, tenant, {}, 'member.join', 'ok', { detail: { role } });
    joined.push(tenant);
  }
  return joined;
};
