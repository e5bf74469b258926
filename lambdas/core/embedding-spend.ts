/**
 * Paying for embeddings. Every embedder a bot uses with a provider (OpenAI with the
 * owner's key or the platform's, Amazon Bedrock in the operator's account) is wrapped
 * so that each `embed` call meters what it used: tokens and list-price cost on the
 * month's usage row of the bot and the key class that paid, and the cost on the bot's
 * day and month cost budgets, after the fact. Documents are embedded only while those
 * budgets have room; a question is never refused for its embedding (a few tokens; the
 * answer's own reservation already guards the visitor's question). The local embedder
 * costs nothing and is not metered.
 */
import { DEFAULT_BOT_BUDGET } from './limits.ts';
import type { Deps, Embedder } from './ports.ts';
import { embeddingCostMicros } from './pricing.ts';
import type { ProviderId } from './providers.ts';
import type { Bot, BotBudget, KeyClass } from './records.ts';
import type { TenantContext } from './tenancy.ts';

/** Who pays for a bot's embedding, and through which provider's list it is priced. */
export interface EmbeddingPayer {
  readonly botId: string;
  readonly keyClass: Exclude<KeyClass, 'local'>;
  readonly provider: ProviderId;
}

/** Dollars with cents, or to the micro-dollar for a limit set below a cent's precision. */
const dollars = (micros: number): string => `$${micros % 10_000 === 0 ? (micros / 1e6).toFixed(2) : String(micros / 1e6)}`;

/** A document not embedded because a cost budget of its bot has no room: processing it again later can succeed. */
export class BudgetExhausted extends Error {
  readonly budget: 'daily' | 'monthly';
  constructor(budget: 'daily' | 'monthly', limits: BotBudget) {
    super(budget === 'daily'
      ? `This bot has used its daily budget (${dollars(limits.dailyCostMicros)} at list prices), which embedding documents counts toward, so this document was not processed. Process it again tomorrow (the day's budget starts afresh at midnight UTC), or raise the bot's daily budget.`
      : `This bot has used its monthly budget (${dollars(limits.monthlyCostMicros)} at list prices), which embedding documents counts toward, so this document was not processed. Process it again next month (the budget starts afresh on the 1st, UTC), or raise the bot's monthly budget.`);
    this.name = 'BudgetExhausted';
    this.budget = budget;
  }
}

/** Refuses (`BudgetExhausted`) when the bot's day or month cost budget has no room left for embedding documents. */
export const requireCostRoom = async (deps: Pick<Deps, 'meter'>, tenant: TenantContext, bot: Bot): Promise<void> => {
  const budget = bot.budget ?? DEFAULT_BOT_BUDGET;
  const room = await deps.meter.costRoom(tenant, bot.botId, budget);
  if (room !== 'ok') throw new BudgetExhausted(room, budget);
};

/**
 * Charges for questions' embeddings still being written. A question's vector is handed on at once, so
 * writing what it cost (three counters) never holds up the answer's first byte; the answer waits for
 * them when it settles (`questionChargesWritten`), where a failed write fails like the answer's own
 * metering would.
 */
const pendingCharges = new Set<Promise<void>>();

/** Waits for the question-embedding charges started so far in this process; throws the first that failed. */
export const questionChargesWritten = async (): Promise<void> => {
  await Promise.all([...pendingCharges]);
};

const deferCharge = (charge: () => Promise<void>): void => {
  const written = charge().finally(() => pendingCharges.delete(written));
  // Heard by whoever waits (questionChargesWritten); never an unhandled rejection meanwhile.
  written.catch(() => undefined);
  pendingCharges.add(written);
};

/**
 * The same embedder, whose every call records what it used for `payer` (also when a later request of the call
 * fails). With `defer` (questions), the vectors return before the record is written: see `pendingCharges`.
 */
export const meteredEmbedder = (deps: Pick<Deps, 'meter'>, tenant: TenantContext, payer: EmbeddingPayer, embedder: Embedder, options: { defer?: boolean } = {}): Embedder => ({
  model: embedder.model,
  dimensions: embedder.dimensions,
  ...(embedder.sparse ? { sparse: true } : {}),
  async embed(texts, onTokens) {
    let tokens = 0;
    const charge = () => (tokens > 0
      ? deps.meter.recordEmbedding(tenant, payer.botId, payer.keyClass, { tokens, costMicros: embeddingCostMicros(payer.provider, embedder.model, tokens) })
      : Promise.resolve());
    let vectors: Float32Array[];
    try {
      vectors = await embedder.embed(texts, (n) => {
        tokens += n;
        onTokens?.(n);
      });
    } catch (err) {
      // What the provider answered before the failure is paid for all the same; the failure is what the caller hears.
      if (options.defer) deferCharge(charge);
      else await charge().catch(() => undefined);
      throw err;
    }
    if (options.defer) deferCharge(charge);
    else await charge();
    return vectors;
  },
});
