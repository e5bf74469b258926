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

/** Bag-of-words precision, recall and F1 of `found` against `expected`; two empty texts agree fully. */
export const tokenOverlap = (found: string, expected: string): Overlap => {
  const want = new Map<string, number>();
  for (const t of tokensOf(expected)) want.set(t, (want.get(t) ?? 0) + 1);
  const got = tokensOf(found);
  const expectedCount = [...want.values()].reduce((a, b) => a + b, 0);
  if (got.length === 0 && expectedCount === 0) return { precision: 1, recall: 1, f1: 1 };
  let common = 0;
  for (const t of got) {
    const left = want.get(t) ?? 0;
    if (left > 0) {
      common++;
      want.set(t, left - 1);
    }
  }
  const precision = got.length ? common / got.length : 0;
  const recall = expectedCount ? common / expectedCount : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
};
