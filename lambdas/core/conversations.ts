/**
 * Reading conversations: a visitor reads only their own; owners and their team
 * read every conversation of their bots, with what visitors left for them.
 */
import { requireRole } from './roles.ts';
import { audited, type AuditSource } from './audit.ts';
import { getBot } from './bot-lookup.ts';
import { invalid, notFound } from './errors.ts';
import { requireNoHold } from './legal-hold.ts';
import { isId } from './ids.ts';
import { MAX_SEARCH_CHARS } from './limits.ts';
import type { Conversation, ConversationTurn, UsageRow, VisitorContact } from './records.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';
import type { VisitorSession } from './visitor.ts';
import type { SearchMatch } from './views.ts';

/** What a visitor sees of a turn: no key class, provider, usage or owner-side errors. */
const visitorTurn = (t: ConversationTurn) => ({
  turnId: t.turnId,
  question: t.question,
  answer: t.answer,
  citations: t.citations,
  ...(t.feedback ? { feedback: t.feedback.rating } : {}),
  createdAt: t.createdAt,
});

export const readOwnConversation = async (deps: Pick<Deps, 'conversations'>, s: VisitorSession, conversationId: string) => {
  const conversation = isId(conversationId) ? await deps.conversations.get(s.tenant, s.bot.botId, conversationId) : null;
  if (!conversation || conversation.visitorId !== s.visitorId) throw notFound('conversation');
  const turns = await deps.conversations.listTurns(s.tenant, s.bot.botId, conversationId);
  return { conversationId, turns: turns.map(visitorTurn) };
};

export const listConversations = async (
  deps: Pick<Deps, 'bots' | 'conversations'>,
  tenant: TenantContext,
  botId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: Conversation[]; cursor?: string }> => {
  requireRole(tenant, 'viewer');
  await getBot(deps, tenant, botId);
  return deps.conversations.list(tenant, botId, { limit: page.limit, ...(page.cursor ? { cursor: page.cursor } : {}) });
};

/** Conversations a text search opens at most, newest first: they are sealed, so each one is read. */
export const MAX_SEARCHED_CONVERSATIONS = 500;
const SEARCH_PAGE = 100;
const SEARCH_CONCURRENCY = 8;
const SNIPPET_CONTEXT = 60;
/** A search stops opening conversations after this long and says it was cut short (`truncated`). */
export const SEARCH_TIME_BUDGET_MS = 8_000;

/** Lower case, without accents or other combining marks: "Élan" and "elan" compare equal. */
const foldChar = (c: string): string => c.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Folds a text for matching, keeping for each folded character the index of the
 * original character it came from, so a match can be cut out of the original.
 */
const foldWithMap = (text: string): { folded: string; origin: number[] } => {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const c of text) {
    const f = foldChar(c);
    folded += f;
    for (let k = 0; k < f.length; k++) origin.push(i);
    i += c.length;
  }
  origin.push(text.length);
  return { folded, origin };
};

// Printable ASCII and the usual white space: anything else takes the careful path.
const ASCII = /^[\t\n\r\x20-\x7e]*$/;

/** The first place `needle` (already folded) occurs in `text`, with some words either side. */
const findIn = (text: string, needle: string): Omit<SearchMatch, 'turnId' | 'field'> | null => {
  // Most text is plain ASCII: lower-casing it keeps every offset, so the per-character fold is skipped.
  const ascii = ASCII.test(text);
  const { folded, origin } = ascii ? { folded: text.toLowerCase(), origin: null } : foldWithMap(text);
  const at = folded.indexOf(needle);
  if (at < 0) return null;
  if (!origin) return snippetAround(text, at, at + needle.length);
  return snippetAround(text, origin[at]!, origin[at + needle.length] ?? text.length);
};

/** The match with some words either side, cut at spaces where there is one near. */
const snippetAround = (text: string, start: number, end: number): Omit<SearchMatch, 'turnId' | 'field'> => {
  let from = Math.max(0, start - SNIPPET_CONTEXT);
  let to = Math.min(text.length, end + SNIPPET_CONTEXT);
  // Cut at spaces rather than inside words, where there is one near.
  if (from > 0) {
    const space = text.indexOf(' ', from);
    if (space >= 0 && space < start) from = space + 1;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space > end) to = space;
  }
  const before = from > 0 ? '…' : '';
  const snippet = `${before}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
  return { snippet, start: before.length + start - from, end: before.length + end - from };
};

/**
 * Searches a bot's conversations for a text, in visitors' questions and the bot's
 * answers, ignoring case and accents. Conversations are sealed at rest, so the
 * newest `MAX_SEARCHED_CONVERSATIONS` are opened one by one through the
 * repository, for at most `SEARCH_TIME_BUDGET_MS`; `truncated` says older ones
 * (or further matches past `limit`) were not looked at.
 */
export const searchConversations = async (
  deps: Pick<Deps, 'bots' | 'clock' | 'conversations'>,
  tenant: TenantContext,
  botId: string,
  search: { q: string; limit: number },
): Promise<{ items: Array<Conversation & { match: SearchMatch }>; searchedUpTo: number; truncated: boolean }> => {
  requireRole(tenant, 'viewer');
  const q = search.q.trim();
  if (!q || q.length > MAX_SEARCH_CHARS) throw invalid(`q: search for 1 to ${MAX_SEARCH_CHARS} characters`, { field: 'q' });
  await getBot(deps, tenant, botId);
  const needle = foldWithMap(q.replace(/\s+/g, ' ')).folded;
  const deadline = deps.clock.now().getTime() + SEARCH_TIME_BUDGET_MS;
  const outOfTime = () => deps.clock.now().getTime() > deadline;
  const items: Array<Conversation & { match: SearchMatch }> = [];
  let searched = 0;
  let cursor: string | undefined;
  /** Conversations left unsearched, or matches left out, because `limit` was reached. */
  let leftOut = false;
  do {
    const page = await deps.conversations.list(tenant, botId, { limit: Math.min(SEARCH_PAGE, MAX_SEARCHED_CONVERSATIONS - searched), ...(cursor ? { cursor } : {}) });
    cursor = page.cursor;
    // Open a few at a time, keeping the newest-first order of the page.
    for (let i = 0; i < page.items.length; i += SEARCH_CONCURRENCY) {
      if (items.length >= search.limit || outOfTime()) {
        leftOut = true;
        break;
      }
      const batch = page.items.slice(i, i + SEARCH_CONCURRENCY);
      const found = await Promise.all(batch.map(async (c) => {
        const turns = await deps.conversations.listTurns(tenant, botId, c.conversationId);
        for (const t of turns) {
          for (const field of ['question', 'answer'] as const) {
            const text = field === 'answer' ? t.answer.replace(/\s*\[\d+\]/g, '') : t.question;
            const hit = findIn(text.replace(/\s+/g, ' '), needle);
            if (hit) return { ...c, match: { turnId: t.turnId, field, ...hit } };
          }
        }
        return null;
      }));
      searched += batch.length;
      for (const f of found) {
        if (!f) continue;
        if (items.length < search.limit) items.push(f);
        else leftOut = true;
      }
    }
  } while (cursor && items.length < search.limit && searched < MAX_SEARCHED_CONVERSATIONS && !leftOut);
  return { items, searchedUpTo: searched, truncated: leftOut || !!cursor };
};

export const readConversation = async (deps: Pick<Deps, 'bots' | 'conversations'>, tenant: TenantContext, botId: string, conversationId: string): Promise<{ conversation: Conversation; turns: ConversationTurn[] }> => {
  requireRole(tenant, 'viewer');
  await getBot(deps, tenant, botId);
  const conversation = isId(conversationId) ? await deps.conversations.get(tenant, botId, conversationId) : null;
  if (!conversation) throw notFound('conversation');
  return { conversation, turns: await deps.conversations.listTurns(tenant, botId, conversationId) };
};

/** Deletes a conversation (admin), recorded in the audit log. */
export const deleteConversation = (deps: Pick<Deps, 'accounts' | 'audit' | 'bots' | 'clock' | 'conversations'>, tenant: TenantContext, botId: string, conversationId: string, source: AuditSource): Promise<void> =>
  audited(deps, tenant, source, 'conversation.delete', { target: conversationId }, async () => {
    requireRole(tenant, 'admin');
    await getBot(deps, tenant, botId);
    await requireNoHold(deps, tenant);
    if (!isId(conversationId) || !(await deps.conversations.delete(tenant, botId, conversationId))) throw notFound('conversation');
  });

export const listContacts = async (deps: Pick<Deps, 'bots' | 'contacts'>, tenant: TenantContext, botId: string, kind: VisitorContact['kind']): Promise<VisitorContact[]> => {
  requireRole(tenant, 'viewer');
  await getBot(deps, tenant, botId);
  return deps.contacts.list(tenant, botId, kind, 200);
};

/**
 * Removes a request for a person or a lead once the owner has dealt with it; the
 * visitor's contact details go with it (the conversation, if any, stays).
 */
export const deleteContact = (
  deps: Pick<Deps, 'accounts' | 'audit' | 'bots' | 'clock' | 'contacts'>, tenant: TenantContext, botId: string, kind: VisitorContact['kind'], contactId: string, source: AuditSource,
): Promise<void> =>
  audited(deps, tenant, source, 'contact.delete', { target: contactId }, async () => {
    requireRole(tenant, 'admin');
    await getBot(deps, tenant, botId);
    await requireNoHold(deps, tenant);
    if (!isId(contactId) || !(await deps.contacts.delete(tenant, botId, kind, contactId))) throw notFound(kind === 'lead' ? 'lead' : 'request for a person');
  });

/** Usage of a month (`YYYY-MM`, this month by default) by bot and key class, answers and embedding, with totals. */
export const usageOf = async (deps: Pick<Deps, 'clock' | 'meter'>, tenant: TenantContext, month?: string): Promise<{ month: string; rows: UsageRow[]; totals: Omit<UsageRow, 'month' | 'botId' | 'keyClass'> }> => {
  requireRole(tenant, 'viewer');
  const m = month ?? deps.clock.now().toISOString().slice(0, 7);
  const rows = await deps.meter.usage(tenant, m);
  const totals = rows.reduce(
    (sum, r) => ({
      messages: sum.messages + r.messages, unanswered: sum.unanswered + r.unanswered,
      inputTokens: sum.inputTokens + r.inputTokens, outputTokens: sum.outputTokens + r.outputTokens, costMicros: sum.costMicros + r.costMicros,
      embeddingTokens: sum.embeddingTokens + r.embeddingTokens, embeddingCostMicros: sum.embeddingCostMicros + r.embeddingCostMicros,
    }),
    { messages: 0, unanswered: 0, inputTokens: 0, outputTokens: 0, costMicros: 0, embeddingTokens: 0, embeddingCostMicros: 0 },
  );
  return { month: m, rows, totals };
};
