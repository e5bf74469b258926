/**
 * Paying for answers. Before a provider is called, the most an answer can cost
 * (its prompt and the longest reply allowed, at list price) is reserved against
 * the bot's day and month budgets in one conditional write; afterwards the
 * reservation is corrected to what was used, usage is metered per account, bot,
 * month and key class, and the turn is stored if the account keeps conversations.
 */
import { citationsOf } from './citations.ts';
import { AppError } from './errors.ts';
import { noteKeyOutcome, type KeyChoice } from './keys.ts';
import { DEFAULT_BOT_BUDGET, MAX_OUTPUT_TOKENS } from './limits.ts';
import type { Bot, Conversation, ConversationTurn, Passage, TokenUsage } from './records.ts';
import type { BudgetAmount, ChatModel, Deps } from './ports.ts';
import { costMicros } from './pricing.ts';
import type { TenantContext } from './tenancy.ts';
import type { VisitorSession } from './visitor.ts';
import { audit } from './audit.ts';
import { questionChargesWritten } from './embedding-spend.ts';

export interface Reservation extends BudgetAmount {
  readonly at: Date;
  readonly inputTokens: number;
}

const secondsUntil = (from: Date, next: Date) => Math.max(1, Math.ceil((next.getTime() - from.getTime()) / 1000));

/** Reserves the answer's most cost; refuses with 429 and when to retry if a budget has no room. */
export const reserveBudget = async (
  deps: Pick<Deps, 'audit' | 'clock' | 'meter'>,
  tenant: TenantContext,
  bot: Bot,
  model: Pick<ChatModel, 'provider' | 'model'>,
  inputTokens: number,
): Promise<Reservation> => {
  const at = deps.clock.now();
  const amount = {
    tokens: inputTokens + MAX_OUTPUT_TOKENS,
    costMicros: costMicros(model.provider, model.model, { inputTokens, outputTokens: MAX_OUTPUT_TOKENS }),
  };
  const outcome = await deps.meter.reserve(tenant, bot.botId, amount, bot.budget ?? DEFAULT_BOT_BUDGET);
  if (outcome !== 'ok') {
    await audit(deps, tenant, {}, 'chat.budget_exceeded', 'refused', { target: bot.botId, detail: { budget: outcome } });
    const next = outcome === 'daily'
      ? new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1))
      : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    throw new AppError('rate_limited', `This assistant has reached its ${outcome} limit. Please try again later.`, { budget: outcome }, secondsUntil(at, next));
  }
  return { ...amount, at, inputTokens };
};

/** Gives a reservation back whole, when the answer it was made for stopped before any provider call. */
export const releaseBudget = async (deps: Pick<Deps, 'meter'>, tenant: TenantContext, botId: string, reservation: Reservation): Promise<void> => {
  await deps.meter.settle(tenant, botId, reservation.at, reservation, { tokens: 0, costMicros: 0 });
};

const PREVIEW_CHARS = 120;

const expiryOf = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();

/** What settling an answer reads of the prepared answer (chat.ts's `PreparedAnswer` extends it). */
export interface AnswerToSettle {
  readonly session: VisitorSession;
  readonly question: string;
  readonly conversation: Conversation | null;
  readonly conversationId: string;
  readonly retentionDays: number;
  readonly passages: readonly Passage[];
  readonly key: KeyChoice;
  readonly model: ChatModel;
  readonly reservation: Reservation | null;
}

/** After the answer (or its failure or cancellation): correct the budget, meter usage, store the turn. */
export const settleAnswer = async (
  deps: Pick<Deps, 'audit' | 'clock' | 'conversations' | 'keys' | 'meter'>,
  p: AnswerToSettle,
  usage: TokenUsage,
  outcome: { turnId: string; answer: string; answered: boolean; error?: string },
): Promise<void> => {
  const { tenant, bot, visitorId, origin } = p.session;
  const cost = costMicros(p.model.provider, p.model.model, usage);
  // Only provider calls count against budgets: what was reserved for a call that did not
  // happen (no passages, or no key after all) goes back whole.
  if (p.reservation) {
    const billed = p.key.keyClass !== 'local' && p.passages.length > 0;
    const actual = billed ? { tokens: usage.inputTokens + usage.outputTokens, costMicros: cost } : { tokens: 0, costMicros: 0 };
    await deps.meter.settle(tenant, bot.botId, p.reservation.at, p.reservation, actual);
  }
  await deps.meter.recordUsage(tenant, bot.botId, p.key.keyClass, { ...usage, costMicros: cost, answered: outcome.answered });
  await questionChargesWritten();
  // Every provider call is in the audit log by its metadata: who served it, which key paid, how much; never content.
  if (p.key.keyClass !== 'local' && p.passages.length > 0) {
    await audit(deps, tenant, {}, 'chat.provider_call', outcome.error ? 'failed' : 'ok', {
      target: bot.botId,
      detail: { provider: p.model.provider, model: p.model.model, keyClass: p.key.keyClass, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
    });
  }
  if (p.key.keyClass === 'owner' && !outcome.error) await noteKeyOutcome(deps, tenant, p.key.provider);
  if (p.retentionDays <= 0) return;

  const now = deps.clock.now();
  const expiresAt = expiryOf(now, p.retentionDays);
  if (!p.conversation) {
    const conversation: Conversation = {
      conversationId: p.conversationId,
      botId: bot.botId,
      visitorId,
      origin,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt,
      turnCount: 0,
      preview: p.question.slice(0, PREVIEW_CHARS),
    };
    await deps.conversations.create(tenant, conversation);
  }
  const turn: ConversationTurn = {
    turnId: outcome.turnId,
    question: p.question,
    answer: outcome.answer,
    // No source is listed under an answer that declined or failed.
    citations: outcome.answered ? citationsOf(p.passages) : [],
    answered: outcome.answered,
    keyClass: p.key.keyClass,
    provider: p.model.provider,
    model: p.model.model,
    usage,
    ...(outcome.error ? { error: outcome.error } : {}),
    createdAt: now.toISOString(),
  };
  await deps.conversations.appendTurn(tenant, bot.botId, p.conversationId, turn, expiresAt);
};
