/**
 * Parley's parsers against the reference tools on public corpora (issue 24
 * item 5): every PDF, Word file and web page of the given corpora is read with
 * Parley's upload parser and with the reference (pdf.js's text content; mammoth
 * if installed, else the XML's text runs; a page's expected text or
 * Readability), and per format the bench reports files, parsed and refused
 * (reasons counted), word recall and precision against the reference, time per
 * page or file, and the worst files.
 *
 * Run: npm run bench:corpus -- <corpus>... [--limit N] [--out file], where a
 * corpus is a folder or a bare git repository (as `fetch` brings it), with an
 * optional subfolder and formats: `/work/.mirror/mozilla+pdf.js/repo:test/pdfs`,
 * `/work/.mirror/apache+poi/repo:test-data@docx`. Corpora can
 * also be named in PARLEY_CORPUS (separated by spaces). Without any, it says so
 * and measures nothing. Files are read in a worker with Lambda-like memory,
 * one at a time; a file that takes longer than PARLEY_CORPUS_TIMEOUT_MS
 * (default 120 s) on either side is stopped and counted as failed.
 * Writes test/bench/results/corpus.json unless --out says otherwise.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { openCorpus, type Corpus, type CorpusFile } from './corpus-files.ts';
import { loadMammoth } from './corpus-references.ts';
import { summarise } from './corpus-score.ts';
import type { FileResult, ParleyOutcome } from './corpus-score.ts';
import type { CorpusJob, WorkerMessage } from './corpus-worker.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const limit = Number(flag('--limit') ?? Infinity);
const out = path.resolve(flag('--out') ?? path.join(import.meta.dirname, 'results/corpus.json'));
const specs = args.length ? args : (process.env.PARLEY_CORPUS ?? '').split(/\s+/).filter(Boolean);
if (specs.length === 0) {
  console.log('No corpus given: nothing measured. Pass folders or bare git repositories, e.g.\n' +
    '  npm run bench:corpus -- /work/.mirror/mozilla+pdf.js/repo:test/pdfs /work/.mirror/mwilliamson+mammoth.js/repo:test/test-data');
  process.exit(0);
}
const TIMEOUT_MS = Number(process.env.PARLEY_CORPUS_TIMEOUT_MS ?? 120_000);
// The ingest function has 2,048 MB; its heap gets less than that.
const HEAP_MB = 1_536;

const corpora: Corpus[] = specs.map(openCorpus);

/** A file that hung the worker or brought it down, on Parley's side or the reference's. */
interface Stopped { readonly failedIn: 'parley' | 'reference'; readonly reason: string; readonly parley?: ParleyOutcome }

/** Runs jobs one at a time in a worker, replacing it when a file hangs it or exhausts its memory. */
class Reader {
  private worker: Worker | undefined;

  async read(job: CorpusJob): Promise<FileResult | Stopped> {
    const worker = (this.worker ??= new Worker(new URL('./corpus-worker.ts', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } }));
    let phase: 'parley' | 'reference' = 'parley';
    let parley: ParleyOutcome | undefined;
    return new Promise((resolve) => {
      const finish = (value: FileResult | Stopped, stop: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (stop) {
          void worker.terminate();
          this.worker = undefined;
        }
        resolve(value);
      };
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'result') finish(m.result, false);
        else if (m.phase === 'reference') [phase, parley] = [m.phase, m.parley];
      };
      const stopped = (reason: string) => finish({ failedIn: phase, reason, ...(parley ? { parley } : {}) }, true);
      const onError = (err: Error & { code?: string }) => stopped(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (heap ${HEAP_MB} MB)` : `${err.name}: ${err.message}`);
      const onExit = (code: number) => stopped(`worker exited (${code})`);
      const timer = setTimeout(() => stopped(`took longer than ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(job, [job.bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

const reader = new Reader();
const results: FileResult[] = [];
const absent: string[] = [];
const loadAtStart = os.loadavg();
const started = Date.now();
let done = 0;
const total = corpora.reduce((a, c) => a + Math.min(c.files.length, limit), 0);

const readOne = async (corpus: Corpus, f: CorpusFile): Promise<void> => {
  const bytes = f.read();
  if (!bytes) {
    absent.push(`${corpus.name}:${f.file}`);
    return;
  }
  const expectedHtml = f.expectedHtml?.();
  const job: CorpusJob = { corpus: corpus.name, file: f.file, format: f.format, bytes, ...(expectedHtml !== undefined ? { expectedHtml } : {}) };
  const size = bytes.byteLength;
  const outcome = await reader.read(job);
  if ('failedIn' in outcome) {
    // A hang or a crash of the worker: charged to the side it happened on.
    const failed = { kind: 'failed', reason: outcome.reason } as const;
    results.push({
      corpus: corpus.name, file: f.file, format: f.format, bytes: size,
      parley: outcome.parley ?? failed,
      reference: outcome.failedIn === 'parley' ? { kind: 'failed', reason: 'not run: Parley\'s side failed first' } : failed,
    });
  } else results.push(outcome);
};

for (const corpus of corpora) {
  for (const f of corpus.files.slice(0, limit)) {
    await readOne(corpus, f);
    if (++done % 50 === 0) console.error(`${done}/${total} files, ${Math.round((Date.now() - started) / 1000)} s, load ${os.loadavg()[0]!.toFixed(1)}`);
  }
}
await reader.close();

const result = {
  command: `npm run bench:corpus -- ${process.argv.slice(2).join(' ')}`.trim(),
  measuredAt: new Date().toISOString(),
  node: process.version,
  corpora: corpora.map(({ files, ...c }) => ({ ...c, files: Math.min(files.length, limit) })),
  absentFromSnapshot: absent.length,
  references: {
    pdf: 'pdf.js getTextContent (the build Parley uses, with its CMaps and standard fonts): item strings joined as pdf.js\'s find controller joins them',
    docx: (await loadMammoth()) ? 'mammoth extractRawText' : 'mammoth is not installed: the w:t text runs of the body, footnotes and endnotes, read from the XML (no list markers or note marks)',
    html: 'expected.html beside source.html (Readability\'s test layout; Readability\'s own output), else Readability on linkedom',
  },
  measure: 'bag-of-words recall and precision of Parley\'s text against the reference (test/bench/text-overlap.ts), summed over the files both read; letters: the same over letters and digits',
  load: { cores: os.cpus().length, loadAverageAtStart: loadAtStart[0], loadAverageAtEnd: os.loadavg()[0], seconds: Math.round((Date.now() - started) / 1000) },
  ...summarise(results),
};
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
