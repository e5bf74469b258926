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

/**
 * Sentence spans of `text` as [start, end) offsets. A sentence ends at . ! ? followed
 * by white space or the end (so "a.b@example.com" and "3.5" stay whole), at CJK
 * full stops, or at a line break.
 */
export const sentenceSpans = (text: string): Array<[number, number]> => {
  const spans: Array<[number, number]> = [];
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) spans.push([start + lead, start + lead + trimmed.length]);
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') push(i + 1);
    else if ('。！？'.includes(ch)) push(i + 1);
    else if ('.!?'.includes(ch)) {
      let j = i + 1;
      while (j < text.length && '.!?"\'’”)'.includes(text[j]!)) j++;
      if (j >= text.length || /\s/.test(text[j]!)) {
        push(j);
        i = j - 1;
      }
    }
  }
  push(text.length);
  return spans;
};
