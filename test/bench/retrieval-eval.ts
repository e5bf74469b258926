/**
 * Retrieval quality on a BEIR-layout data set, through the real path: every corpus
 * document becomes a text source (POST /v1/bots/{botId}/sources → S3 → ingest queue
 * → ingest handler → DynamoDB Local), then every judged query is asked through
 * core's `retrieve`, as chat asks it, and scored with nDCG@10, recall@100 and hit@5.
 *
 * Run: npm run eval:retrieval -- <folder> [--concurrency 32] [--query-concurrency 2] [--k 300] [--limit N] [--embedder bedrock]
 *   <folder>             corpus.jsonl, queries.jsonl, qrels/test.tsv (e.g. /work/shared/data/scifact)
 *   --concurrency N      sources added at once; each batch is ingested before the next
 *   --query-concurrency  queries in flight at once
 *   --k N                passages asked of retrieve, enough for 100 distinct documents
 *   --limit N            only the first N judged queries (a smoke run; results file left alone)
 *   --embedder bedrock   embed through the Amazon Bedrock path (real SDK, batching, retries,
 *                        embeddedWith) against the fake Bedrock on loopback, whose vectors hash
 *                        words deterministically: a test of the path, not of Titan's quality
 *   --bedrock-model ID   with --embedder bedrock: amazon.titan-embed-text-v2:0 (default),
 *                        cohere.embed-english-v3 or cohere.embed-multilingual-v3
 * Progress goes to stderr; the last line of stdout is the figures as one JSON object.
 * Merges them into test/bench/results/retrieval-quality.json under the folder's name (with
 * `via fake Bedrock` and the model after it for a Bedrock run, so the local figures stay).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { validateQuestion } from '../../lambdas/core/chat.ts';
import { retrieve } from '../../lambdas/core/retrieval.ts';
import { tenantForVisitor } from '../../lambdas/core/tenancy.ts';
import { codeVersion, evalEmbedderOf, ingestCorpus, mergeResults, pool, positiveInt, readJsonl, withBot, type CorpusDoc, type Query } from './beir-bot.ts';
import { documentRanking, hitAt, mean, ndcgAt, parseQrels, percentile, recallAt } from './retrieval-metrics.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '32' },
    'query-concurrency': { type: 'string', default: '2' },
    k: { type: 'string', default: '300' },
    limit: { type: 'string' },
    embedder: { type: 'string' },
    'bedrock-model': { type: 'string' },
  },
});
if (positionals.length !== 1) {
  console.error('usage: npm run eval:retrieval -- <BEIR folder> [--concurrency N] [--query-concurrency N] [--k N] [--limit N] [--embedder local|bedrock] [--bedrock-model ID]');
  process.exit(2);
}
const folder = path.resolve(positionals[0]!);
const dataset = path.basename(folder);
const ingestConcurrency = positiveInt('concurrency', values.concurrency);
const queryConcurrency = positiveInt('query-concurrency', values['query-concurrency']);
const k = positiveInt('k', values.k);
const limit = values.limit === undefined ? undefined : positiveInt('limit', values.limit);
const embedderChoice = evalEmbedderOf(values.embedder, values['bedrock-model']);
const RESULTS_FILE = path.join(import.meta.dirname, 'results/retrieval-quality.json');

const log = (message: string) => console.error(`[eval:retrieval ${dataset}] ${message}`);
const seconds = (ms: number) => Math.round(ms / 10) / 100;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

interface QueryFigures { ndcg10: number; recall100: number; hit5: number; ms: number; documents: number }

const [corpus, allQueries, qrels] = await Promise.all([
  readJsonl<CorpusDoc>(folder, 'corpus.jsonl'),
  readJsonl<Query>(folder, 'queries.jsonl'),
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
const result = await withBot(log, async (platform, owner, bedrock) => {
  const { corpusIdOf, ingestMs, embedder, chunks } = await ingestCorpus(platform, owner, corpus, ingestConcurrency, log);
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

  return {
    dataset,
    queries: perQuery.length,
    'ndcg@10': round(mean(perQuery.map((q) => q.ndcg10))),
    'recall@100': round(mean(perQuery.map((q) => q.recall100))),
    'hit@5': round(mean(perQuery.map((q) => q.hit5))),
    documents: corpus.length,
    chunks,
    embedder,
    // Through the fake Bedrock: how many InvokeModel calls ingestion and the questions made.
    ...(bedrock ? { bedrockInvokes: bedrock.invokes() } : {}),
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
}, embedderChoice);

if (limit === undefined) {
  const { dataset: _dataset, ...figures } = result;
  await mergeResults(RESULTS_FILE, embedderChoice.kind === 'bedrock' ? `${dataset} via fake Bedrock (${embedderChoice.model})` : dataset, figures);
  log(`merged into ${path.relative(process.cwd(), RESULTS_FILE)}`);
} else {
  log(`--limit ${limit}: a smoke run, ${path.basename(RESULTS_FILE)} left alone`);
}
console.log(JSON.stringify(result));
