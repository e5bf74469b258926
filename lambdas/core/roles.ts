/** Who in an account may do what: the one rule every core function checks before acting. */
import { AppError } from './errors.ts';
import type { Role, TenantContext } from './tenancy.ts';

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

/** Throws `forbidden` unless the acting member has at least `role`. Visitors and system events never pass. */
export const requireRole = (tenant: TenantContext, role: Role): void => {
  if (tenant.actor.kind !== 'user' || RANK[tenant.actor.role] < RANK[role]) {
    throw new AppError('forbidden', `This needs the ${role} role.`);
  }
};
