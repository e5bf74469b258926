/** Citations: the passages an answer may cite, numbered as the answer refers to them ([1]), with a short quote. */
import type { Citation, Passage } from './records.ts';

const QUOTE_CHARS = 300;

export const citationsOf = (passages: readonly Passage[]): Citation[] =>
  passages.map((p, i) => ({
    n: i + 1,
    docId: p.docId,
    document: p.documentName,
    section: p.section,
    ...(p.page !== undefined ? { page: p.page } : {}),
    ...(p.url !== undefined ? { url: p.url } : {}),
    quote: p.text.length > QUOTE_CHARS ? `${p.text.slice(0, QUOTE_CHARS)}…` : p.text,
    score: Math.round(p.score * 1000) / 1000,
  }));
