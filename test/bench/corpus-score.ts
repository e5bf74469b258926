/**
 * Scoring of the corpus bench (`npm run bench:corpus`): each file's outcome with
 * Parley's parser and with the reference tool, summed per format into files,
 * parsed and refused (reasons counted), token recall and precision against the
 * reference, time per page or file, and the worst files.
 */
import { overlapOf, type OverlapCounts } from './text-overlap.ts';

export type CorpusFormat = 'pdf' | 'docx' | 'html';

/** What Parley's parser did with a file: read it, refused it with an owner-facing reason, or failed (a crash, a timeout, out of memory). */
export type ParleyOutcome =
  | { readonly kind: 'parsed'; readonly ms: number }
  | { readonly kind: 'refused'; readonly reason: string; readonly ms: number }
  | { readonly kind: 'failed'; readonly reason: string };

/** What the reference tool did with it. */
export type ReferenceOutcome =
  | { readonly kind: 'read'; readonly ms: number }
  | { readonly kind: 'failed'; readonly reason: string };

export interface FileResult {
  readonly corpus: string;
  readonly file: string;
  readonly format: CorpusFormat;
  readonly bytes: number;
  /** Pages, for PDFs the reference could open. */
  readonly pages?: number;
  readonly parley: ParleyOutcome;
  readonly reference: ReferenceOutcome;
  /** Words of Parley's text against the reference's; for a refused file, nothing found of what the reference read. */
  readonly tokens?: OverlapCounts;
  /** The same over letters and digits, blind to where either side puts spaces. */
  readonly letters?: OverlapCounts;
  /** Words Parley's text has more often than the reference's (the most frequent), and the reverse. */
  readonly extraWords?: Readonly<Record<string, number>>;
  readonly missingWords?: Readonly<Record<string, number>>;
}

/** Files below this many reference words are left out of the worst-files list: one word decides their score. */
export const MIN_WORDS_FOR_WORST = 20;

/** A reason counted with others like it: numbers and quoted names vary from file to file. */
export const reasonKey = (reason: string): string =>
  reason.replace(/"[^"]*"|“[^”]*”/g, '"…"').replace(/\d[\d,.]*/g, '#').replace(/\s+/g, ' ').trim().slice(0, 160);

const countBy = (values: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
};

const sum = (counts: readonly OverlapCounts[]): OverlapCounts =>
  counts.reduce((a, c) => ({ found: a.found + c.found, expected: a.expected + c.expected, common: a.common + c.common }), { found: 0, expected: 0, common: 0 });
const mean = (values: readonly number[]): number | null => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
const percentile = (values: readonly number[], p: number): number | null =>
  values.length ? [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]! : null;
const round = (n: number | null, digits = 4): number | null => (n === null ? null : Number(n.toFixed(digits)));

/** Parley's text against the reference's, summed over files (micro) and averaged per file (macro). */
const agreement = (counts: readonly OverlapCounts[]) => {
  const total = overlapOf(sum(counts));
  const each = counts.map(overlapOf);
  return {
    files: counts.length,
    recall: round(total.recall),
    precision: round(total.precision),
    meanRecallPerFile: round(mean(each.map((o) => o.recall))),
    meanPrecisionPerFile: round(mean(each.map((o) => o.precision))),
  };
};

/** Time with Parley's parser and the reference: per page for PDFs (the pages of the files read), per file otherwise. */
const timing = (results: readonly FileResult[], format: CorpusFormat) => {
  const parsed = results.filter((r) => r.parley.kind !== 'failed');
  const parleyMs = parsed.map((r) => (r.parley as { ms: number }).ms);
  const read = results.filter((r) => r.reference.kind === 'read');
  const referenceMs = read.map((r) => (r.reference as { ms: number }).ms);
  const perPage = (rows: readonly FileResult[], ms: readonly number[]) => {
    const pages = rows.reduce((a, r) => a + (r.pages ?? 0), 0);
    return pages ? round(ms.reduce((a, b) => a + b, 0) / pages, 2) : null;
  };
  return {
    parleyMsPerFile: { mean: round(mean(parleyMs), 1), p95: round(percentile(parleyMs, 0.95), 1), max: round(parleyMs.length ? Math.max(...parleyMs) : null, 1) },
    referenceMsPerFile: { mean: round(mean(referenceMs), 1), p95: round(percentile(referenceMs, 0.95), 1) },
    ...(format === 'pdf' ? {
      pages: read.reduce((a, r) => a + (r.pages ?? 0), 0),
      parleyMsPerPage: perPage(parsed.filter((r) => r.pages), parsed.filter((r) => r.pages).map((r) => (r.parley as { ms: number }).ms)),
      referenceMsPerPage: perPage(read, referenceMs),
    } : {}),
  };
};

/** The files where Parley loses most against the reference (refusals of files the reference reads included), worst first. */
export const worstFiles = (results: readonly FileResult[], limit = 10) =>
  results
    .filter((r) => r.tokens && r.tokens.expected >= MIN_WORDS_FOR_WORST)
    .map((r) => ({ r, o: overlapOf(r.tokens!) }))
    .sort((a, b) => a.o.f1 - b.o.f1 || b.r.tokens!.expected - a.r.tokens!.expected)
    .slice(0, limit)
    .map(({ r, o }) => ({
      file: `${r.corpus}:${r.file}`,
      f1: round(o.f1, 3), recall: round(o.recall, 3), precision: round(o.precision, 3), referenceWords: r.tokens!.expected,
      ...(r.parley.kind === 'refused' ? { refused: r.parley.reason } : {}),
    }));

/** The words most often extra (or missing) over all files, summed from each file's most frequent. */
export const commonWords = (bags: ReadonlyArray<Readonly<Record<string, number>> | undefined>, limit = 15): Record<string, number> => {
  const total = new Map<string, number>();
  for (const bag of bags) for (const [w, n] of Object.entries(bag ?? {})) total.set(w, (total.get(w) ?? 0) + n);
  return Object.fromEntries([...total].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit));
};

/** One format's figures. */
export const summariseFormat = (results: readonly FileResult[], format: CorpusFormat) => {
  const mine = results.filter((r) => r.format === format);
  const refused = mine.filter((r) => r.parley.kind === 'refused');
  const failed = mine.filter((r) => r.parley.kind === 'failed');
  const bothRead = mine.filter((r) => r.parley.kind === 'parsed' && r.reference.kind === 'read' && r.tokens);
  const refusedWithText = refused.filter((r) => (r.tokens?.expected ?? 0) > 0);
  return {
    files: mine.length,
    parsed: mine.filter((r) => r.parley.kind === 'parsed').length,
    refused: refused.length,
    refusalReasons: countBy(refused.map((r) => reasonKey((r.parley as { reason: string }).reason))),
    /** Refusals of files in which the reference finds words: text Parley loses. */
    refusedWhereReferenceReadsText: refusedWithText.length,
    refusedWhereReferenceReadsTextReasons: countBy(refusedWithText.map((r) => reasonKey((r.parley as { reason: string }).reason))),
    failed: failed.length,
    failureReasons: countBy(failed.map((r) => reasonKey((r.parley as { reason: string }).reason))),
    referenceFailed: mine.filter((r) => r.reference.kind === 'failed').length,
    referenceFailureReasons: countBy(mine.filter((r) => r.reference.kind === 'failed').map((r) => reasonKey((r.reference as { reason: string }).reason))),
    /** Over the files both sides read. */
    words: agreement(bothRead.map((r) => r.tokens!)),
    letters: agreement(bothRead.filter((r) => r.letters).map((r) => r.letters!)),
    /** Words again, with the refused files the reference reads counted as lost. */
    wordsCountingRefusals: agreement([...bothRead, ...refusedWithText].map((r) => r.tokens!)),
    /** Where precision and recall go: the words Parley adds (markers, headers…) and drops, most frequent first. */
    extraWords: commonWords(bothRead.map((r) => r.extraWords)),
    missingWords: commonWords(bothRead.map((r) => r.missingWords)),
    time: timing(mine, format),
    worstFiles: worstFiles(mine),
  };
};

/** Every format present, in a fixed order. */
export const summarise = (results: readonly FileResult[]) =>
  Object.fromEntries((['pdf', 'docx', 'html'] as const).filter((f) => results.some((r) => r.format === f)).map((f) => [f, summariseFormat(results, f)]));
