/**
 * What the local answerer (no model key) may say: the best sentences of ONE
 * retrieved passage, or nothing. A quotation can only be as good as the passage
 * it comes from, so the plan declines unless that passage covers most of the
 * question, each term weighed by its BM25 idf over the bot's own index: a question
 * sharing only common words with the documents ("cost", "bike") is not answered,
 * while one naming what the documents are about is. A term the index has never
 * seen weighs as much as its rarest: it is likely what the question is about, and
 * the documents do not say it. Accents are not compared ("Temur" finds "Temür"). A passage is read in its document: a question term
 * that another retrieved passage of the same document holds (the section before,
 * the page's other half) counts for half, since the passage is about that too.
 *
 * Measured with `npm run eval:answers` on squad-qa (test/bench/results/answers.json):
 * `minCoverage` trades answers for declines; 0.55 declines 95% of out-of-scope
 * questions and 15% of answerable ones.
 */
import { sentenceSpans, terms } from './text.ts';

/** A question term → its weight (BM25 idf over the bot's index). */
export type TermWeights = ReadonlyMap<string, number>;

export interface QuoteSentence {
  /** The sentence as the passage has it. */
  readonly text: string;
  /** Its place among the passage's sentences. */
  readonly position: number;
}

export interface QuotePlan {
  /** The index, among the passages given, of the one quoted. */
  readonly passage: number;
  /** Its sentences to say, in document order. */
  readonly sentences: readonly QuoteSentence[];
}

/** The rules a plan follows (see {@link planQuote}); tests and the evaluation may vary them. */
export interface QuoteRules {
  /** Share of the question's weight the quoted passage must hold. */
  readonly minCoverage: number;
  /** A question term is key when it weighs at least this share of the question's heaviest term. */
  readonly keyTermShare: number;
  /** Sentences quoted at most, besides the one that completes the best (see {@link planQuote}). */
  readonly maxSentences: number;
  /** A sentence after the best must hold at least this share of the best one's weight. */
  readonly followerShare: number;
}

export const QUOTE_RULES: QuoteRules = { minCoverage: 0.55, keyTermShare: 0.5, maxSentences: 3, followerShare: 0.5 };

/**
 * What each place down the retrieval's list costs a passage's score: retrieval weighs term
 * frequency and passage length (and meaning, with a model's embeddings), which the plan's
 * term-by-term coverage does not, so of two nearly equal passages the better-ranked one is quoted.
 */
const RANK_STEP = 0.1;

/** How much a question term counts when the passage lacks it but another retrieved passage of its document holds it. */
const SAME_DOCUMENT_SHARE = 0.5;

/**
 * A full stop that ends an abbreviation rather than a sentence: initials of two or more
 * letters ("U.S.", "e.g.", "i.e.") and the common short forms, quotes or brackets after.
 */
const ABBREVIATION = /(?:\b(?:\p{L}\.){2,}|(?:^|\s)\p{Lu}\.|\b(?:etc|vs|cf|al|approx|ca|Dr|Mr|Mrs|Ms|Prof|St|Jr|Sr|No|Vol|pp|Fig|Gen|Col|Lt|Capt|Rev|Mt)\.)["'’”)\]]*$/u;

/**
 * The sentences of `text` as a reader sees them: {@link sentenceSpans}, with a break
 * undone where it follows an abbreviation or the next part starts in lower case or
 * with a bracket ("e.g. melanocytes", "the U.S. State Department"), so no quoted
 * sentence starts or stops mid-sentence. Line breaks always end a sentence.
 */
export const quotableSentences = (text: string): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  for (const [s, e] of sentenceSpans(text)) {
    const prev = out[out.length - 1];
    if (prev && !text.slice(prev[1], s).includes('\n') && (ABBREVIATION.test(text.slice(prev[0], prev[1])) || /^[\p{Ll}(]/u.test(text.slice(s, e)))) {
      prev[1] = e;
      continue;
    }
    out.push([s, e]);
  }
  return out;
};

/** A line that labels rather than says: a Markdown heading, the passage's section title, or a short line without a full stop. */
export const isLabelLine = (sentence: string, section: string | undefined): boolean =>
  /^#{1,6}\s/.test(sentence) ||
  (section !== undefined && sentence.replace(/[\s:]+$/, '').toLowerCase() === section.trim().toLowerCase()) ||
  (!/[.!?…)"'\]]$/.test(sentence) && sentence.split(/\s+/).length <= 6);

/**
 * Terms that shape a question rather than say what it is about: what is left of
 * contractions ("didn't" → didn, t; "Polo's" → s) and the words of asking ("how
 * *much*", "can you *tell* me", "I'd *like* to *know*", "what *kind* of"), as `terms()` stems them.
 * A document seldom contains them, so their idf is high, and a question would
 * otherwise be declined for not finding "much" in the price list.
 */
const ASKING = new Set([
  's', 't', 'd', 'll', 're', 've', 'm', 'didn', 'doesn', 'don', 'isn', 'aren', 'wasn', 'weren', 'won', 'wouldn', 'couldn', 'shouldn', 'hasn', 'haven', 'hadn',
  'much', 'mani', 'often', 'tell', 'know', 'pleas', 'want', 'like', 'need', 'wonder', 'ani', 'anyth', 'someth', 'anyon', 'also', 'mai', 'might', 'must', 'shall', 'here', 'ok', 'okai', 'hi', 'hello', 'thank', 'type', 'kind', 'sort',
]);

/** Text without its accents ("Temür" → "Temur"): visitors seldom type them where documents have them. */
const unaccented = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '');

/** The terms a quotation compares: `terms()` of the text without accents. */
const quoteTerms = (text: string): string[] => terms(unaccented(text));

/** The question's terms that can say what it is about. */
const questionTerms = (question: string): string[] => [...new Set(quoteTerms(question))].filter((t) => !ASKING.has(t));

/** `weights` (keyed by the question's own terms) keyed by the same terms without accents. */
const unaccentedWeights = (question: string, weights: TermWeights): TermWeights => {
  const out = new Map(weights);
  for (const word of question.split(/\s+/)) {
    const [own, plain] = [terms(word), quoteTerms(word)];
    if (own.length !== plain.length) continue;
    own.forEach((t, i) => {
      const w = weights.get(t);
      if (w !== undefined && !weights.has(plain[i]!)) out.set(plain[i]!, w);
    });
  }
  return out;
};

/** A sentence that opens by referring to the one before it. */
const REFERS_BACK = /^(?:this|these|that|those|it|its|they|their|such|he|she|his|her)\b/i;

interface Scored { readonly text: string; readonly position: number; readonly weight: number }

/**
 * Plans the quotation for `question` from `passages` (best first). Each passage scores
 * the share of the question's weight it holds (terms only another passage of its own
 * document holds count for {@link SAME_DOCUMENT_SHARE}), plus the share its best sentence
 * holds on its own (an answer's words sit together), plus the share its headings name,
 * less {@link RANK_STEP} for each place it is down the list; ties go to the earlier passage.
 * The best one is quoted only if it holds at least `minCoverage` of the question's weight;
 * then its best sentence is said, with up to `maxSentences - 1` more of it that hold at
 * least `followerShare` of the best one's weight. Every sentence quoted names a key
 * term of the question (one weighing at least `keyTermShare` of its heaviest term):
 * a sentence that shares only a common word with the question is never said. The one
 * exception completes the best sentence: the sentence right after it, when it opens by
 * referring back ("This is called …") and shares a question term, is said too.
 * Null means decline. Terms missing from `weights` weigh 1, as if all were equal.
 */
export const planQuote = (
  question: string,
  passages: ReadonlyArray<{ readonly text: string; readonly section?: string; readonly docId?: string }>,
  weights: TermWeights = new Map(),
  rules: QuoteRules = QUOTE_RULES,
): QuotePlan | null => {
  const wanted = questionTerms(question);
  if (wanted.length === 0) return null;
  const weighed = unaccentedWeights(question, weights);
  const weightOf = (t: string) => weighed.get(t) ?? 1;
  const weightOfAll = (ts: readonly string[]) => ts.reduce((sum, t) => sum + weightOf(t), 0);
  const total = weightOfAll(wanted);
  const heaviest = Math.max(...wanted.map(weightOf));
  const isKey = (t: string) => weightOf(t) >= rules.keyTermShare * heaviest;

  let best: { passage: number; coverage: number; score: number; sentences: Scored[]; all: Scored[] } | undefined;
  for (const [passage, p] of passages.entries()) {
    const held = new Set(quoteTerms(p.text));
    const inDocument = new Set(passages.filter((o, i) => i !== passage && p.docId !== undefined && o.docId === p.docId).flatMap((o) => quoteTerms(o.text)));
    const coverage = (weightOfAll(wanted.filter((t) => held.has(t))) + SAME_DOCUMENT_SHARE * weightOfAll(wanted.filter((t) => !held.has(t) && inDocument.has(t)))) / total;
    const labels = new Set(p.section ? quoteTerms(p.section) : []);
    const all = quotableSentences(p.text).flatMap(([s, e], position): Array<Scored & { keyed: boolean }> => {
      const text = p.text.slice(s, e).trim();
      if (isLabelLine(text, p.section)) {
        for (const t of quoteTerms(text)) labels.add(t);
        return [];
      }
      const has = new Set(quoteTerms(text));
      const hit = wanted.filter((t) => has.has(t));
      return [{ text, position, weight: weightOfAll(hit), keyed: hit.some(isKey) }];
    });
    const sentences = all.filter((x) => x.keyed);
    if (sentences.length === 0) continue;
    const titled = weightOfAll(wanted.filter((t) => labels.has(t))) / total;
    const score = coverage + Math.max(...sentences.map((x) => x.weight)) / total + titled - RANK_STEP * passage;
    if (!best || score > best.score) best = { passage, coverage, score, sentences, all };
  }
  if (!best || best.coverage < rules.minCoverage) return null;

  const ranked = [...best.sentences].sort((a, b) => b.weight - a.weight || a.position - b.position);
  const top = ranked[0]!;
  // The sentence after the best one, when it refers back to it ("This is called …") and shares a
  // question term, says what the best one leads up to.
  const next = best.all.find((s) => s.position === top.position + 1);
  const continues = next && REFERS_BACK.test(next.text) && next.weight > 0 ? [next] : [];
  const followers = ranked.slice(1).filter((s) => !continues.includes(s) && s.weight >= rules.followerShare * top.weight);
  const chosen = [top, ...continues, ...followers.slice(0, rules.maxSentences - 1)];
  return {
    passage: best.passage,
    sentences: chosen.sort((a, b) => a.position - b.position).map(({ text, position }) => ({ text, position })),
  };
};
