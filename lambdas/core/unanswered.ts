/**
 * What a bot could not answer: the questions it declined, grouped so one question
 * asked many ways shows once with a count (`question-groups.ts`), newest first,
 * and the share of questions it answered in the last seven days.
 *
 * Nothing new is stored about the questions: they are read from the conversations'
 * turns, so they expire with their conversations (retention), go with a deleted
 * conversation or an erased visitor, stay under a legal hold, and are in the
 * account export as the turns they are. Conversations are sealed at rest, so the
 * newest `MAX_SCANNED_CONVERSATIONS` are opened, within `SCAN_TIME_BUDGET_MS`;
 * `truncated` says when older ones were not read.
 *
 * Dismissing a group marks each of its asks so far (`dismissedAt` on the turn,
 * which expires with it). Dismissed asks never come back, however the grouping
 * shifts; a visitor asking the question again after the dismissal brings the
 * group back, counting only the asks since, because the bot still cannot
 * answer it. Failed answers (a provider outage, the answer deadline) are not
 * listed: they are not gaps in what the bot knows. They do count as not
 * answered in the week's share, as in the usage figures.
 */
import { requireRole } from './roles.ts';
import { audited, type AuditSource } from './audit.ts';
import { getBot } from './bot-lookup.ts';
import { notFound } from './errors.ts';
import { isId } from './ids.ts';
import { MAX_UNANSWERED_GROUPS } from './limits.ts';
import type { ConversationTurn } from './records.ts';
import type { Deps } from './ports.ts';
import { groupQuestions, wordingOf, type QuestionGroup } from './question-groups.ts';
import type { TenantContext } from './tenancy.ts';
import type { AnswerRate, UnansweredGroup, UnansweredReport } from './views.ts';

/** Conversations read at most, newest first: each is sealed, so each is opened. */
export const MAX_SCANNED_CONVERSATIONS = 500;
/** Reading stops after this long and says it was cut short (`truncated`). */
export const SCAN_TIME_BUDGET_MS = 8_000;
/** The window of the answered share. */
export const ANSWER_RATE_DAYS = 7;
const SCAN_PAGE = 100;
const SCAN_CONCURRENCY = 8;
/** Asks and other phrasings shown with a group. */
const SHOWN_ASKS = 5;
const SHOWN_PHRASINGS = 5;

interface Ask {
  readonly key: string;
  readonly conversationId: string;
  readonly turnId: string;
  readonly question: string;
  readonly askedAt: string;
  readonly dismissedAt?: string;
}

interface Scan {
  readonly unanswered: Ask[];
  readonly week: AnswerRate;
  readonly scanned: number;
  readonly truncated: boolean;
}

/** Reads the newest conversations' turns: the declined questions, and the week's asked and answered counts. */
const scan = async (deps: Pick<Deps, 'clock' | 'conversations'>, tenant: TenantContext, botId: string): Promise<Scan> => {
  const now = deps.clock.now();
  const from = new Date(now.getTime() - ANSWER_RATE_DAYS * 86_400_000).toISOString();
  const deadline = now.getTime() + SCAN_TIME_BUDGET_MS;
  const unanswered: Ask[] = [];
  let asked = 0, answered = 0, scanned = 0, outOfTime = false;
  let cursor: string | undefined;
  const take = (conversationId: string, t: ConversationTurn) => {
    if (t.createdAt >= from) {
      asked++;
      if (t.answered) answered++;
    }
    if (t.answered || t.error) return;
    unanswered.push({
      key: `${conversationId}#${t.turnId}`, conversationId, turnId: t.turnId, question: t.question, askedAt: t.createdAt,
      ...(t.dismissedAt ? { dismissedAt: t.dismissedAt } : {}),
    });
  };
  do {
    const page = await deps.conversations.list(tenant, botId, { limit: Math.min(SCAN_PAGE, MAX_SCANNED_CONVERSATIONS - scanned), ...(cursor ? { cursor } : {}) });
    cursor = page.cursor;
    for (let i = 0; i < page.items.length; i += SCAN_CONCURRENCY) {
      if (deps.clock.now().getTime() > deadline) {
        outOfTime = true;
        break;
      }
      const batch = page.items.slice(i, i + SCAN_CONCURRENCY);
      const turns = await Promise.all(batch.map((c) => deps.conversations.listTurns(tenant, botId, c.conversationId)));
      batch.forEach((c, k) => turns[k]!.forEach((t) => take(c.conversationId, t)));
      scanned += batch.length;
    }
  } while (cursor && !outOfTime && scanned < MAX_SCANNED_CONVERSATIONS);
  return { unanswered, week: { from, to: now.toISOString(), asked, answered }, scanned, truncated: outOfTime || !!cursor };
};

const latest = (times: ReadonlyArray<string | undefined>): string | undefined =>
  times.reduce<string | undefined>((a, b) => (b && (!a || b > a) ? b : a), undefined);

/** A group as the owner sees it, from its asks not yet dismissed; null when every ask was dismissed. */
const viewOf = (g: QuestionGroup<Ask>): UnansweredGroup | null => {
  const open = g.members.filter((m) => !m.dismissedAt);
  if (!open.length) return null;
  const newestFirst = [...open].reverse();
  const shown = open.includes(g.representative) ? g.representative : newestFirst[0]!;
  const phrasings: string[] = [];
  const seen = new Set([wordingOf(shown.question)]);
  for (const m of newestFirst) {
    const wording = wordingOf(m.question);
    if (seen.has(wording)) continue;
    seen.add(wording);
    phrasings.push(m.question);
    if (phrasings.length >= SHOWN_PHRASINGS) break;
  }
  const dismissedAt = latest(g.members.map((m) => m.dismissedAt));
  return {
    groupId: g.seed.turnId,
    question: shown.question,
    count: open.length,
    firstAskedAt: open[0]!.askedAt,
    lastAskedAt: newestFirst[0]!.askedAt,
    phrasings,
    asks: newestFirst.slice(0, SHOWN_ASKS).map(({ conversationId, turnId, askedAt }) => ({ conversationId, turnId, askedAt })),
    ...(dismissedAt ? { dismissedAt } : {}),
  };
};

/** The bot's unanswered questions, grouped, the most recently asked first, and its answered share this week. */
export const listUnanswered = async (deps: Pick<Deps, 'bots' | 'clock' | 'conversations'>, tenant: TenantContext, botId: string, limit: number): Promise<UnansweredReport> => {
  requireRole(tenant, 'viewer');
  await getBot(deps, tenant, botId);
  const { unanswered, week, scanned, truncated } = await scan(deps, tenant, botId);
  const groups = groupQuestions(unanswered).map(viewOf).filter((g): g is UnansweredGroup => g !== null)
    .sort((a, b) => b.lastAskedAt.localeCompare(a.lastAskedAt) || b.count - a.count || a.groupId.localeCompare(b.groupId));
  return { groups: groups.slice(0, Math.min(limit, MAX_UNANSWERED_GROUPS)), total: groups.length, week, scanned, truncated };
};

/**
 * Dismisses a group: every ask of it so far leaves the list (see the file
 * comment for when it comes back). 404 for a group that is not listed.
 */
export const dismissUnanswered = (deps: Pick<Deps, 'audit' | 'bots' | 'clock' | 'conversations'>, tenant: TenantContext, botId: string, groupId: string, source: AuditSource): Promise<{ dismissed: number }> =>
  audited(deps, tenant, source, 'unanswered.dismiss', { target: groupId }, () => dismissGroup(deps, tenant, botId, groupId));

const dismissGroup = async (deps: Pick<Deps, 'bots' | 'clock' | 'conversations'>, tenant: TenantContext, botId: string, groupId: string): Promise<{ dismissed: number }> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  if (!isId(groupId)) throw notFound('unanswered question');
  const { unanswered } = await scan(deps, tenant, botId);
  const group = groupQuestions(unanswered).find((g) => g.seed.turnId === groupId);
  const open = group?.members.filter((m) => !m.dismissedAt) ?? [];
  if (!open.length) throw notFound('unanswered question');
  const at = deps.clock.now().toISOString();
  const dismissed = await deps.conversations.dismissTurns(tenant, botId, open.map(({ conversationId, turnId }) => ({ conversationId, turnId })), at);
  return { dismissed };
};
