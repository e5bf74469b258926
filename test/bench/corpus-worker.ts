/**
 * One file at a time for `npm run bench:corpus`, in a worker the bench can
 * stop: Parley's upload parser (the path ingestion takes, with a bot's default
 * settings) and then the reference reader, each timed, and the overlap of their
 * texts. It says which side it is on, so a timeout is put on the right one.
 */
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { UnreadableDocument } from '../../lambdas/core/errors.ts';
import { createDocumentParser } from '../../lambdas/adapters/parsers/document-parser.ts';
import { docxReferenceText, htmlReferenceText, pdfJsText } from './corpus-references.ts';
import type { CorpusFormat, FileResult, ParleyOutcome, ReferenceOutcome } from './corpus-score.ts';
import { bagCounts, bagDifference, tokensOf } from './text-overlap.ts';

/** A file to read, as the bench sends it. */
export interface CorpusJob {
  readonly corpus: string;
  readonly file: string;
  readonly format: CorpusFormat;
  readonly bytes: Uint8Array;
  readonly expectedHtml?: string;
}

/** What the worker tells the bench. */
export type WorkerMessage =
  | { readonly type: 'phase'; readonly phase: 'parley' }
  /** Parley's side is done: its outcome, in case the reference's side never ends. */
  | { readonly type: 'phase'; readonly phase: 'reference'; readonly parley: ParleyOutcome }
  | { readonly type: 'result'; readonly result: FileResult };

const CONTENT_TYPES: Record<CorpusFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html',
};

/** Letters and digits, one each: blind to where either side puts spaces. */
const lettersOf = (text: string): string[] => Array.from(text.normalize('NFC').toLowerCase().matchAll(/[\p{L}\p{N}]/gu), (m) => m[0]);

const comparison = (text: string, expected: string): Pick<FileResult, 'tokens' | 'letters' | 'extraWords' | 'missingWords'> => {
  const found = tokensOf(text);
  const wanted = tokensOf(expected);
  const { extra, missing } = bagDifference(found, wanted);
  return { tokens: bagCounts(found, wanted), letters: bagCounts(lettersOf(text), lettersOf(expected)), extraWords: extra, missingWords: missing };
};

const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

const parser = createDocumentParser();

const readFile = async (job: CorpusJob, post: (m: WorkerMessage) => void): Promise<FileResult> => {
  post({ type: 'phase', phase: 'parley' });
  let text: string | undefined;
  let pagesRead: number | undefined;
  let parley: ParleyOutcome;
  const started = performance.now();
  try {
    const doc = await parser.parse(job.bytes, CONTENT_TYPES[job.format], path.posix.basename(job.file));
    text = doc.text;
    pagesRead = job.format === 'pdf' ? doc.blocks.reduce((most, b) => Math.max(most, b.page ?? 0), 0) : undefined;
    parley = { kind: 'parsed', ms: performance.now() - started };
  } catch (err) {
    parley = err instanceof UnreadableDocument ? { kind: 'refused', reason: err.message, ms: performance.now() - started } : { kind: 'failed', reason: describe(err) };
  }

  post({ type: 'phase', phase: 'reference', parley });
  let expected: string | undefined;
  let pages: number | undefined;
  let reference: ReferenceOutcome;
  const referenceStarted = performance.now();
  try {
    if (job.format === 'pdf') ({ text: expected, pages } = await pdfJsText(job.bytes));
    else if (job.format === 'docx') expected = (await docxReferenceText(job.bytes)).text;
    else expected = htmlReferenceText(new TextDecoder().decode(job.bytes), job.expectedHtml);
    reference = { kind: 'read', ms: performance.now() - referenceStarted };
  } catch (err) {
    reference = { kind: 'failed', reason: describe(err) };
  }

  const compared = expected !== undefined && parley.kind !== 'failed';
  return {
    corpus: job.corpus, file: job.file, format: job.format, bytes: job.bytes.byteLength,
    ...((pages ?? pagesRead) ? { pages: pages ?? pagesRead } : {}),
    parley, reference,
    ...(compared ? comparison(text ?? '', expected!) : {}),
  };
};

parentPort?.on('message', (job: CorpusJob) => {
  const post = (message: WorkerMessage) => parentPort!.postMessage(message);
  void readFile(job, post).then((result) => post({ type: 'result', result }));
});
