/**
 * Token overlap between an extracted text and a reference: precision, recall
 * and F1 over bags of lower-cased words (letters and digits), the measure
 * main-content extraction benchmarks (CleanEval, Readability comparisons) use.
 */

import { parseHTML } from 'linkedom';

/** linkedom's DOM as far as used here (the project compiles without the DOM library's types). */
interface ParsedPage { readonly document: { readonly body: { readonly textContent: string | null } } }

/** A DOM of `html` from linkedom, typed only as far as the callers need. */
const parsePage = parseHTML as unknown as (html: string) => ParsedPage;
export const domOf = (html: string): ParsedPage => parsePage(html);

/** The text of an HTML fragment, as a browser's `textContent` gives it. */
export const textOfHtml = (html: string): string => domOf(`<!doctype html><html><body>${html}</body></html>`).document.body.textContent ?? '';

/** Words as lower-cased runs of letters, marks and digits; CJK characters count one each. */
export const tokensOf = (text: string): string[] =>
  (text.toLowerCase().match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{M}\p{N}]+/gu) ?? []);

export interface Overlap { readonly precision: number; readonly recall: number; readonly f1: number }

/** How many tokens were found, expected, and found that were expected (each expected token matched once). */
export interface OverlapCounts { readonly found: number; readonly expected: number; readonly common: number }

/** Bag overlap of two token lists, as counts (for totals over many files). */
export const bagCounts = (found: readonly string[], expected: readonly string[]): OverlapCounts => {
  const want = new Map<string, number>();
  for (const t of expected) want.set(t, (want.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of found) {
    const left = want.get(t) ?? 0;
    if (left > 0) {
      common++;
      want.set(t, left - 1);
    }
  }
  return { found: found.length, expected: expected.length, common };
};

/** The tokens of each side the other lacks, with their counts, most frequent first, at most `limit` of each. */
export const bagDifference = (found: readonly string[], expected: readonly string[], limit = 20): { extra: Record<string, number>; missing: Record<string, number> } => {
  const balance = new Map<string, number>();
  for (const t of found) balance.set(t, (balance.get(t) ?? 0) + 1);
  for (const t of expected) balance.set(t, (balance.get(t) ?? 0) - 1);
  const top = (sign: 1 | -1) => Object.fromEntries([...balance].filter(([, n]) => n * sign > 0).map(([t, n]): [string, number] => [t, n * sign])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit));
  return { extra: top(1), missing: top(-1) };
};

/** Precision, recall and F1 of counts; nothing found of nothing expected agrees fully. */
export const overlapOf = ({ found, expected, common }: OverlapCounts): Overlap => {
  if (found === 0 && expected === 0) return { precision: 1, recall: 1, f1: 1 };
  const precision = found ? common / found : 0;
  const recall = expected ? common / expected : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
};

/** Bag-of-words precision, recall and F1 of `found` against `expected`; two empty texts agree fully. */
export const tokenOverlap = (found: string, expected: string): Overlap => overlapOf(bagCounts(tokensOf(found), tokensOf(expected)));
