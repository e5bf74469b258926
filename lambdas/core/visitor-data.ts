/**
 * One visitor's data, for their rights of access and erasure: found by visitor
 * id, by a conversation of theirs, or by the e-mail address they left; returned
 * whole (that is the export) or erased on its own, across every bot.
 */
import { requireRole } from './roles.ts';
import { audit, type AuditSource } from './audit.ts';
import { invalid, notFound } from './errors.ts';
import { isId } from './ids.ts';
import { requireNoHold } from './legal-hold.ts';
import type { Conversation, VisitorContact } from './records.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';
import type { VisitorData } from './views.ts';

/** Contacts kept per bot and kind that a search reads. */
const CONTACTS_SCANNED = 10_000;

const everything = async (deps: Pick<Deps, 'bots' | 'contacts' | 'conversations'>, tenant: TenantContext) => {
  const bots = await deps.bots.list(tenant);
  const conversations: Conversation[] = [];
  const contacts: VisitorContact[] = [];
  for (const bot of bots) {
    let cursor: string | undefined;
    do {
      const page = await deps.conversations.list(tenant, bot.botId, { limit: 100, ...(cursor ? { cursor } : {}) });
      conversations.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    for (const kind of ['handoff', 'lead'] as const) contacts.push(...(await deps.contacts.list(tenant, bot.botId, kind, CONTACTS_SCANNED)));
  }
  return { conversations, contacts };
};

export const findVisitor = async (
  deps: Pick<Deps, 'bots' | 'contacts' | 'conversations'>,
  tenant: TenantContext,
  by: { visitorId?: string | undefined; email?: string | undefined; conversationId?: string | undefined },
): Promise<VisitorData> => {
  requireRole(tenant, 'admin');
  if (!by.visitorId && !by.email && !by.conversationId) throw invalid('Give a visitorId, an email or a conversationId.');
  const all = await everything(deps, tenant);
  const ids = new Set<string>();
  if (by.visitorId && isId(by.visitorId)) ids.add(by.visitorId);
  if (by.conversationId) for (const c of all.conversations) if (c.conversationId === by.conversationId) ids.add(c.visitorId);
  if (by.email) {
    const email = by.email.trim().toLowerCase();
    for (const c of all.contacts) if (c.email?.toLowerCase() === email || Object.values(c.fields ?? {}).some((v) => v.toLowerCase() === email)) ids.add(c.visitorId);
  }
  const conversations = await Promise.all(all.conversations.filter((c) => ids.has(c.visitorId))
    .map(async (c) => ({ ...c, turns: await deps.conversations.listTurns(tenant, c.botId, c.conversationId) })));
  return { visitorIds: [...ids], conversations, contacts: all.contacts.filter((c) => ids.has(c.visitorId)) };
};

/** Erases one visitor's conversations and contacts; 404 when there is nothing of theirs. */
export const eraseVisitor = async (deps: Pick<Deps, 'accounts' | 'audit' | 'bots' | 'clock' | 'contacts' | 'conversations'>, tenant: TenantContext, visitorId: string, source: AuditSource): Promise<{ conversations: number; contacts: number }> => {
  requireRole(tenant, 'admin');
  await requireNoHold(deps, tenant);
  const found = await findVisitor(deps, tenant, { visitorId });
  if (found.conversations.length === 0 && found.contacts.length === 0) throw notFound('visitor');
  for (const c of found.conversations) await deps.conversations.delete(tenant, c.botId, c.conversationId);
  for (const c of found.contacts) await deps.contacts.delete(tenant, c.botId, c.kind, c.contactId);
  const counts = { conversations: found.conversations.length, contacts: found.contacts.length };
  await audit(deps, tenant, source, 'visitor.erase', 'ok', { target: visitorId, detail: counts });
  return counts;
};
