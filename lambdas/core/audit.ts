/** Writing the audit log: who did what, when, from where — metadata only, never content or keys. */
import { newId } from './ids.ts';
import type { AuditEntry, AuditOutcome } from './records.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';

/** Where a request came from, as the edge saw it. */
export interface AuditSource {
  readonly sourceIp?: string | undefined;
}

export const audit = async (
  deps: Pick<Deps, 'audit' | 'clock'>,
  tenant: TenantContext,
  source: AuditSource,
  action: string,
  outcome: AuditOutcome,
  extra: { target?: string; detail?: AuditEntry['detail'] } = {},
): Promise<void> => {
  const now = deps.clock.now();
  const actor = tenant.actor.kind === 'user' ? { kind: 'user' as const, userId: tenant.actor.userId } : { kind: tenant.actor.kind };
  await deps.audit.record(tenant, {
    id: newId(now.getTime()),
    at: now.toISOString(),
    actor,
    action,
    outcome,
    ...(extra.target ? { target: extra.target } : {}),
    ...(source.sourceIp ? { sourceIp: source.sourceIp } : {}),
    ...(extra.detail ? { detail: extra.detail } : {}),
  });
};
