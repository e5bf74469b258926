/**
 * Answer quality measures for `eval:answers`, one answer at a time. A gold span
 * counts when, after SQuAD v2's normalisation (lower case, ASCII punctuation and
 * the articles a/an/the removed, white space collapsed), it occurs in the answer
 * as whole words. Citation markers ([1]) are taken out first: they are not words
 * of the answer.
 */

const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
const CITATION_MARKER = /\[\d+\]/g;

/** SQuAD's `normalize_answer`: lower, remove punctuation, remove articles, collapse white space. */
export const normaliseAnswer = (text: string): string =>
  [...text.toLowerCase()].filter((c) => !PUNCTUATION.has(c)).join('')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/).filter(Boolean).join(' ');

/** Whether the answer holds any of the gold spans, as whole normalised words. */
export const containsGold = (answer: string, gold: readonly string[]): boolean => {
  const said = ` ${normaliseAnswer(answer.replace(CITATION_MARKER, ' '))} `;
  return gold.some((g) => {
    const span = normaliseAnswer(g);
    return span !== '' && said.includes(` ${span} `);
  });
};

/** Words of an answer, citation markers left out. */
export const wordCount = (answer: string): number => answer.replace(CITATION_MARKER, ' ').split(/\s+/).filter(Boolean).length;

/**
 * The documents an answer cites: the listed sources its [n] markers name, or every
 * listed source when it has no marker (the widget then shows them all as the basis).
 */
export const citedDocuments = (answer: string, sources: ReadonlyArray<{ n: number; docId: string }>): string[] => {
  const named = new Set([...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  const cited = named.size ? sources.filter((s) => named.has(s.n)) : sources;
  return [...new Set(cited.map((s) => s.docId))];
};

/**
 * Whether a reply declined. The chat's `done` event says so (`answered: false`);
 * builds from before that event was honest said it only in words, which start
 * "I couldn't find", so those count too (for before/after figures from one script).
 */
export const isDecline = (answer: string, done: { answered?: unknown } | undefined): boolean =>
  done?.answered === false || /^\s*I couldn't find\b/.test(answer);

export interface AnswerKey { readonly _id: string; readonly answers: readonly string[]; readonly kind: 'answerable' | 'unanswerable' | 'out-of-scope' }

const KINDS = new Set(['answerable', 'unanswerable', 'out-of-scope']);

/** One line of `answers.jsonl`, checked. */
export const parseAnswerKey = (row: Record<string, unknown>, line: number): AnswerKey => {
  const { _id, answers, kind } = row;
  if (typeof _id !== 'string' || !_id) throw new Error(`answers.jsonl line ${line}: no "_id"`);
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw new Error(`answers.jsonl line ${line}: "kind" must be answerable, unanswerable or out-of-scope`);
  if (!Array.isArray(answers) || !answers.every((a) => typeof a === 'string')) throw new Error(`answers.jsonl line ${line}: "answers" must be a list of strings`);
  if (kind === 'answerable' && answers.length === 0) throw new Error(`answers.jsonl line ${line}: an answerable question needs at least one gold answer`);
  if (kind !== 'answerable' && answers.length > 0) throw new Error(`answers.jsonl line ${line}: an ${kind} question has no gold answer (an empty list)`);
  return { _id, answers, kind: kind as AnswerKey['kind'] };
};
