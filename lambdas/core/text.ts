/** Language-neutral text helpers shared by chunking, embedding and extractive answers. */

const STOPWORDS = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my no not of on or our so such than that the their them then there these they this to was we were what ' +
    'when where which who why will with would you your').split(' '),
);

/** Light English suffix stripping; other scripts pass through unchanged. */
const stem = (word: string): string => {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
};

/** Normalised terms: NFKC, lower case, letters and digits of any script, stop words dropped, lightly stemmed. */
export const terms = (text: string): string[] => {
  const out: string[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (!STOPWORDS.has(w)) out.push(stem(w));
  }
  return out;
};

/** A rough token count (about four characters a token) used only for sizing chunks. */
export const approxTokens = (text: string): number => Math.ceil(text.length / 4);

/** Sentence spans of `text` as [start, end) offsets, ending at . ! ? and their CJK forms or line breaks. */
export const sentenceSpans = (text: string): Array<[number, number]> => {
  const spans: Array<[number, number]> = [];
  const re = /[^.!?。！？\n]+(?:[.!?。！？]+|\n|$)/gu;
  for (const m of text.matchAll(re)) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) spans.push([m.index + lead, m.index + lead + trimmed.length]);
  }
  return spans;
};
