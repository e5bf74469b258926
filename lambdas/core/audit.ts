/** Writing the audit log: who did what, when, from where — metadata only, never content or keys. */
import { AppError } from './errors.ts';
import { newId } from './ids.ts';
import type { AuditEntry, AuditOutcome, DocumentRecord } from './records.ts';
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

/** What an entry says about its subject: which one, and metadata about it. */
export interface AuditSubject {
  readonly target?: string | undefined;
  readonly detail?: AuditEntry['detail'] | undefined;
}

const subjectOf = (subject: AuditSubject): { target?: string; detail?: AuditEntry['detail'] } =>
  ({ ...(subject.target ? { target: subject.target } : {}), ...(subject.detail ? { detail: subject.detail } : {}) });

/**
 * Runs `act`, recording `action` as done, or as refused when the caller may not do it (403)
 * or it conflicts with the account's state (409). `known` is what the caller says before
 * acting (a refusal records only that); `learnt` adds what acting produced, such as the id
 * of what it created. Other failures are not recorded: nothing happened that a person did.
 */
export const audited = async <T>(
  deps: Pick<Deps, 'audit' | 'clock'>,
  tenant: TenantContext,
  source: AuditSource,
  action: string,
  known: AuditSubject,
  act: () => Promise<T>,
  learnt?: (result: T) => AuditSubject,
): Promise<T> => {
  let result: T;
  try {
    result = await act();
  } catch (err) {
    if (err instanceof AppError && (err.status === 403 || err.status === 409)) {
      await audit(deps, tenant, source, action, 'refused', subjectOf(known));
    }
    throw err;
  }
  const more = learnt?.(result);
  await audit(deps, tenant, source, action, 'ok', subjectOf({ target: more?.target ?? known.target, detail: more?.detail ?? known.detail }));
  return result;
};

/**
 * What the log keeps of a document: its name, so the entry still says which one after it is
 * deleted, and what kind of source it is (`upload`, `text`, `qa`, `website`, or
 * `improved_answer` for a Q&A taught from an unanswered question). Metadata only.
 */
export const documentAuditDetail = (doc: Pick<DocumentRecord, 'name' | 'source'> | undefined, improved = false): AuditEntry['detail'] | undefined =>
  doc ? { document: doc.name, source: improved ? 'improved_answer' : (doc.source ?? 'upload') } : undefined;
