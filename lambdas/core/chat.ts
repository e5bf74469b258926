/**
 * A visitor's question answered from the bot's documents. `prepareAnswer` does
 * every check that can refuse the request (pause, rate limits, the conversation's
 * owner, the budget, reserved before any provider is called), so a refusal is
 * an ordinary error with its status; `streamAnswer` then streams the sources,
 * the text as it comes, and a final event with usage and which key paid.
 */
import { createAnswerFilter } from './answer-filter.ts';
import { audit } from './audit.ts';
import { citationsOf } from './citations.ts';
import { releaseBudget, reserveBudget, settleAnswer, type AnswerToSettle } from './chat-budget.ts';
import { questionChargesWritten } from './embedding-spend.ts';
import { AppError, notFound, ProviderCallFailed } from './errors.ts';
import { isId, newId } from './ids.ts';
import { chooseKey, noteKeyOutcome, type KeyChoice } from './keys.ts';
import {
  ADDRESS_MESSAGES_PER_MINUTE, HISTORY_TURNS, MAX_ANSWER_MS, MAX_CONVERSATION_TURNS, MAX_OUTPUT_TOKENS, MAX_QUESTION_CHARS,
  RETRIEVAL_TOP_K, VISITOR_MESSAGES_PER_MINUTE,
} from './limits.ts';
import type { Bot, ConversationTurn, TokenUsage } from './records.ts';
import type { ChatModel, ChatRequest, Deps } from './ports.ts';
import { saysNotFound } from './not-found.ts';
import { buildMessages, systemPrompt } from './prompt.ts';
import { visitorMessageFor } from './provider-messages.ts';
import { planQuote } from './quoting.ts';
import { retrieveWithWeights } from './retrieval.ts';
import { approxTokens } from './text.ts';
import { addressKey, rateLimited, type VisitorSession } from './visitor.ts';
import type { ChatStreamEvent } from './views.ts';

export type { Citation } from './records.ts';
export { citationsOf } from './citations.ts';

export const NO_ANSWER = "I couldn't find that in this bot's documents, so I can't answer it reliably. Would you like to ask a person instead?";

/** Control and zero-width characters (Unicode categories Cc and Cf, but line breaks and tabs): no question is made of them. */
const INVISIBLE = /(?![\t\n\r])[\p{Cc}\p{Cf}]/gu;

export const validateQuestion = (question: string): string => {
  const q = question.replace(INVISIBLE, '').trim();
  if (!q) throw new AppError('invalid_request', 'Please type a question.');
  if (q.length > MAX_QUESTION_CHARS) throw new AppError('invalid_request', `Questions can be at most ${MAX_QUESTION_CHARS} characters.`);
  return q;
};

/** Tokens a chunk may have, at most, for reserving before the passages are known. */
const MOST_CHUNK_TOKENS = 600;
const PROMPT_OVERHEAD_TOKENS = 600;

/** The most input an answer's prompt can have: rules, instructions, history, question, passages. */
const mostInputTokens = (bot: Bot, question: string, turns: readonly ConversationTurn[]): number =>
  PROMPT_OVERHEAD_TOKENS + approxTokens(bot.instructions + question)
  + turns.slice(-HISTORY_TURNS).reduce((sum, t) => sum + approxTokens(t.question + t.answer), 0)
  + RETRIEVAL_TOP_K * MOST_CHUNK_TOKENS;

/** Everything a checked request needs to be answered: what settling it reads, and the model request. */
export interface PreparedAnswer extends AnswerToSettle {
  readonly request: ChatRequest;
}

const modelFor = (deps: Pick<Deps, 'chatModels'>, key: KeyChoice, modelName: string): ChatModel =>
  key.keyClass === 'local'
    ? deps.chatModels.local
    : deps.chatModels.create({ provider: key.provider, model: modelName, apiKey: key.keyClass === 'bedrock' ? '' : key.apiKey, ...(key.keyClass === 'owner' && key.baseUrl ? { baseUrl: key.baseUrl } : {}) });

/** The ports prepareAnswer uses, directly and through what it calls. */
export type PrepareAnswerDeps = Pick<Deps, 'accounts' | 'audit' | 'chatModels' | 'chunks' | 'clock' | 'conversations' | 'documents' | 'embedders' | 'index' | 'keys' | 'meter' | 'platformKeys' | 'residency' | 'secrets'>;

export const prepareAnswer = async (
  deps: PrepareAnswerDeps,
  session: VisitorSession,
  input: { question: string; conversationId?: string | undefined },
  sourceIp: string,
): Promise<PreparedAnswer> => {
  const { tenant, bot, visitorId } = session;
  if (bot.paused) throw new AppError('unavailable', 'This assistant is paused by its owner. Please try again later.');
  const question = validateQuestion(input.question);
  const conversationId = input.conversationId;
  // Independent reads go together: each is a round trip to DynamoDB.
  const ownId = conversationId !== undefined && isId(conversationId) ? conversationId : undefined;
  const [byVisitor, byAddress, conversation, account, turns] = await Promise.all([
    deps.meter.hit(tenant, `V#${visitorId}`, VISITOR_MESSAGES_PER_MINUTE, 60),
    deps.meter.hit(tenant, `A#${addressKey(tenant, sourceIp)}`, ADDRESS_MESSAGES_PER_MINUTE, 60),
    ownId ? deps.conversations.get(tenant, bot.botId, ownId) : null,
    deps.accounts.get(tenant),
    // Read with the record; used only once the record shows the conversation is this visitor's.
    ownId ? deps.conversations.listTurns(tenant, bot.botId, ownId) : [],
  ]);
  rateLimited(byVisitor, 'You are sending messages very fast. Please wait a moment.');
  rateLimited(byAddress, 'Too many messages from this network. Please wait a minute.');
  if (conversationId !== undefined) {
    // Someone else's conversation answers exactly like a missing one.
    if (!conversation || conversation.visitorId !== visitorId) throw notFound('conversation');
    if (conversation.turnCount >= MAX_CONVERSATION_TURNS) {
      throw new AppError('conflict', 'This conversation is very long. Please start a new one.');
    }
  }
  if (!account) throw notFound('bot');
  const choice = bot.model ?? { provider: 'local' as const };
  // The key, the passages and the reservation go together too. The reservation is made
  // before the prompt exists, for the most it can cost (corrected after the answer, and
  // released if no provider ends up being called).
  const settled = await Promise.allSettled([
    choice.provider === 'local' ? ({ keyClass: 'local' } as const) : chooseKey(deps, tenant, account, choice.provider, 'chat', choice.model),
    retrieveWithWeights(deps, tenant, bot.botId, question, RETRIEVAL_TOP_K),
    choice.provider === 'local' ? null : reserveBudget(deps, tenant, bot, { provider: choice.provider, model: choice.model }, mostInputTokens(bot, question, turns)),
  ]);
  const [keyResult, passagesResult, reservationResult] = settled;
  if (keyResult.status === 'rejected' || passagesResult.status === 'rejected' || reservationResult.status === 'rejected') {
    // A refusal after the reservation was made (no usable key, a refused provider, a failed
    // read) gives the reservation back before the error reaches the visitor.
    if (reservationResult.status === 'fulfilled' && reservationResult.value) await releaseBudget(deps, tenant, bot.botId, reservationResult.value);
    // The question's embedding was paid for all the same.
    await questionChargesWritten().catch(() => undefined);
    throw (settled.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
  }
  const [key, { passages: retrieved, termWeights }, reservation] = [keyResult.value, passagesResult.value, reservationResult.value];
  // Parley's own answerer can only quote, and quotes one passage: the one that covers the
  // question's key terms. None means the visitor is told so and offered a person.
  const quote = key.keyClass === 'local' ? planQuote(question, retrieved, termWeights) : null;
  const passages = key.keyClass !== 'local' ? retrieved : quote ? [retrieved[quote.passage]!] : [];
  const model = modelFor(deps, key, choice.provider === 'local' ? '' : choice.model);
  const history = turns.filter((t) => t.answered).slice(-HISTORY_TURNS);
  const request: ChatRequest = {
    question,
    passages,
    termWeights,
    ...(quote ? { quote: quote.sentences.map((s) => s.text) } : {}),
    system: systemPrompt(bot.name, bot.instructions),
    messages: buildMessages(question, passages, history),
    maxOutputTokens: MAX_OUTPUT_TOKENS,
    temperature: bot.temperature ?? 0.2,
  };
  return {
    session,
    question,
    conversation,
    conversationId: conversation?.conversationId ?? newId(deps.clock.now().getTime()),
    retentionDays: account.retentionDays,
    passages,
    key,
    model,
    request,
    reservation,
  };
};

const ownerEvent = async (deps: Pick<Deps, 'audit' | 'clock'>, p: PreparedAnswer, action: string, detail: Record<string, string | number | boolean>) =>
  audit(deps, p.session.tenant, {}, action, 'failed', { target: p.session.bot.botId, detail });

export interface StreamOptions {
  /** Aborted when the visitor went away: the provider call stops and nothing more is said. */
  readonly signal: AbortSignal;
  /** From the first event, the longest the answer may take before it is stopped with an error event. @default MAX_ANSWER_MS */
  readonly deadlineMs?: number;
}

/** Streams the answer; aborting `signal` (the visitor went away) stops the provider call. */
export async function* streamAnswer(deps: Pick<Deps, 'audit' | 'clock' | 'conversations' | 'events' | 'keys' | 'meter'>, p: PreparedAnswer, { signal, deadlineMs = MAX_ANSWER_MS }: StreamOptions): AsyncGenerator<ChatStreamEvent> {
  const turnId = newId(deps.clock.now().getTime());
  yield { type: 'sources', conversationId: p.conversationId, turnId, sources: citationsOf(p.passages) };
  // A model that trickles text is never idle long enough for its idle timeout: the deadline
  // stops it while there is time to tell the visitor (see the timing chain in limits.ts).
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => deadline.abort(), deadlineMs);
  let answer = '';
  // Everything the model said, held-back text included: what is paid for when it reports no usage.
  let received = '';
  let usage: TokenUsage | undefined;
  let error: string | undefined;
  let answered: boolean;
  const hadPassages = p.passages.length > 0;
  const documents = p.passages.map((x) => x.text);
  const guard = createAnswerFilter(
    { secrets: 'apiKey' in p.key ? [p.key.apiKey] : [], system: p.request.system, allowed: [p.question, ...documents] },
    { documents, allowedOrigins: p.session.bot.allowedOrigins },
  );
  try {
    if (!hadPassages) {
      answer = received = NO_ANSWER;
      yield { type: 'delta', text: NO_ANSWER };
    } else {
      for await (const event of p.model.stream(p.request, { signal: AbortSignal.any([signal, deadline.signal]) })) {
        if (event.type === 'usage') {
          usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
          continue;
        }
        received += event.text;
        const text = guard.push(event.text);
        answer += text;
        if (text) yield { type: 'delta', text };
        if (guard.tripped) break;
      }
      const rest = guard.flush();
      answer += rest;
      if (rest) yield { type: 'delta', text: rest };
      if (deadline.signal.aborted && !signal.aborted && !guard.tripped) {
        throw new ProviderCallFailed('timeout', `The answer took longer than ${deadlineMs / 1000} seconds, so it was stopped.`);
      }
      if (guard.tripped) {
        error = `The answer was cut: it looked like it was revealing ${guard.tripped === 'secret' ? 'a secret' : 'the instructions'}.`;
        await ownerEvent(deps, p, 'chat.answer_cut', { reason: guard.tripped });
      }
    }
  } catch (err) {
    if (!(err instanceof ProviderCallFailed)) throw err;
    error = err.message;
    // What the model said before it failed passed the guard's checks; only its last characters were held back.
    const rest = guard.flush();
    answer += rest;
    if (rest) yield { type: 'delta', text: rest };
    const message = visitorMessageFor(err);
    yield { type: 'error', code: err.kind === 'rate_limited' ? 'rate_limited' : 'provider_error', message };
    await ownerEvent(deps, p, 'chat.provider_error', { kind: err.kind, provider: p.model.provider, keyClass: p.key.keyClass, reason: err.message.slice(0, 300) });
    if (err.kind === 'auth' && p.key.keyClass === 'owner') await noteKeyOutcome(deps, p.session.tenant, p.key.provider, err.message);
  } finally {
    clearTimeout(deadlineTimer);
    // Runs on cancellation too: what was used is paid for and recorded.
    const prompt = p.request.system + p.request.messages.map((m) => m.content).join('\n');
    usage ??= { inputTokens: hadPassages && p.key.keyClass !== 'local' ? approxTokens(prompt) : 0, outputTokens: approxTokens(received) };
    // A model that says it could not find the answer declined, however it put it.
    answered = hadPassages && !error && !saysNotFound(answer);
    await settleAnswer(deps, p, usage, { turnId, answer, answered, ...(error ? { error } : {}) });
  }
  try {
    yield { type: 'done', answered, offerHandoff: !answered && (p.session.bot.handoff ?? true), quoted: answered && p.key.keyClass === 'local', keyClass: p.key.keyClass, usage };
  } finally {
    // After the visitor has the end of the answer (or went away), so queueing never delays it. A declined question,
    // not a failed answer (an outage is no gap in what the bot knows), and only when the turn was kept to be read.
    if (!answered && !error && p.retentionDays > 0) {
      await deps.events.publish(p.session.tenant, { eventId: newId(deps.clock.now().getTime()), type: 'conversation.unanswered', botId: p.session.bot.botId, conversationId: p.conversationId, turnId, at: deps.clock.now().toISOString() });
    }
  }
}
