/**
 * What the invited person does: see the invitations waiting for their verified
 * address ("invited to X by Y"), join an account by presenting its link's secret,
 * or decline. Nothing is ever accepted implicitly: signing in joins nothing, and
 * joining one account leaves every other invitation pending.
 *
 * The account an invitation names is reached only through what the person's
 * verified identity finds: the lookup under their own address, or the account id
 * in a link whose secret matches the invitation kept there for that address.
 */
import type { VerifiedUser } from './accounts.ts';
import { audit, type AuditSource } from './audit.ts';
import { AppError, invalid, notFound } from './errors.ts';
import { isId } from './ids.ts';
import { parseInvitationToken, secretMatches } from './invitation-links.ts';
import { invitationAddress, MAX_MEMBERS } from './members.ts';
import type { PendingInvitation } from './records.ts';
import type { Deps } from './ports.ts';
import { tenantForMember, tenantForSystem, type Role } from './tenancy.ts';

/** The address invitations are kept under, for a person whose provider verified it; otherwise a 403 saying why. */
const verifiedAddress = (user: VerifiedUser): string => {
  if (!user.emailVerified) {
    throw new AppError('forbidden', 'Your e-mail address is not verified yet: verify it, then sign in again to see and accept your invitations.');
  }
  try {
    return invitationAddress(user.email);
  } catch {
    throw new AppError('forbidden', 'Your sign-in carries no e-mail address that invitations could be sent to.');
  }
};

const GONE = 'This invitation link does not work: it was used, cancelled, replaced by a newer one, or it is for another e-mail address. Ask whoever invited you to send it again.';

/** Invitations waiting for the signed-in person, the most recent first. */
export const myInvitations = async (deps: Pick<Deps, 'accounts' | 'clock'>, user: VerifiedUser): Promise<PendingInvitation[]> => {
  const email = verifiedAddress(user);
  const now = deps.clock.now().getTime();
  const found = await Promise.all((await deps.accounts.invitationsFor(email)).map(async ({ accountId }) => {
    const tenant = tenantForSystem(accountId);
    const [kept, account] = await Promise.all([deps.accounts.getInvitation(tenant, email), deps.accounts.get(tenant)]);
    if (!kept || !account || account.status !== 'active' || Date.parse(kept.invitation.expiresAt) <= now) return null;
    const { invitation } = kept;
    return {
      accountId, accountName: account.name, role: invitation.role, invitedByEmail: invitation.invitedByEmail ?? null,
      invitedAt: invitation.invitedAt, expiresAt: invitation.expiresAt,
    } satisfies PendingInvitation;
  }));
  return found.filter((i) => i !== null).sort((a, b) => b.invitedAt.localeCompare(a.invitedAt));
};

/**
 * Joins the account whose invitation link this is: only the person with the invited,
 * verified address, only with the current secret, only before it expires, once.
 */
export const acceptInvitation = async (
  deps: Pick<Deps, 'accounts' | 'audit' | 'clock'>, user: VerifiedUser, token: string, source: AuditSource,
): Promise<{ accountId: string; accountName: string; role: Role }> => {
  const email = verifiedAddress(user);
  const parsed = parseInvitationToken(token);
  if (!parsed) throw invalid('token: that is not an invitation link’s token (copy the whole link).', { field: 'token' });
  const invited = tenantForSystem(parsed.accountId);
  const kept = await deps.accounts.getInvitation(invited, email);
  if (!kept || !secretMatches(parsed.secret, kept.secretHash)) throw new AppError('not_found', GONE);
  const { invitation } = kept;
  if (Date.parse(invitation.expiresAt) <= deps.clock.now().getTime()) {
    throw new AppError('not_found', 'This invitation has expired. Ask whoever invited you to send it again.');
  }
  const account = await deps.accounts.get(invited);
  if (!account || account.status !== 'active') throw new AppError('not_found', GONE);
  const members = await deps.accounts.listMembers(invited);
  if (members.some((m) => m.userId === user.userId)) {
    await deps.accounts.deleteInvitation(invited, email);
    throw new AppError('conflict', `You are already a member of ${account.name}.`);
  }
  if (members.length >= MAX_MEMBERS) throw new AppError('conflict', `${account.name} already has ${MAX_MEMBERS} members, the most an account can have.`);
  // Used up first: a second use of the same link finds nothing, even while this one is half-way.
  if (!(await deps.accounts.deleteInvitation(invited, email))) throw new AppError('not_found', GONE);
  const tenant = tenantForMember({ accountId: parsed.accountId, userId: user.userId, role: invitation.role });
  await deps.accounts.putMember(tenant, { userId: user.userId, email, role: invitation.role, addedAt: deps.clock.now().toISOString() });
  await audit(deps, tenant, source, 'member.join', 'ok', { detail: { role: invitation.role } });
  return { accountId: parsed.accountId, accountName: account.name, role: invitation.role };
};

/** Turns down an invitation waiting for the signed-in person; 404 when there is none from that account. */
export const declineInvitation = async (deps: Pick<Deps, 'accounts' | 'audit' | 'clock'>, user: VerifiedUser, accountId: string, source: AuditSource): Promise<void> => {
  const email = verifiedAddress(user);
  if (!isId(accountId)) throw notFound('invitation');
  const invited = tenantForSystem(accountId);
  if (!(await deps.accounts.deleteInvitation(invited, email))) throw notFound('invitation');
  await audit(deps, invited, source, 'member.invite_declined', 'ok', { target: user.userId });
};
