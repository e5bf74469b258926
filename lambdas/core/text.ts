/** Language-neutral text helpers shared by chunking, embedding and extractive answers. */

const STOPWORDS = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my no not of on or our so such than that the their them then there these they this to was we were what ' +
    'when where which who why will with would you your').split(' '),
);

/**
 * The Porter stemmer (M. F. Porter, 1980, as in his reference C version and
 * Lucene's PorterStemFilter) for lower-case ASCII words; anything else, and
 * words of one or two letters, pass through unchanged.
 */
const STEP2: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['bli', 'ble'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'],
  ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'],
  ['iviti', 'ive'], ['biliti', 'ble'], ['logi', 'log'],
];
const STEP3: ReadonlyArray<readonly [string, string]> = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];
const STEP4 = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'];

const porter = (word: string): string => {
  let w = word;
  const cons = (i: number): boolean => !'aeiou'.includes(w[i]!) && (w[i] !== 'y' || i === 0 || !cons(i - 1));
  /** The measure m of w[0, len): the number of vowel-consonant sequences. */
  const measure = (len: number): number => {
    let n = 0, i = 0;
    while (i < len && cons(i)) i++;
    while (i < len) {
      while (i < len && !cons(i)) i++;
      if (i >= len) break;
      n++;
      while (i < len && cons(i)) i++;
    }
    return n;
  };
  const vowelIn = (len: number) => {
    for (let i = 0; i < len; i++) if (!cons(i)) return true;
    return false;
  };
  const doubleC = (i: number) => i >= 1 && w[i] === w[i - 1] && cons(i);
  const cvc = (i: number) => i >= 2 && cons(i) && !cons(i - 1) && cons(i - 2) && !'wxy'.includes(w[i]!);
  /** Replaces the first suffix in `rules` that w ends with by its replacement, if the stem's measure exceeds `min`. */
  const replace = (rules: ReadonlyArray<readonly [string, string]>, min: number) => {
    const rule = rules.find(([suffix]) => w.endsWith(suffix));
    if (rule && measure(w.length - rule[0].length) > min) w = w.slice(0, w.length - rule[0].length) + rule[1];
  };
  // Step 1a: plurals; step 1b: -eed, -ed, -ing.
  if (w.endsWith('sses') || w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.endsWith('eed')) {
    if (measure(w.length - 3) > 0) w = w.slice(0, -1);
  } else {
    const cut = w.endsWith('ed') ? 2 : w.endsWith('ing') ? 3 : 0;
    if (cut && vowelIn(w.length - cut)) {
      w = w.slice(0, -cut);
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (doubleC(w.length - 1)) {
        if (!'lsz'.includes(w[w.length - 1]!)) w = w.slice(0, -1);
      } else if (measure(w.length) === 1 && cvc(w.length - 1)) w += 'e';
    }
  }
  // Step 1c: y to i after a vowel.
  if (w.endsWith('y') && vowelIn(w.length - 1)) w = w.slice(0, -1) + 'i';
  // Steps 2 and 3: double and single suffixes, on stems of measure > 0.
  replace(STEP2, 0);
  replace(STEP3, 0);
  // Step 4: strip a suffix from stems of measure > 1 (-ion only after s or t).
  const suffix = STEP4.find((s) => w.endsWith(s));
  if (suffix && measure(w.length - suffix.length) > 1 && (suffix !== 'ion' || 'st'.includes(w[w.length - 4] ?? '-'))) {
    w = w.slice(0, -suffix.length);
  }
  // Step 5: a final -e, and -ll to -l.
  if (w.endsWith('e')) {
    const m = measure(w.length - 1);
    if (m > 1 || (m === 1 && !cvc(w.length - 2))) w = w.slice(0, -1);
  }
  if (w.endsWith('ll') && measure(w.length) > 1) w = w.slice(0, -1);
  return w;
};

/** Stems, remembered for the most recent words (emptied when full): word frequencies are steep. */
const STEMS = new Map<string, string>();
const stem = (word: string): string => {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
  let out = STEMS.get(word);
  if (out === undefined) {
    if (STEMS.size >= 20_000) STEMS.clear();
    out = porter(word);
    STEMS.set(word, out);
  }
  return out;
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
