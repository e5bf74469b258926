/**
 * Answer quality on a BEIR-layout folder with an answer key, through the real path:
 * every corpus document becomes a text source of a fresh bot (the real ingest
 * pipeline), then every question of `queries.jsonl` is asked as the widget asks it
 * (POST /widget/v1/{publicId}/sessions, then POST …/chat, read as server-sent events),
 * each in a new visitor session from one of many loopback addresses so no rate
 * limit interferes, and the reply is compared with `answers.jsonl`.
 *
 * Run: npm run eval:answers -- <folder> [--concurrency 32] [--query-concurrency 4] [--limit N] [--embedder bedrock]
 *   <folder>   corpus.jsonl, queries.jsonl, answers.jsonl ({"_id","answers":[…],"kind"}), qrels/test.tsv
 *   --limit N  only the first N questions of answers.jsonl (a smoke run; results file left alone)
 *   --embedder bedrock [--bedrock-model ID]  embed through the Amazon Bedrock path against the fake
 *              Bedrock (see eval:retrieval); the figures go under the folder's name `via fake Bedrock`
 * Progress goes to stderr; the last line of stdout is the figures as one JSON object.
 * Merges them, with a few example replies, into test/bench/results/answers.json under the folder's name.
 * The bot answers with whatever its defaults are: with no provider key, the local answerer.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import { parseSse } from '../integration/fixtures/platform.ts';
import { citedDocuments, containsGold, isDecline, parseAnswerKey, wordCount, type AnswerKey } from './answer-metrics.ts';
import { codeVersion, evalEmbedderOf, ingestCorpus, mergeResults, pool, positiveInt, readJsonl, withBot, type CorpusDoc, type Query } from './beir-bot.ts';
import { mean, parseQrels } from './retrieval-metrics.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '32' },
    'query-concurrency': { type: 'string', default: '4' },
    limit: { type: 'string' },
    results: { type: 'string' },
    embedder: { type: 'string' },
    'bedrock-model': { type: 'string' },
  },
});
if (positionals.length !== 1) {
  console.error('usage: npm run eval:answers -- <folder> [--concurrency N] [--query-concurrency N] [--limit N]');
  process.exit(2);
}
const folder = path.resolve(positionals[0]!);
const dataset = path.basename(folder);
const ingestConcurrency = positiveInt('concurrency', values.concurrency);
const queryConcurrency = positiveInt('query-concurrency', values['query-concurrency']);
const limit = values.limit === undefined ? undefined : positiveInt('limit', values.limit);
const embedderChoice = evalEmbedderOf(values.embedder, values['bedrock-model']);
// --results is for the command's own test, which must not touch the committed figures.
const RESULTS_FILE = path.resolve(values.results ?? path.join(import.meta.dirname, 'results/answers.json'));
const EXAMPLES = 5;

const log = (message: string) => console.error(`[eval:answers ${dataset}] ${message}`);
const seconds = (ms: number) => Math.round(ms / 10) / 100;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

const [corpus, queries, keyRows, qrels] = await Promise.all([
  readJsonl<CorpusDoc>(folder, 'corpus.jsonl'),
  readJsonl<Query>(folder, 'queries.jsonl'),
  fs.readFile(path.join(folder, 'answers.jsonl'), 'utf8'),
  fs.readFile(path.join(folder, 'qrels/test.tsv'), 'utf8').then(parseQrels),
]);
const questionText = new Map(queries.map((q) => [q._id, q.text]));
const keys: AnswerKey[] = keyRows.split('\n').map((line, i) => [line, i + 1] as const).filter(([line]) => line.trim())
  .map(([line, n]) => {
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`answers.jsonl line ${n} is not JSON`);
    }
    const key = parseAnswerKey(row, n);
    if (!questionText.has(key._id)) throw new Error(`answers.jsonl line ${n}: question ${key._id} is not in queries.jsonl`);
    return key;
  })
  .slice(0, limit);
log(`${corpus.length} documents, ${keys.length} questions (${['answerable', 'unanswerable', 'out-of-scope'].map((k) => `${keys.filter((q) => q.kind === k).length} ${k}`).join(', ')})`);

interface Reply { key: AnswerKey; question: string; answer: string; declined: boolean; cited: string[]; ms: number }

/** One keep-alive agent per loopback source address (127.0.0.2 …): sessions and messages are limited per address. */
const agents = Array.from({ length: 200 }, (_, i) => new Agent({ localAddress: `127.0.0.${i + 2}`, connections: 8 }));

const runStarted = performance.now();
const figures = await withBot(log, async (platform, owner) => {
  const { corpusIdOf, ingestMs, embedder, chunks } = await ingestCorpus(platform, owner, corpus, ingestConcurrency, log);
  log(`all ${corpus.length} documents ready: ${chunks} chunks in ${seconds(ingestMs)} s, embedded with ${embedder}`);

  const base = `${platform.apiUrl}/widget/v1/${owner.publicId}`;
  const replies = new Array<Reply>(keys.length);
  const asked = performance.now();
  let done = 0;
  await pool(keys, queryConcurrency, async (key, i) => {
    const dispatcher = agents[i % agents.length]!;
    const question = questionText.get(key._id)!;
    const t = performance.now();
    const session = await undiciFetch(`${base}/sessions`, { method: 'POST', dispatcher });
    const { token } = (await session.json()) as { token?: string };
    if (!token) throw new Error(`question ${key._id}: no visitor session (${session.status})`);
    const res = await undiciFetch(`${base}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ question }),
      dispatcher,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`question ${key._id}: chat answered ${res.status} ${text.slice(0, 300)}`);
    const events = parseSse(text);
    const failed = events.find((e) => e.event === 'error');
    if (failed) throw new Error(`question ${key._id}: the stream ended in an error: ${JSON.stringify(failed.data)}`);
    const answer = events.filter((e) => e.event === 'delta').map((e) => String(e.data.text)).join('');
    const sources = (events.find((e) => e.event === 'sources')?.data.sources ?? []) as Array<{ n: number; docId: string }>;
    const declined = isDecline(answer, events.find((e) => e.event === 'done')?.data);
    const cited = declined ? [] : citedDocuments(answer, sources).map((docId) => corpusIdOf.get(docId) ?? docId);
    replies[i] = { key, question, answer, declined, cited, ms: performance.now() - t };
    if (++done % 250 === 0 || done === keys.length) log(`asked ${done}/${keys.length} questions`);
  });
  const askMs = performance.now() - asked;

  const of = (kind: AnswerKey['kind']) => replies.filter((r) => r.key.kind === kind);
  const share = (rs: readonly Reply[], test: (r: Reply) => boolean) => (rs.length ? round(rs.filter(test).length / rs.length) : null);
  const answerable = of('answerable');
  const goldDocs = (r: Reply) => [...(qrels.get(r.key._id) ?? new Map<string, number>())].filter(([, g]) => g > 0).map(([doc]) => doc);
  const judged = answerable.filter((r) => goldDocs(r).length > 0);
  const answeredAnswerable = answerable.filter((r) => !r.declined);
  const result = {
    dataset,
    questions: replies.length,
    answerable: answerable.length,
    answered_with_gold: share(answerable, (r) => !r.declined && containsGold(r.answer, r.key.answers)),
    cited_gold: share(judged, (r) => goldDocs(r).some((doc) => r.cited.includes(doc))),
    declined_answerable: share(answerable, (r) => r.declined),
    declined_unanswerable: share(of('unanswerable'), (r) => r.declined),
    declined_out_of_scope: share(of('out-of-scope'), (r) => r.declined),
    // Over the answers given to answerable questions, citation markers left out.
    mean_answer_words: round(mean(answeredAnswerable.map((r) => wordCount(r.answer))), 1),
    documents: corpus.length,
    chunks,
    embedder,
    code: codeVersion(),
    ingestSeconds: seconds(ingestMs),
    askSeconds: seconds(askMs),
    queryConcurrency,
    totalSeconds: seconds(performance.now() - runStarted),
  };
  const example = (r: Reply) => ({ question: r.question, answer: r.answer, ...(r.key.answers.length ? { gold: r.key.answers } : {}) });
  const examples = {
    answerable: answeredAnswerable.slice(0, EXAMPLES).map(example),
    declinedOutOfScope: of('out-of-scope').filter((r) => r.declined).slice(0, EXAMPLES).map(example),
    answeredOutOfScope: of('out-of-scope').filter((r) => !r.declined).slice(0, EXAMPLES).map(example),
  };
  return { result, examples };
}, embedderChoice);

if (limit === undefined) {
  const { dataset: _dataset, ...rest } = figures.result;
  await mergeResults(RESULTS_FILE, embedderChoice.kind === 'bedrock' ? `${dataset} via fake Bedrock (${embedderChoice.model})` : dataset, { ...rest, examples: figures.examples });
  log(`merged into ${path.relative(process.cwd(), RESULTS_FILE)}`);
} else {
  log(`--limit ${limit}: a smoke run, ${path.basename(RESULTS_FILE)} left alone`);
}
await Promise.all(agents.map((a) => a.close()));
console.log(JSON.stringify(figures.result));
