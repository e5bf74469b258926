/**
 * The local answerer, used when no provider key is configured: it quotes the
 * sentences of the retrieved passages that best match the question, each with
 * its citation number. It cannot invent anything the documents do not say.
 */
import type { ChatModel, ChatModelEvent } from '../../core/ports.ts';
import { approxTokens, sentenceSpans, terms } from '../../core/text.ts';

const MAX_SENTENCES = 3;
const WORDS_PER_DELTA = 4;

interface Candidate { passage: number; position: number; sentence: string; score: number }

export const pickSentences = (question: string, passages: ReadonlyArray<{ text: string }>): Candidate[] => {
  const wanted = new Set(terms(question));
  const candidates: Candidate[] = [];
  passages.forEach((p, passage) => {
    sentenceSpans(p.text).forEach(([s, e], position) => {
      const sentence = p.text.slice(s, e).trim();
      // Headings label a passage; they are not an answer.
      if (/^#{1,6}\s/.test(sentence)) return;
      const words = terms(sentence);
      if (words.length === 0) return;
      const overlap = new Set(words.filter((w) => wanted.has(w))).size;
      // Favour overlap, then earlier (better-ranked) passages; long sentences pay a little.
      const score = overlap / Math.sqrt(words.length + 4) - passage * 0.01;
      if (overlap > 0) candidates.push({ passage, position, sentence, score });
    });
  });
  const best = candidates.sort((a, b) => b.score - a.score).slice(0, MAX_SENTENCES);
  if (best.length === 0 && passages[0]) {
    const text = passages[0].text;
    const span = sentenceSpans(text).find(([s, e]) => !/^#{1,6}\s/.test(text.slice(s, e)));
    if (span) best.push({ passage: 0, position: 0, sentence: text.slice(span[0], span[1]), score: 0 });
  }
  return best.sort((a, b) => a.passage - b.passage || a.position - b.position);
};

/**
 * The local {@link ChatModel}. It reads only `question` and `passages` (not the provider
 * prompt), and stops quietly, without a usage event, once `signal` is aborted.
 */
export const createExtractiveAnswerer = (): ChatModel => ({
  provider: 'local',
  model: 'parley-extractive-v1',
  async *stream(request, options): AsyncGenerator<ChatModelEvent> {
    const picked = pickSentences(request.question, request.passages);
    const answer = picked.map((c) => `${c.sentence} [${c.passage + 1}]`).join(' ');
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
