/**
 * The local answerer, used when no provider key is configured: it quotes the
 * sentences of the retrieved passages that best match the question, each with
 * its citation number. It cannot invent anything the documents do not say.
 */
import type { ChatModel, ChatModelEvent } from '../../core/ports.ts';
import { approxTokens, sentenceSpans, terms } from '../../core/text.ts';

/** What the answerer says when no sentence of the passages shares a word with the question. */
export const NOTHING_TO_QUOTE = "I couldn't find a sentence in this bot's documents that answers that. Would you like to ask a person instead?";

const MAX_SENTENCES = 3;
const WORDS_PER_DELTA = 4;

interface Candidate { passage: number; position: number; sentence: string; score: number }

/** A sentence kept must score at least this share of the best one: no unrelated sentence rides along. */
const RELATIVE_FLOOR = 0.6;

/** A line that labels rather than says: a Markdown heading, the passage's section title, or a short line without a full stop. */
const isHeading = (sentence: string, section: string | undefined): boolean =>
  /^#{1,6}\s/.test(sentence) ||
  (section !== undefined && sentence.replace(/[\s:]+$/, '').toLowerCase() === section.trim().toLowerCase()) ||
  (!/[.!?…)"'\]]$/.test(sentence) && sentence.split(/\s+/).length <= 6);

/**
 * The sentences that best answer the question, in document order: each shares
 * words with it (after stemming, without stop words) and scores near the best.
 * None when no sentence shares a word: the answerer then says it found nothing,
 * rather than quote something unrelated.
 */
export const pickSentences = (question: string, passages: ReadonlyArray<{ text: string; section?: string }>): Candidate[] => {
  const wanted = new Set(terms(question));
  const candidates: Candidate[] = [];
  passages.forEach((p, passage) => {
    sentenceSpans(p.text).forEach(([s, e], position) => {
      const sentence = p.text.slice(s, e).trim();
      // Headings label a passage; they are not an answer.
      if (isHeading(sentence, p.section)) return;
      const words = terms(sentence);
      if (words.length === 0) return;
      const overlap = new Set(words.filter((w) => wanted.has(w))).size;
      // Favour overlap, then earlier (better-ranked) passages; long sentences pay a little.
      const score = overlap / Math.sqrt(words.length + 4) - passage * 0.01;
      if (overlap > 0) candidates.push({ passage, position, sentence, score });
    });
  });
  const ranked = candidates.sort((a, b) => b.score - a.score);
  const floor = (ranked[0]?.score ?? 0) * RELATIVE_FLOOR;
  return ranked.filter((c) => c.score >= floor).slice(0, MAX_SENTENCES)
    .sort((a, b) => a.passage - b.passage || a.position - b.position);
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
    const answer = picked.length > 0 ? picked.map((c) => `${c.sentence} [${c.passage + 1}]`).join(' ') : NOTHING_TO_QUOTE;
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
