/**
 * A visitor's question answered from the bot's documents, as a stream of events:
 * the sources first, then text as it is produced, then usage.
 */
import { AppError, notFound } from './errors.ts';
import { isId } from './ids.ts';
import { MAX_QUESTION_CHARS, RETRIEVAL_TOP_K } from './limits.ts';
import type { Bot, Passage } from './model.ts';
import type { Deps } from './ports.ts';
import { retrieve } from './retrieval.ts';
import { tenantForVisitor, type TenantContext } from './tenancy.ts';

export interface Citation {
  /** 1-based, as the answer text refers to it: [1]. */
  readonly n: number;
  readonly docId: string;
  readonly document: string;
  readonly section: string;
  readonly page?: number;
  /** The web page a website source's passage came from. */
  readonly url?: string;
  readonly quote: string;
  readonly score: number;
}

export type ChatStreamEvent =
  | { readonly type: 'sources'; readonly sources: readonly Citation[] }
  | { readonly type: 'delta'; readonly text: string }
  | { readonly type: 'done'; readonly answered: boolean; readonly keyClass: 'local' | 'platform' | 'owner'; readonly usage: { inputTokens: number; outputTokens: number } };

export const NO_ANSWER = "I couldn't find that in this bot's documents, so I can't answer it reliably.";

const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** The visitor's bot, found server-side from its public id; the page's origin must be allowed. */
export const openVisitorChat = async (deps: Deps, publicId: string, origin: string | undefined): Promise<{ tenant: TenantContext; bot: Bot }> => {
  const ref = isId(publicId) ? await deps.bots.resolvePublicId(publicId) : null;
  if (!ref) throw notFound('bot');
  const tenant = tenantForVisitor(ref.accountId);
  const bot = await deps.bots.get(tenant, ref.botId);
  if (!bot) throw notFound('bot');
  if (origin !== undefined) {
    const allowed = bot.allowedOrigins.includes(origin) || (deps.stage === 'local' && LOOPBACK_ORIGIN.test(origin));
    if (!allowed) throw new AppError('forbidden', 'This website is not allowed to use this bot.');
  }
  return { tenant, bot };
};

export const validateQuestion = (question: string): string => {
  const q = question.trim();
  if (!q) throw new AppError('invalid_request', 'Please type a question.');
  if (q.length > MAX_QUESTION_CHARS) throw new AppError('invalid_request', `Questions can be at most ${MAX_QUESTION_CHARS} characters.`);
  return q;
};

const QUOTE_CHARS = 300;

export const citationsOf = (passages: readonly Passage[]): Citation[] =>
  passages.map((p, i) => ({
    n: i + 1,
    docId: p.docId,
    document: p.documentName,
    section: p.section,
    ...(p.page !== undefined ? { page: p.page } : {}),
    ...(p.url !== undefined ? { url: p.url } : {}),
    quote: p.text.length > QUOTE_CHARS ? `${p.text.slice(0, QUOTE_CHARS)}…` : p.text,
    score: Math.round(p.score * 1000) / 1000,
  }));

export async function* answerQuestion(
  deps: Deps,
  tenant: TenantContext,
  bot: Bot,
  question: string,
  signal?: AbortSignal,
): AsyncGenerator<ChatStreamEvent> {
  const passages = await retrieve(deps, tenant, bot.botId, question, RETRIEVAL_TOP_K);
  yield { type: 'sources', sources: citationsOf(passages) };
  if (passages.length === 0) {
    yield { type: 'delta', text: NO_ANSWER };
    yield { type: 'done', answered: false, keyClass: 'local', usage: { inputTokens: 0, outputTokens: 0 } };
    return;
  }
  const usage = { inputTokens: 0, outputTokens: 0 };
  const stream = deps.answerer.stream({ instructions: bot.instructions, question, passages }, signal ? { signal } : {});
  for await (const event of stream) {
    if (event.type === 'text') yield { type: 'delta', text: event.text };
    else {
      usage.inputTokens += event.inputTokens;
      usage.outputTokens += event.outputTokens;
    }
  }
  yield { type: 'done', answered: true, keyClass: 'local', usage };
}
