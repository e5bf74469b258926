/**
 * Structure-aware chunking: chunks follow headings and paragraphs, hold a few
 * hundred tokens, and overlap by a trailing paragraph or sentences. Each chunk is
 * an exact slice of the document text, so its offsets cite the source precisely.
 * Deterministic: the same document always gives the same chunks.
 */
import type { Block, ChunkDraft, ParsedDocument } from './records.ts';
import { approxTokens, sentenceSpans } from './text.ts';

export interface ChunkingOptions {
  /** Aim for chunks of about this many tokens. */
  readonly targetTokens: number;
  /** Carry about this many tokens of the previous chunk into the next. */
  readonly overlapTokens: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { targetTokens: 300, overlapTokens: 50 };

interface Span { start: number; end: number; page: number | undefined }

/** Splits one oversized block into sentence-aligned spans of about `target` tokens. */
const splitBlock = (text: string, block: Block, target: number): Span[] => {
  const spans: Span[] = [];
  let cur: Span | undefined;
  for (const [s, e] of sentenceSpans(text.slice(block.start, block.end))) {
    const start = block.start + s;
    const end = block.start + e;
    if (cur && approxTokens(text.slice(cur.start, end)) > target) {
      spans.push(cur);
      cur = undefined;
    }
    let next: Span = cur ? { start: cur.start, end, page: cur.page } : { start, end, page: block.page };
    // A single sentence far longer than the target is cut at the target length.
    while (approxTokens(text.slice(next.start, next.end)) > target * 2) {
      const cut = next.start + target * 4;
      spans.push({ start: next.start, end: cut, page: next.page });
      next = { start: cut, end: next.end, page: next.page };
    }
    cur = next;
  }
  if (cur) spans.push(cur);
  return spans;
};

const sectionOf = (block: Block): string => block.headings.join(' › ');

export const chunkDocument = (doc: ParsedDocument, options: ChunkingOptions = DEFAULT_CHUNKING): ChunkDraft[] => {
  const { text } = doc;
  const chunks: ChunkDraft[] = [];
  let spans: Span[] = [];
  let section = '';
  let url: string | undefined;

  const flush = (keepOverlap: boolean) => {
    if (spans.length === 0) return;
    const first = spans[0]!;
    const last = spans[spans.length - 1]!;
    const raw = text.slice(first.start, last.end);
    const body = raw.trim();
    if (body) {
      // Offsets of the trimmed text, so that `text.slice(start, end) === chunk.text`.
      const start = first.start + (raw.length - raw.trimStart().length);
      chunks.push({
        seq: chunks.length,
        text: body,
        section,
        ...(first.page !== undefined ? { page: first.page } : {}),
        ...(url !== undefined ? { url } : {}),
        start,
        end: start + body.length,
      });
    }
    // Overlap: keep the trailing spans that fit in the overlap budget.
    const kept: Span[] = [];
    if (keepOverlap) {
      let tokens = 0;
      for (let i = spans.length - 1; i > 0; i--) {
        const span = spans[i]!;
        tokens += approxTokens(text.slice(span.start, span.end));
        if (tokens > options.overlapTokens) break;
        kept.unshift(span);
      }
    }
    // A trailing paragraph longer than the budget still lends its last sentences.
    const tail = spans[spans.length - 1];
    if (keepOverlap && kept.length === 0 && tail) {
      const sentences = sentenceSpans(text.slice(tail.start, tail.end));
      let from: number | undefined;
      for (let i = sentences.length - 1; i > 0; i--) {
        const [s] = sentences[i]!;
        if (approxTokens(text.slice(tail.start + s, tail.end)) > options.overlapTokens) break;
        from = tail.start + s;
      }
      if (from !== undefined) kept.push({ start: from, end: tail.end, page: tail.page });
    }
    spans = kept;
  };

  for (const block of doc.blocks) {
    // A chunk never spans a heading, a page break or a web page, so its citation names one place.
    const newPage = spans.length > 0 && block.page !== spans[spans.length - 1]!.page;
    if (block.kind === 'heading' || sectionOf(block) !== section || newPage || block.url !== url) {
      flush(false);
      section = sectionOf(block);
      url = block.url;
    }
    const pieces = approxTokens(block.text) > options.targetTokens
      ? splitBlock(text, block, options.targetTokens)
      : [{ start: block.start, end: block.end, page: block.page }];
    for (const piece of pieces) {
      const current = spans.length ? approxTokens(text.slice(spans[0]!.start, piece.end)) : 0;
      if (spans.length && current > options.targetTokens) flush(true);
      spans.push(piece);
    }
  }
  flush(false);
  // A heading with no text of its own (straight before a sub-heading) is no passage.
  return chunks.filter((c) => !headingOnly(doc.blocks, c)).map((c, seq) => ({ ...c, seq }));
};

/**
 * Whether every block a chunk overlaps is a heading. Blocks are in document order,
 * so the first one ending after the chunk's start is found by bisection and the
 * look stops at the first other block: a CSV of 100,000 rows makes as many chunks,
 * and scanning every block for each of them took 51 s.
 */
const headingOnly = (blocks: readonly Block[], c: ChunkDraft): boolean => {
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (blocks[mid]!.end > c.start) hi = mid;
    else lo = mid + 1;
  }
  for (let i = lo; i < blocks.length && blocks[i]!.start < c.end; i++) {
    if (blocks[i]!.end > c.start && blocks[i]!.kind !== 'heading') return false;
  }
  return true;
};
