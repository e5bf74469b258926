/**
 * Team access. The owner invites people by e-mail with a role (owner, admin or
 * viewer); each invitation carries a link with a single-use secret, and becomes
 * a membership only when the person with that verified address follows it
 * (`invitees.ts`). The owner resends (a new secret) and cancels invitations,
 * changes roles and removes members, whose access ends with their next request.
 * An account always keeps an owner.
 */
import { type VerifiedUser } from './accounts.ts';
import { requireRole } from './roles.ts';
import { audit, type AuditSource } from './audit.ts';
import { AppError, invalid, notFound } from './errors.ts';
import { newInvitationToken } from './invitation-links.ts';
import type { Invitation, Member } from './records.ts';
import type { Deps, SignInDirectory } from './ports.ts';
import { tenantForMember, type Role, type TenantContext } from './tenancy.ts';
import type { InvitationDelivery, InvitationSent } from './views.ts';

/** Days an invitation's link works. */
export const INVITATION_DAYS = 14;
export const MAX_MEMBERS = 50;

const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,253}\.[^\s@<>]{2,}$/;
/** The longest address SMTP carries (RFC 5321's 254 octets of a path's mailbox). */
const MAX_EMAIL_LENGTH = 254;

export const listTeam = async (deps: Pick<Deps, 'accounts'>, tenant: TenantContext): Promise<{ members: Member[]; invitations: Invitation[] }> => {
  requireRole(tenant, 'viewer');
  const [members, invitations] = await Promise.all([deps.accounts.listMembers(tenant), deps.accounts.listInvitations(tenant)]);
  return { members, invitations };
};

/**
 * Makes sure someone can sign in: a new sign-in, or the invitation e-mail again for one
 * nobody has used yet. Also the operator's `create-owner`, for the first owner.
 */
export const offerSignIn = async (signIns: SignInDirectory | null, email: string): Promise<InvitationDelivery> => {
  if (!signIns) return 'self_sign_up';
  const user = await signIns.findUser(email);
  if (!user) return (await signIns.createUser(email)) === 'created' ? 'sent' : 'existing_sign_in';
  if (!user.awaitingFirstSignIn) return 'existing_sign_in';
  await signIns.resendInvitation(email);
  return 'sent';
};

const deliver = (deps: Pick<Deps, 'signIns'>, email: string): Promise<InvitationDelivery> => offerSignIn(deps.signIns, email);

/** An e-mail address as invitations keep it (trimmed, lower-case), or a 400 naming the field. */
export const invitationAddress = (raw: string): string => {
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) throw invalid('email: that does not look like an e-mail address.', { field: 'email' });
  return email;
};

export const inviteMember = async (
  deps: Pick<Deps, 'accounts' | 'audit' | 'clock' | 'signIns'>, tenant: TenantContext, input: { email: string; role: Role }, source: AuditSource,
): Promise<InvitationSent> => {
  requireRole(tenant, 'owner');
  const email = invitationAddress(input.email);
  const members = await deps.accounts.listMembers(tenant);
  if (members.some((m) => m.email.toLowerCase() === email)) throw new AppError('conflict', `${email} is already a member.`);
  if (members.length >= MAX_MEMBERS) throw new AppError('conflict', `An account can have at most ${MAX_MEMBERS} members.`);
  const now = deps.clock.now();
  const invitedBy = tenant.actor.kind === 'user' ? tenant.actor.userId : 'system';
  const inviterEmail = members.find((m) => m.userId === invitedBy)?.email;
  const invitation: Invitation = {
    email,
    role: input.role,
    invitedBy,
    ...(inviterEmail ? { invitedByEmail: inviterEmail } : {}),
    invitedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
  };
  const { token, secretHash } = newInvitationToken(tenant.accountId);
  await deps.accounts.putInvitation(tenant, invitation, secretHash);
  let delivery: InvitationDelivery;
  try {
    delivery = await deliver(deps, email);
  } catch (err) {
    // Nobody could be told: no invitation is left waiting for a sign-in that does not exist.
    await deps.accounts.deleteInvitation(tenant, email);
    throw err;
  }
  await audit(deps, tenant, source, 'member.invite', 'ok', { detail: { role: input.role, delivery } });
  return { invitation, delivery, token };
};

const findInvitation = async (deps: Pick<Deps, 'accounts'>, tenant: TenantContext, email: string): Promise<Invitation> => {
  const invitation = (await deps.accounts.listInvitations(tenant)).find((i) => i.email === email);
  if (!invitation) throw notFound('invitation');
  return invitation;
};

/** Sends a pending invitation again with a new link (the previous one stops working) and another INVITATION_DAYS. */
export const resendInvitation = async (
  deps: Pick<Deps, 'accounts' | 'audit' | 'clock' | 'signIns'>, tenant: TenantContext, rawEmail: string, source: AuditSource,
): Promise<InvitationSent> => {
  requireRole(tenant, 'owner');
  const email = invitationAddress(rawEmail);
  const found = await findInvitation(deps, tenant, email);
  const invitation: Invitation = { ...found, expiresAt: new Date(deps.clock.now().getTime() + INVITATION_DAYS * 86_400_000).toISOString() };
  const delivery = await deliver(deps, email);
  const { token, secretHash } = newInvitationToken(tenant.accountId);
  await deps.accounts.putInvitation(tenant, invitation, secretHash);
  await audit(deps, tenant, source, 'member.invite_resent', 'ok', { detail: { delivery } });
  return { invitation, delivery, token };
};

/**
 * Removes the sign-in an invitation created, when that is safe: nobody has used it
 * (still awaiting its first sign-in), it belongs to no account, and no other
 * account's invitation waits for it.
 */
const retireUnusedSignIn = async (deps: Pick<Deps, 'accounts' | 'signIns'>, email: string): Promise<void> => {
  if (!deps.signIns) return;
  const user = await deps.signIns.findUser(email);
  if (!user?.awaitingFirstSignIn) return;
  if ((await deps.accounts.membershipsOf(user.userId)).length > 0) return;
  if ((await deps.accounts.invitationsFor(email)).length > 0) return;
  await deps.signIns.deleteUser(email);
};

export const cancelInvitation = async (deps: Pick<Deps, 'accounts' | 'audit' | 'clock' | 'signIns'>, tenant: TenantContext, rawEmail: string, source: AuditSource): Promise<void> => {
  requireRole(tenant, 'owner');
  const email = invitationAddress(rawEmail);
  if (!(await deps.accounts.deleteInvitation(tenant, email))) throw notFound('invitation');
  await retireUnusedSignIn(deps, email);
  await audit(deps, tenant, source, 'member.invite_cancelled', 'ok');
};

const memberOf = async (deps: Pick<Deps, 'accounts'>, tenant: TenantContext, userId: string): Promise<{ member: Member; members: Member[] }> => {
  const members = await deps.accounts.listMembers(tenant);
  const member = members.find((m) => m.userId === userId);
  if (!member) throw notFound('member');
  return { member, members };
};

const keepsAnOwner = (members: readonly Member[], userId: string) => members.some((m) => m.role === 'owner' && m.userId !== userId);

export const changeRole = async (deps: Pick<Deps, 'accounts' | 'audit' | 'clock'>, tenant: TenantContext, userId: string, role: Role, source: AuditSource): Promise<Member> => {
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

export const removeMember = async (deps: Pick<Deps, 'accounts' | 'audit' | 'clock'>, tenant: TenantContext, userId: string, source: AuditSource): Promise<void> => {
  requireRole(tenant, 'owner');
  const { member, members } = await memberOf(deps, tenant, userId);
  if (member.role === 'owner' && !keepsAnOwner(members, userId)) throw new AppError('conflict', 'An account needs an owner: make someone else owner first.');
  if (!(await deps.accounts.removeMember(tenant, userId))) throw notFound('member');
  await audit(deps, tenant, source, 'member.remove', 'ok', { target: userId });
};

/**
 * The signed-in person leaves an account they belong to (found among their own
 * memberships; 404 otherwise). The last owner cannot leave: an account keeps an owner.
 */
export const leaveAccount = async (deps: Pick<Deps, 'accounts' | 'audit' | 'clock'>, user: VerifiedUser, accountId: string, source: AuditSource): Promise<void> => {
  const membership = (await deps.accounts.membershipsOf(user.userId)).find((m) => m.accountId === accountId);
  if (!membership) throw notFound('account');
  const tenant = tenantForMember(membership);
  const members = await deps.accounts.listMembers(tenant);
  if (membership.role === 'owner' && !keepsAnOwner(members, user.userId)) {
    throw new AppError('conflict', 'You are this account’s only owner: make someone else owner first, or erase the account.');
  }
  // Recorded while they are still a member, under their own name.
  await audit(deps, tenant, source, 'member.leave', 'ok', { target: user.userId });
  if (!(await deps.accounts.removeMember(tenant, user.userId))) throw notFound('account');
};
