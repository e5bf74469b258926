/**
 * Retrieval quality on a BEIR-layout data set, through the real path: every corpus
 * document becomes a text source (POST /v1/bots/{botId}/sources → S3 → ingest queue
 * → ingest handler → DynamoDB Local), then every judged query is asked through
 * core's `retrieve`, as chat asks it, and scored with nDCG@10, recall@100 and hit@5.
 *
 * Run: npm run eval:retrieval -- <folder> [--concurrency 32] [--query-concurrency 2] [--k 300] [--limit N]
 *   <folder>             corpus.jsonl, queries.jsonl, qrels/test.tsv (e.g. /work/shared/data/scifact)
 *   --concurrency N      sources added at once; each batch is ingested before the next
 *   --query-concurrency  queries in flight at once
 *   --k N                passages asked of retrieve, enough for 100 distinct documents
 *   --limit N            only the first N judged queries (a smoke run; results file left alone)
 * Progress goes to stderr; the last line of stdout is the figures as one JSON object.
 * Merges them into test/bench/results/retrieval-quality.json under the folder's name.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { validateQuestion } from '../../lambdas/core/chat.ts';
import { MAX_DOCUMENT_NAME_CHARS } from '../../lambdas/core/limits.ts';
import { retrieve } from '../../lambdas/core/retrieval.ts';
import { tenantForVisitor } from '../../lambdas/core/tenancy.ts';
import { startPlatform, type Platform } from '../../infra/local/platform.ts';
import { newOwner, type Owner } from '../integration/fixtures/platform.ts';
import { documentRanking, hitAt, mean, ndcgAt, parseQrels, percentile, recallAt } from './retrieval-metrics.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '32' },
    'query-concurrency': { type: 'string', default: '2' },
    k: { type: 'string', default: '300' },
    limit: { type: 'string' },
  },
});
const positiveInt = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${value}`);
  return n;
};
if (positionals.length !== 1) {
  console.error('usage: npm run eval:retrieval -- <BEIR folder> [--concurrency N] [--query-concurrency N] [--k N] [--limit N]');
  process.exit(2);
}
const folder = path.resolve(positionals[0]!);
const dataset = path.basename(folder);
const ingestConcurrency = positiveInt('concurrency', values.concurrency);
const queryConcurrency = positiveInt('query-concurrency', values['query-concurrency']);
const k = positiveInt('k', values.k);
const limit = values.limit === undefined ? undefined : positiveInt('limit', values.limit);
const RESULTS_FILE = path.join(import.meta.dirname, 'results/retrieval-quality.json');

/** The code measured: the commit, and whether lambdas/ or infra/ had uncommitted changes. */
const codeVersion = (): string => {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: import.meta.dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', '../../lambdas', '../../infra') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
};

const log = (message: string) => console.error(`[eval:retrieval ${dataset}] ${message}`);
const seconds = (ms: number) => Math.round(ms / 10) / 100;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

interface CorpusDoc { _id: string; title?: string; text: string }
interface Query { _id: string; text: string }
interface QueryFigures { ndcg10: number; recall100: number; hit5: number; ms: number; documents: number }

const readJsonl = async <T extends { _id: string }>(file: string): Promise<T[]> => {
  const text = await fs.readFile(path.join(folder, file), 'utf8');
  return text.split('\n').filter((l) => l.trim()).map((line, i) => {
    const row = JSON.parse(line) as T;
    if (typeof row._id !== 'string' || !row._id) throw new Error(`${file} line ${i + 1}: no "_id"`);
    return row;
  });
};

/** Runs `work` over `items` with at most `concurrency` in flight, in order of start. */
const pool = async <T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  }));
};

/** The source a corpus document becomes: titled by its title (or id), the title heading its text. */
const sourceOf = (doc: CorpusDoc) => {
  const title = doc.title?.trim() ?? '';
  const max = MAX_DOCUMENT_NAME_CHARS - 4;
  const name = (title || doc._id).replace(/\s+/g, ' ');
  return {
    kind: 'text' as const,
    title: name.length > max ? `${name.slice(0, max - 1).trimEnd()}…` : name,
    text: title ? `${title}\n\n${doc.text}` : doc.text,
  };
};

/** Adds every document as a text source, a batch at a time, each batch ingested before the next. */
const ingestCorpus = async (platform: Platform, owner: Owner, corpus: readonly CorpusDoc[]) => {
  const corpusIdOf = new Map<string, string>();
  const started = performance.now();
  for (let from = 0; from < corpus.length; from += ingestConcurrency) {
    const batch = corpus.slice(from, from + ingestConcurrency);
    await Promise.all(batch.map(async (doc) => {
      const res = await owner.request<{ document: { docId: string } }>('POST', `/v1/bots/${owner.botId}/sources`, sourceOf(doc));
      if (res.status !== 201) throw new Error(`adding corpus document ${doc._id}: ${res.status} ${res.text}`);
      corpusIdOf.set(res.body.document.docId, doc._id);
    }));
    await platform.ingest.idle();
    const done = from + batch.length;
    if (done === corpus.length || Math.floor(done / 500) > Math.floor(from / 500)) {
      const elapsed = (performance.now() - started) / 1000;
      log(`ingested ${done}/${corpus.length} documents in ${elapsed.toFixed(1)} s (${(done / elapsed).toFixed(1)} docs/s)`);
    }
  }
  const ingestMs = performance.now() - started;

  const listed = await owner.request<{ documents: Array<{ docId: string; status: string; error?: string; chunkCount: number; embeddedWith?: string }> }>('GET', `/v1/bots/${owner.botId}/documents`);
  if (listed.status !== 200) throw new Error(`listing documents: ${listed.status} ${listed.text}`);
  const documents = listed.body.documents;
  const failures = documents.filter((d) => d.status !== 'ready');
  const listedIds = new Set(documents.map((d) => d.docId));
  const missing = [...corpusIdOf.keys()].filter((docId) => !listedIds.has(docId));
  if (failures.length || missing.length || platform.ingest.deadLetters.length) {
    for (const d of failures) log(`NOT READY ${corpusIdOf.get(d.docId) ?? d.docId}: ${d.status}${d.error ? ` — ${d.error}` : ''}`);
    for (const docId of missing) log(`MISSING ${corpusIdOf.get(docId)} (document ${docId} is not listed)`);
    for (const dl of platform.ingest.deadLetters) log(`DEAD LETTER ${dl.key} after ${dl.receiveCount} deliveries`);
    throw new Error(`${failures.length} of ${corpus.length} documents are not ready, ${missing.length} missing, ${platform.ingest.deadLetters.length} dead-lettered`);
  }
  // The model the index was built with, as each document records it.
  const embedder = [...new Set(documents.map((d) => d.embeddedWith ?? 'unrecorded'))].join(', ');
  return { corpusIdOf, ingestMs, embedder, chunks: documents.reduce((sum, d) => sum + d.chunkCount, 0) };
};

const [corpus, allQueries, qrels] = await Promise.all([
  readJsonl<CorpusDoc>('corpus.jsonl'),
  readJsonl<Query>('queries.jsonl'),
  fs.readFile(path.join(folder, 'qrels/test.tsv'), 'utf8').then(parseQrels),
]);
const queryById = new Map(allQueries.map((q) => [q._id, q]));
const judgedQueries = [...qrels.entries()]
  .filter(([, judged]) => [...judged.values()].some((g) => g > 0))
  .map(([queryId, judged]) => {
    const query = queryById.get(queryId);
    if (!query) throw new Error(`qrels/test.tsv judges query ${queryId}, which queries.jsonl does not have`);
    return { query, judged };
  })
  .slice(0, limit);
log(`${corpus.length} documents, ${judgedQueries.length} judged queries (of ${allQueries.length}), k = ${k}`);

const runStarted = performance.now();
const platform = await startPlatform({
  logLevel: 'error',
  onError: (message, err) => log(`${message}: ${err instanceof Error ? err.message : String(err)}`),
});
let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= platform.stop());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the platform`);
    void stop().finally(() => process.exit(130));
  });
}

try {
  log(`platform up in ${((performance.now() - runStarted) / 1000).toFixed(1)} s`);
  const owner = await newOwner(platform);
  const { corpusIdOf, ingestMs, embedder, chunks } = await ingestCorpus(platform, owner, corpus);
  log(`all ${corpus.length} documents ready: ${chunks} chunks in ${seconds(ingestMs)} s, embedded with ${embedder}`);

  // As chat does: a widget visitor of the bot's account.
  const tenant = tenantForVisitor(owner.accountId);
  const perQuery = new Array<QueryFigures>(judgedQueries.length);
  const queriesStarted = performance.now();
  let done = 0;
  await pool(judgedQueries, queryConcurrency, async ({ query, judged }, i) => {
    const t = performance.now();
    const passages = await retrieve(platform.deps, tenant, owner.botId, validateQuestion(query.text), k);
    const ms = performance.now() - t;
    const ranking = documentRanking(passages.map((p) => p.docId), (docId) => corpusIdOf.get(docId));
    perQuery[i] = { ndcg10: ndcgAt(ranking, judged, 10), recall100: recallAt(ranking, judged, 100), hit5: hitAt(ranking, judged, 5), ms, documents: ranking.length };
    if (++done % 100 === 0 || done === judgedQueries.length) {
      log(`asked ${done}/${judgedQueries.length} queries; running nDCG@10 ${mean(perQuery.filter(Boolean).map((q) => q.ndcg10)).toFixed(3)}`);
    }
  });
  const queryMs = performance.now() - queriesStarted;
  const latencies = perQuery.map((q) => q.ms);

  const result = {
    dataset,
    queries: perQuery.length,
    'ndcg@10': round(mean(perQuery.map((q) => q.ndcg10))),
    'recall@100': round(mean(perQuery.map((q) => q.recall100))),
    'hit@5': round(mean(perQuery.map((q) => q.hit5))),
    documents: corpus.length,
    chunks,
    embedder,
    code: codeVersion(),
    k,
    queriesUnder100Documents: perQuery.filter((q) => q.documents < 100).length,
    ingestSeconds: seconds(ingestMs),
    ingestDocsPerSecond: Math.round((corpus.length / (ingestMs / 1000)) * 10) / 10,
    ingestConcurrency,
    querySeconds: seconds(queryMs),
    queryConcurrency,
    queryP50Ms: Math.round(percentile(latencies, 50)),
    queryP95Ms: Math.round(percentile(latencies, 95)),
    totalSeconds: seconds(performance.now() - runStarted),
  };

  if (limit === undefined) {
    const existing = await fs.readFile(RESULTS_FILE, 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>, (): Record<string, unknown> => ({}));
    const { dataset: _dataset, ...figures } = result;
    existing[dataset] = { measuredAt: new Date().toISOString(), machine: '2 cores; DynamoDB Local and the S3 emulator on loopback', ...figures };
    await fs.writeFile(RESULTS_FILE, `${JSON.stringify(existing, null, 2)}\n`);
    log(`merged into ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } else {
    log(`--limit ${limit}: a smoke run, ${path.basename(RESULTS_FILE)} left alone`);
  }
  console.log(JSON.stringify(result));
} finally {
  await stop();
  const java = platform.javaPid;
  const alive = java !== undefined && (() => {
    try {
      process.kill(java, 0);
      return true;
    } catch {
      return false;
    }
  })();
  if (alive) log(`WARNING: DynamoDB Local (java ${java}) is still running after stop`);
  else log(`platform stopped${java !== undefined ? ` (DynamoDB Local, java ${java}, gone)` : ''}`);
}
