/**
 * Reading conversations: a visitor reads only their own; owners and their team
 * read every conversation of their bots, with what visitors left for them.
 */
import { requireRole } from './accounts.ts';
import { getBot } from './bots.ts';
import { notFound } from './errors.ts';
import { requireNoHold } from './legal-hold.ts';
import { isId } from './ids.ts';
import type { Conversation, ConversationTurn, UsageRow, VisitorContact } from './model.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';
import type { VisitorSession } from './visitor.ts';

/** What a visitor sees of a turn: no key class, provider, usage or owner-side errors. */
const visitorTurn = (t: ConversationTurn) => ({
  turnId: t.turnId,
  question: t.question,
  answer: t.answer,
  citations: t.citations,
  ...(t.feedback ? { feedback: t.feedback.rating } : {}),
  createdAt: t.createdAt,
});

export const readOwnConversation = async (deps: Deps, s: VisitorSession, conversationId: string) => {
  const conversation = isId(conversationId) ? await deps.conversations.get(s.tenant, s.bot.botId, conversationId) : null;
  if (!conversation || conversation.visitorId !== s.visitorId) throw notFound('conversation');
  const turns = await deps.conversations.listTurns(s.tenant, s.bot.botId, conversationId);
  return { conversationId, turns: turns.map(visitorTurn) };
};

export const listConversations = async (
  deps: Deps,
  tenant: TenantContext,
  botId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: Conversation[]; cursor?: string }> => {
  requireRole(tenant, 'viewer');
  await getBot(deps, tenant, botId);
  return deps.conversations.list(tenant, botId, { limit: page.limit, ...(page.cursor ? { cursor: page.cursor } : {}) });
};

export const readConversation = async (deps: Deps, tenant: TenantContext, botId: string, conversationId: string): Promise<{ conversation: Conversation; turns: ConversationTurn[] }> => {
  requireRole(tenant, 'viewer');
  await getBot(deps, tenant, botId);
  const conversation = isId(conversationId) ? await deps.conversations.get(tenant, botId, conversationId) : null;
  if (!conversation) throw notFound('conversation');
  return { conversation, turns: await deps.conversations.listTurns(tenant, botId, conversationId) };
};

export const deleteConversation = async (deps: Deps, tenant: TenantContext, botId: string, conversationId: string): Promise<void> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  await requireNoHold(deps, tenant);
  if (!isId(conversationId) || !(await deps.conversations.delete(tenant, botId, conversationId))) throw notFound('conversation');
};

export const listContacts = async (deps: Deps, tenant: TenantContext, botId: string, kind: VisitorContact['kind']): Promise<VisitorContact[]> => {
  requireRole(tenant, 'viewer');
  await getBot(deps, tenant, botId);
  return deps.contacts.list(tenant, botId, kind, 200);
};

/** Usage of a month (`YYYY-MM`, this month by default) by bot and key class, with totals. */
export const usageOf = async (deps: Deps, tenant: TenantContext, month?: string): Promise<{ month: string; rows: UsageRow[]; totals: Omit<UsageRow, 'month' | 'botId' | 'keyClass'> }> => {
  requireRole(tenant, 'viewer');
  const m = month ?? deps.clock.now().toISOString().slice(0, 7);
  const rows = await deps.meter.usage(tenant, m);
  const totals = rows.reduce(
    (sum, r) => ({ messages: sum.messages + r.messages, inputTokens: sum.inputTokens + r.inputTokens, outputTokens: sum.outputTokens + r.outputTokens, costMicros: sum.costMicros + r.costMicros }),
    { messages: 0, inputTokens: 0, outputTokens: 0, costMicros: 0 },
  );
  return { month: m, rows, totals };
};
