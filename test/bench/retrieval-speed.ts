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
 * Also: time spent in-process (the query minus its waits on storage), and bytes
 * read by the first query after a cold start and by a warm one.
 * Run: npm run bench:retrieval. Writes test/bench/results/retrieval-speed.json.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { embedLocally } from '../../lambdas/adapters/models/local-embedder.ts';
import { openIndex } from '../../lambdas/core/bot-index.ts';
import { createBot } from '../../lambdas/core/bots.ts';
import { createAccount } from '../../lambdas/core/accounts.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { segmentCache } from '../../lambdas/core/index-cache.ts';
import type { Deps } from '../../lambdas/core/ports.ts';
import { CANDIDATES_PER_RESULT, MIN_CANDIDATES, retrieve } from '../../lambdas/core/retrieval.ts';
import { tenantForMember, type TenantContext } from '../../lambdas/core/tenancy.ts';
import { encodeCodes, openCodes, searchCodes } from '../../lambdas/core/vector-codes.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { CHUNKS_PER_DOC, DIMS, rng, writeSyntheticBot } from './synthetic-bot.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const QUERIES = 100;

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

/**
 * Deps whose storage reads are timed and sized: what a query reads (sealed bytes as
 * stored, approximately: vectors at 4 bytes a dimension, text at its UTF-8 length,
 * the index pointer and heads at their item size) and how long it waits for them.
 */
const meteredDeps = (deps: Deps) => {
  let msSpent = 0, bytes = 0;
  const state = { chunkReads: 0 };
  const timed = async <T>(work: Promise<T>, size: (out: T) => number): Promise<T> => {
    const t = performance.now();
    const out = await work;
    msSpent += performance.now() - t;
    bytes += size(out);
    return out;
  };
  const wrapped: Deps = {
    ...deps,
    index: {
      ...deps.index,
      getGeneration: (tenant, botId) => timed(deps.index.getGeneration(tenant, botId), () => 64),
      getHeadAt: (tenant, botId, g) => timed(deps.index.getHeadAt(tenant, botId, g), (h) => 200 + 120 * (h?.segments.length ?? 0) + 23 * (h?.dead.size ?? 0)),
      getSegment: (tenant, botId, ref) => timed(deps.index.getSegment(tenant, botId, ref), (b) => b.byteLength),
    },
    chunks: {
      ...deps.chunks,
      getMany: (tenant, botId, keys) => timed(deps.chunks.getMany(tenant, botId, keys), (chunks) => {
        state.chunkReads += chunks.length;
        return chunks.reduce((sum, c) => sum + 4 * c.vector.length + Buffer.byteLength(c.text) + 100, 0);
      }),
    },
  };
  return {
    deps: wrapped,
    get chunkReads() {
      return state.chunkReads;
    },
    take() {
      const out = { ms: msSpent, bytes };
      msSpent = 0;
      bytes = 0;
      return out;
    },
  };
};

const platform = await startPlatform({ logLevel: 'error' });
const results: Record<string, unknown> = { date: new Date().toISOString().slice(0, 10), dims: DIMS, chunksPerDocument: CHUNKS_PER_DOC, queries: QUERIES };
try {
  const { deps } = platform;
  for (const size of SIZES) {
    const random = rng(size);
    const userId = newId();
    const account = await createAccount(deps, { userId, email: `${userId}@bench.example`, emailVerified: true }, { name: 'Bench' });
    const tenant: TenantContext = tenantForMember({ accountId: account.accountId, userId, role: 'owner' });
    const bot = await createBot(deps, tenant, { name: `Bench ${size}` }, {});
    const writeStart = performance.now();
    const written = await writeSyntheticBot(deps, tenant, bot.botId, size, random, (n) => process.stderr.write(`\r${size}: ${n} chunks written`));
    const writeSeconds = (performance.now() - writeStart) / 1000;
    process.stderr.write('\n');
    // Keep only what the measures need (100 queries, a 20k sample of vectors), so the benchmark's
    // own copy of the bot (hundreds of MB at 100k) is not in the heap while queries are timed.
    const queries = Array.from({ length: QUERIES }, () => written.texts[Math.floor(random() * written.texts.length)]!.split(' ').slice(0, 8).join(' '));
    const all = written.vectors;
    const sample = all.filter((_, i) => i % Math.ceil(all.length / 20_000) === 0);
    written.texts.length = 0;
    written.vectors.length = 0;

    // Cold: nothing cached.
    segmentCache.clear();
    const rssBefore = process.memoryUsage().rss;
    const coldStart = performance.now();
    const { head, segments } = await openIndex(deps, tenant, bot.botId);
    const coldMs = performance.now() - coldStart;
    const items = head.segments.reduce((sum, s) => sum + s.parts, 0);

    // Warm: queries built from words of random chunks, so they have answers.
    const io = meteredDeps(deps);
    segmentCache.clear();
    await retrieve(io.deps, tenant, bot.botId, queries[0]!, 5);
    const coldQuery = io.take();
    const latencies: number[] = [];
    const inProcess: number[] = [];
    const warmBytes: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      await retrieve(io.deps, tenant, bot.botId, q, 5);
      const total = performance.now() - t;
      const spent = io.take();
      latencies.push(total);
      inProcess.push(total - spent.ms);
      warmBytes.push(spent.bytes);
    }
    const rssAfter = process.memoryUsage().rss;

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
      warmInProcessP50Ms: ms(percentile(inProcess, 50)),
      warmInProcessP95Ms: ms(percentile(inProcess, 95)),
      bytesReadFirstQuery: coldQuery.bytes,
      bytesReadWarmQueryP50: percentile(warmBytes, 50),
      chunkItemsReadWarmQuery: Math.round(io.chunkReads / QUERIES),
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
