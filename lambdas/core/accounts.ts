/** Accounts and who may act for them. */
import { AppError, invalid, notFound } from './errors.ts';
import { isId, newId } from './ids.ts';
import type { Account, Membership } from './records.ts';
import type { Deps } from './ports.ts';
import { audit, type AuditSource } from './audit.ts';
import { requireRole } from './roles.ts';
import { tenantForMember, type TenantContext } from './tenancy.ts';
import type { MyAccount } from './views.ts';

/** A user as the JWT authorizer verified it. */
export interface VerifiedUser {
  readonly userId: string;
  readonly email: string;
  /** Whether the identity provider has verified that the user controls `email` (Cognito's `email_verified`). */
  readonly emailVerified: boolean;
}

export const DEFAULT_RETENTION_DAYS = 90;
export const DEFAULT_KEY_MAX_AGE_DAYS = 90;

export interface AccountSettings {
  readonly name: string;
  readonly retentionDays: number;
  readonly byokOnly: boolean;
  readonly keyMaxAgeDays: number;
  readonly piiHandling: 'warn' | 'redact';
}

/**
 * Creates an account of the caller's own with the caller as owner, whatever other
 * accounts they belong to; each person creates one at most (the repository's
 * `conflict`), which they may do again once they no longer own it.
 */
export const createAccount = async (deps: Pick<Deps, 'accounts' | 'clock' | 'defaults'>, user: VerifiedUser, input: { name?: string | undefined }): Promise<Account> => {
  const account: Account = {
    accountId: newId(),
    name: input.name ?? 'My account',
    createdAt: deps.clock.now().toISOString(),
    // The operator's default for new accounts (a deploy parameter), else Parley's.
    retentionDays: deps.defaults.conversationRetentionDays ?? DEFAULT_RETENTION_DAYS,
    byokOnly: false,
    keyMaxAgeDays: DEFAULT_KEY_MAX_AGE_DAYS,
    piiHandling: 'warn',
    status: 'active',
  };
  await deps.accounts.create({ account, userId: user.userId, email: user.email });
  return account;
};

/** The request header that names the account an admin request acts for. */
export const ACTING_FOR_HEADER = 'x-parley-account';

/**
 * The membership a request acts through: the one for the account the request names,
 * among the verified user's own memberships. A request that names none is served only
 * when the person has a single membership, so nothing is ever chosen among several.
 */
const membershipFor = (memberships: readonly Membership[], named: string | undefined): Membership => {
  if (named !== undefined) {
    if (!isId(named)) throw invalid(`${ACTING_FOR_HEADER}: an account id, as GET /v1/me/accounts lists them.`, { field: ACTING_FOR_HEADER });
    const found = memberships.find((m) => m.accountId === named);
    // Not theirs, or no such account: the same answer.
    if (!found) throw notFound('account');
    return found;
  }
  // Invitations are never accepted here: only by following their link (invitees.ts).
  if (memberships.length === 0) throw new AppError('forbidden', 'You have no Parley account yet: create one first (POST /v1/account).');
  if (memberships.length > 1) {
    throw invalid(`You belong to ${memberships.length} accounts: say which one this request acts for in the ${ACTING_FOR_HEADER} header (GET /v1/me/accounts lists them).`, { field: ACTING_FOR_HEADER });
  }
  return memberships[0]!;
};

/**
 * The tenant a verified user acts for: the account the request names (`accountId`, from
 * the x-parley-account header) only if one of the user's own memberships is for it,
 * never from the request alone. A locked account (being erased) admits nobody, except
 * to finish its erasure.
 */
export const tenantForUser = async (
  deps: Pick<Deps, 'accounts'>, user: VerifiedUser, options: { accountId?: string | undefined; allowLocked?: boolean } = {},
): Promise<TenantContext> => {
  const membership = membershipFor(await deps.accounts.membershipsOf(user.userId), options.accountId);
  const tenant = tenantForMember(membership);
  if (!options.allowLocked && (await deps.accounts.get(tenant))?.status === 'locked') {
    throw new AppError('forbidden', 'This account is locked while it is being erased.');
  }
  return tenant;
};

export const getAccount = async (deps: Pick<Deps, 'accounts'>, tenant: TenantContext): Promise<Account> => {
  const account = await deps.accounts.get(tenant);
  if (!account) throw new AppError('not_found', 'account not found');
  return account;
};

/** Changes account settings (owner or admin) and records it in the audit log. */
export const updateAccount = async (deps: Pick<Deps, 'accounts' | 'audit' | 'clock'>, tenant: TenantContext, patch: Partial<AccountSettings>, source: AuditSource): Promise<Account> => {
  requireRole(tenant, 'admin');
  const account = await getAccount(deps, tenant);
  const next: Account = { ...account, ...patch };
  const saved = await deps.accounts.update(tenant, next);
  if (!saved) throw new AppError('not_found', 'account not found');
  await audit(deps, tenant, source, 'account.updated', 'ok', { detail: Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v])) });
  return saved;
};

/** Every account the verified user is a member of, by name. */
export const myAccounts = async (deps: Pick<Deps, 'accounts'>, user: VerifiedUser): Promise<MyAccount[]> => {
  const memberships = await deps.accounts.membershipsOf(user.userId);
  const found = await Promise.all(memberships.map(async (m) => {
    const account = await deps.accounts.get(tenantForMember(m));
    return account ? { accountId: m.accountId, name: account.name, role: m.role, status: account.status } : null;
  }));
  return found.filter((a) => a !== null).sort((a, b) => a.name.localeCompare(b.name) || a.accountId.localeCompare(b.accountId));
};
