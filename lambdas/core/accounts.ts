/** Accounts and who may act for them. */
import { AppError } from './errors.ts';
import { newId } from './ids.ts';
import type { Account } from './model.ts';
import type { Deps } from './ports.ts';
import { audit, type AuditSource } from './audit.ts';
import { tenantForMember, type Role, type TenantContext } from './tenancy.ts';

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

/** Creates the caller's account with the caller as owner (first sign-in). */
export const createAccount = async (deps: Deps, user: VerifiedUser, input: { name?: string | undefined }): Promise<Account> => {
  const memberships = await deps.accounts.membershipsOf(user.userId);
  if (memberships.some((m) => m.role === 'owner')) throw new AppError('conflict', 'You already have an account.');
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

/**
 * The tenant a verified user acts for: found only through their membership, never from
 * the request. A locked account (being erased) admits nobody, except to finish its erasure.
 */
export const tenantForUser = async (deps: Deps, user: VerifiedUser, options: { allowLocked?: boolean } = {}): Promise<TenantContext> => {
  const [membership] = await deps.accounts.membershipsOf(user.userId);
  // Invitations are never accepted here: only by following their link (invitees.ts).
  if (!membership) throw new AppError('forbidden', 'You have no Parley account yet: create one first (POST /v1/account).');
  const tenant = tenantForMember(membership);
  if (!options.allowLocked && (await deps.accounts.get(tenant))?.status === 'locked') {
    throw new AppError('forbidden', 'This account is locked while it is being erased.');
  }
  return tenant;
};

export const getAccount = async (deps: Deps, tenant: TenantContext): Promise<Account> => {
  const account = await deps.accounts.get(tenant);
  if (!account) throw new AppError('not_found', 'account not found');
  return account;
};

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

/** Throws `forbidden` unless the acting member has at least `role`. Visitors and system events never pass. */
export const requireRole = (tenant: TenantContext, role: Role): void => {
  if (tenant.actor.kind !== 'user' || RANK[tenant.actor.role] < RANK[role]) {
    throw new AppError('forbidden', `This needs the ${role} role.`);
  }
};

/** Changes account settings (owner or admin) and records it in the audit log. */
export const updateAccount = async (deps: Deps, tenant: TenantContext, patch: Partial<AccountSettings>, source: AuditSource): Promise<Account> => {
  requireRole(tenant, 'admin');
  const account = await getAccount(deps, tenant);
  const next: Account = { ...account, ...patch };
  const saved = await deps.accounts.update(tenant, next);
  if (!saved) throw new AppError('not_found', 'account not found');
  await audit(deps, tenant, source, 'account.updated', 'ok', { detail: Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v])) });
  return saved;
};
