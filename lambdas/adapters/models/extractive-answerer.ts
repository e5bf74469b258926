/**
 * The local answerer, used when no provider key is configured: it quotes the
 * best sentences of ONE retrieved passage (core/quoting.ts chooses them), each
 * followed by that passage's citation number. It cannot invent anything the
 * documents do not say, and declines when no passage covers the question.
 */
import type { ChatModel, ChatModelEvent } from '../../core/ports.ts';
import { planQuote } from '../../core/quoting.ts';
import { approxTokens } from '../../core/text.ts';

/** What the answerer says when no passage covers the question's key terms. */
export const NOTHING_TO_QUOTE = "I couldn't find a sentence in this bot's documents that answers that. Would you like to ask a person instead?";

const WORDS_PER_DELTA = 4;

/**
 * The answer's text: the planned sentences with the passage's citation number, or the decline.
 * The chat plans the quotation over every retrieved passage and passes it (`quote`, of the first
 * passage), since a passage is judged with the others of its document; otherwise it is planned here.
 */
export const quoteFor = (request: Parameters<ChatModel['stream']>[0]): string => {
  if (request.quote?.length && request.passages.length) return `${request.quote.join(' ')} [1]`;
  const plan = planQuote(request.question, request.passages, request.termWeights);
  return plan ? `${plan.sentences.map((s) => s.text).join(' ')} [${plan.passage + 1}]` : NOTHING_TO_QUOTE;
};

/**
 * The local {@link ChatModel}. It reads only `question`, `passages` and `termWeights`
 * (not the provider prompt), and stops quietly, without a usage event, once `signal` is aborted.
 */
export const createExtractiveAnswerer = (): ChatModel => ({
  provider: 'local',
  model: 'parley-extractive-v2',
  async *stream(request, options): AsyncGenerator<ChatModelEvent> {
    const answer = quoteFor(request);
    const words = answer.split(/(?<=\s)/);
    for (let i = 0; i < words.length; i += WORDS_PER_DELTA) {
      if (options.signal?.aborted) return;
      yield { type: 'text', text: words.slice(i, i + WORDS_PER_DELTA).join('') };
    }
    if (options.signal?.aborted) return;
    const input = request.question + request.passages.map((p) => p.text).join('');
    yield { type: 'usage', inputTokens: approxTokens(input), outputTokens: approxTokens(answer) };
  },
});
