/** What an admin route gets: the event, deps, the verified user, and its tenant on demand. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ACTING_FOR_HEADER, tenantForUser, type VerifiedUser } from '../../core/accounts.ts';
import type { AuditSource } from '../../core/audit.ts';
import type { Deps } from '../../core/ports.ts';
import type { TenantContext } from '../../core/tenancy.ts';
import { clientAddress } from '../../http/client-address.ts';
import { header } from '../../http/request.ts';
import { noteAccount } from '../../http/request-log.ts';

export interface AdminContext {
  readonly event: APIGatewayProxyEventV2;
  readonly deps: Deps;
  readonly user: VerifiedUser;
  /** Where the request came from, for the audit log. */
  readonly source: AuditSource;
  /**
   * The account the user acts for: the one the `x-parley-account` header names, if
   * one of their memberships is for it (never from the request alone).
   */
  readonly tenant: () => Promise<TenantContext>;
}

/** The account the request says it acts for; undefined when it names none. */
export const actingFor = (event: APIGatewayProxyEventV2): string | undefined => header(event, ACTING_FOR_HEADER)?.trim();

export const adminContext = (event: APIGatewayProxyEventV2, deps: Deps, user: VerifiedUser, edgeSecret?: string): AdminContext => {
  let tenant: Promise<TenantContext> | undefined;
  return {
    event,
    deps,
    user,
    source: { sourceIp: clientAddress(event, edgeSecret) },
    tenant: () => (tenant ??= tenantForUser(deps, user, { accountId: actingFor(event) }).then((t) => {
      noteAccount(event, t.accountId);
      return t;
    })),
  };
};
