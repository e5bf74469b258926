/**
 * Retrieval speed at scale: synthetic bots of 1k, 10k and 100k chunks (512
 * dimensions) written through the real storage path (sealed chunk items, index
 * segments, head commits, compaction) into DynamoDB Local, then:
 * - cold load: opening the index with an empty cache (head + every segment);
 * - warm query latency p50/p95 of the full `retrieve` (head check, code search,
 *   BM25, chunk fetch for rescoring, fusion);
 * - memory held by the opened index;
 * - recall@10 of the quantized candidate search with exact rescoring against
 *   exact float search over the same vectors, for the local embedder's sparse
 *   vectors and for dense Gaussian ones (as OpenAI's are).
 * Run: npm run bench:retrieval. Writes test/bench/results/retrieval-speed.json.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { embedLocally } from '../../lambdas/adapters/models/local-embedder.ts';
import { openIndex, publishRun } from '../../lambdas/core/bot-index.ts';
import { createBot } from '../../lambdas/core/bots.ts';
import { createAccount } from '../../lambdas/core/accounts.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { segmentCache } from '../../lambdas/core/index-cache.ts';
import { buildSegment } from '../../lambdas/core/index-segment.ts';
import { embeddingText } from '../../lambdas/core/ingestion.ts';
import type { Chunk } from '../../lambdas/core/model.ts';
import { CANDIDATES_PER_RESULT, MIN_CANDIDATES, retrieve } from '../../lambdas/core/retrieval.ts';
import { tenantForMember, type TenantContext } from '../../lambdas/core/tenancy.ts';
import { encodeCodes, openCodes, searchCodes } from '../../lambdas/core/vector-codes.ts';
import { startPlatform } from '../../infra/local/platform.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const CHUNKS_PER_DOC = 1_000;
const QUERIES = 100;
const DIMS = 512;

/** A seeded generator, so every run measures the same data. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

/** Text from a Zipf-distributed vocabulary of 20,000 words: realistic term statistics. */
const VOCAB = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
const zipf = (random: () => number) => VOCAB[Math.min(VOCAB.length - 1, Math.floor(Math.exp(random() * Math.log(VOCAB.length)) - 1))]!;
const passage = (random: () => number, words = 180) => Array.from({ length: words }, () => zipf(random)).join(' ');

const gaussianUnit = (random: () => number, dims: number): Float32Array => {
  const v = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i += 2) {
    const r = Math.sqrt(-2 * Math.log(random() || 1e-12));
    const a = 2 * Math.PI * random();
    v[i] = r * Math.cos(a);
    if (i + 1 < dims) v[i + 1] = r * Math.sin(a);
  }
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  for (let i = 0; i < dims; i++) v[i]! /= norm;
  return v;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (x: number) => Math.round(x * 100) / 100;

const dotp = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** recall@10 of codes → top-N candidates → exact rescoring, against exact search. */
const quantizedRecall = (vectors: Float32Array[], queries: Float32Array[], k = 10): number => {
  const codes = openCodes(encodeCodes(vectors));
  const n = Math.max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * k);
  let found = 0;
  for (const q of queries) {
    const exact = vectors.map((v, i) => [dotp(q, v), i] as const).sort((a, b) => b[0] - a[0]).slice(0, k).map(([, i]) => i);
    const candidates = searchCodes([codes], q, n).map((h) => h.chunk);
    const rescored = candidates.map((i) => [dotp(q, vectors[i]!), i] as const).sort((a, b) => b[0] - a[0]).slice(0, k).map(([, i]) => i);
    const want = new Set(exact);
    found += rescored.filter((i) => want.has(i)).length;
  }
  return found / (queries.length * k);
};

const platform = await startPlatform({ logLevel: 'error' });
const results: Record<string, unknown> = { date: new Date().toISOString().slice(0, 10), dims: DIMS, chunksPerDocument: CHUNKS_PER_DOC, queries: QUERIES };
try {
  const { deps } = platform;
  for (const size of SIZES) {
    const random = rng(size);
    const userId = newId();
    const account = await createAccount(deps, { userId, email: `${userId}@bench.example` }, { name: 'Bench' });
    const tenant: TenantContext = tenantForMember({ accountId: account.accountId, userId, role: 'owner' });
    const bot = await createBot(deps, tenant, { name: `Bench ${size}` });
    const vectors: Float32Array[] = [];
    const texts: string[] = [];

    const writeStart = performance.now();
    for (let d = 0; d * CHUNKS_PER_DOC < size; d++) {
      const docId = newId();
      const run = newId();
      const count = Math.min(CHUNKS_PER_DOC, size - d * CHUNKS_PER_DOC);
      await deps.documents.create(tenant, {
        docId, botId: bot.botId, name: `doc-${d}.md`, contentType: 'text/markdown', source: 'text', size: 1, status: 'processing',
        chunkCount: 0, objectName: `doc-${d}.md`, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
      });
      const chunks: Chunk[] = Array.from({ length: count }, (_, seq) => {
        const text = passage(random);
        const vector = embedLocally(embeddingText(`doc-${d}`, '', text), DIMS);
        texts.push(text);
        vectors.push(vector);
        return { docId, run, seq, text, section: '', start: 0, end: text.length, vector };
      });
      await deps.chunks.put(tenant, bot.botId, chunks);
      const segmentTexts = chunks.map((c) => embeddingText(`doc-${d}`, '', c.text));
      await publishRun(deps, tenant, bot.botId, {
        docId, run, chunks: count, embeddedWith: `${deps.embedders.local.model}@${DIMS}`,
        segment: buildSegment(chunks, chunks.map((c) => c.vector), segmentTexts),
        patch: { status: 'ready', chunkCount: count, indexedRun: run, embeddedWith: `${deps.embedders.local.model}@${DIMS}` },
        previous: null,
      });
      process.stderr.write(`\r${size}: ${Math.min(size, (d + 1) * CHUNKS_PER_DOC)} chunks written`);
    }
    const writeSeconds = (performance.now() - writeStart) / 1000;
    process.stderr.write('\n');

    // Cold: nothing cached.
    segmentCache.clear();
    const rssBefore = process.memoryUsage().rss;
    const coldStart = performance.now();
    const { head, segments } = await openIndex(deps, tenant, bot.botId);
    const coldMs = performance.now() - coldStart;
    const items = head.segments.reduce((sum, s) => sum + s.parts, 0);

    // Warm: queries built from words of random chunks, so they have answers.
    const queries = Array.from({ length: QUERIES }, () => texts[Math.floor(random() * texts.length)]!.split(' ').slice(0, 8).join(' '));
    await retrieve(deps, tenant, bot.botId, queries[0]!, 5);
    const latencies: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      await retrieve(deps, tenant, bot.botId, q, 5);
      latencies.push(performance.now() - t);
    }
    const rssAfter = process.memoryUsage().rss;

    const sample = vectors.length > 20_000 ? vectors.filter((_, i) => i % Math.ceil(vectors.length / 20_000) === 0) : vectors;
    const localQueries = queries.slice(0, 50).map((q) => embedLocally(q, DIMS));
    const gaussian = Array.from({ length: sample.length }, () => gaussianUnit(random, DIMS));
    // Dense queries near a stored vector, as a real question is near its passage.
    const gaussianQueries = Array.from({ length: 50 }, () => {
      const base = gaussian[Math.floor(random() * gaussian.length)]!;
      const noise = gaussianUnit(random, DIMS);
      const q = base.map((x, i) => x + 0.8 * noise[i]!);
      const n = Math.hypot(...q);
      return q.map((x) => x / n);
    });

    results[`${size}`] = {
      chunks: size,
      writeSeconds: ms(writeSeconds),
      segments: head.segments.length,
      itemsReadCold: 1 + items,
      coldLoadMs: ms(coldMs),
      indexBytesInMemory: segments.reduce((sum, s) => sum + s.bytes, 0),
      rssGrowthMB: Math.round((rssAfter - rssBefore) / 1e6),
      warmQueryP50Ms: ms(percentile(latencies, 50)),
      warmQueryP95Ms: ms(percentile(latencies, 95)),
      recallAt10LocalVectors: Math.round(quantizedRecall(sample, localQueries) * 1000) / 1000,
      recallAt10GaussianVectors: Math.round(quantizedRecall(gaussian, gaussianQueries) * 1000) / 1000,
      recallSample: sample.length,
    };
    process.stderr.write(`${JSON.stringify(results[`${size}`])}\n`);
  }
  const file = path.join(import.meta.dirname, 'results', 'retrieval-speed.json');
  await fs.writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results));
} finally {
  await platform.stop();
}
