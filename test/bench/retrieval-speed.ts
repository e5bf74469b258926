/**
 * Retrieval speed at scale: synthetic bots of 1k, 10k and 100k chunks (512
 * dimensions) written through the real storage path (sealed chunk items, index
 * segments, head commits, compaction) into DynamoDB Local and the S3 emulator (run
 * in processes of their own, as the services are elsewhere), each with three kinds
 * of vectors: dense Gaussian unit vectors and dense anisotropic ones (as real
 * embeddings are: the headline) and the local hashed embedder's sparse ones.
 * For each bot:
 * - cold load: opening the index with an empty cache (head + every segment),
 *   of which the wait on storage (read and decrypt; decrypt alone timed apart on
 *   as many bytes), then making the sign scanners, and the first whole query
 *   after a cold start (all of these again): its bytes read, storage calls and
 *   segment items before the answer (layout 3: each segment object's directory,
 *   meta, sign bits and the query's term buckets by byte range, then the sign pool's
 *   chunk items), the same cold query later in the process (a warm function, the
 *   bot not loaded: 20 of them, p50/p95), recall@10 of the cold dense
 *   path (sign pool of `COLD_POOL`, and of other sizes, rescored exactly) against
 *   an exact scan, and how often its top k equals the warm path's;
 * - warm p50/p95 of the whole `retrieve` (head check, both stages, chunk fetch
 *   for rescoring, fusion), also in-process (minus waits on storage), of the dense
 *   stage (candidate search over the codes) and of the lexical stage (BM25),
 *   timed in turn for each query (each stage on another query than the one
 *   before it), so machine load hits all alike; then apart, for comparison, the
 *   dense stage with its second stage in JavaScript and as it was before sign
 *   bits (one int4 scan of every code);
 *   and the CPU time the process spent in the dense stage, the lexical stage and
 *   the whole `retrieve` (figures the machine's load sways less);
 * - recall@10 of the dense stage with exact rescoring against an exact float32
 *   scan of every vector;
 * - memory held by the opened index, and the machine's load average.
 * Dense bots answer questions through an embedder that returns each question's
 * prepared vector (a stored vector plus noise) under the local embedder's name.
 * Run: npm run bench:retrieval (BENCH_SIZES, BENCH_KINDS to narrow).
 * Writes test/bench/results/retrieval-speed.json, keeping the figures of sizes
 * and kinds a narrowed run did not measure.
 *
 * BENCH_DATA_DIR=<folder> keeps DynamoDB Local's data there and reuses the bots
 * it already holds (by size and kind, listed in bench-bots.json), their texts and
 * vectors made again from the seed: a 100k bot is written once, not every run.
 *
 * BENCH_STORE=memory builds each bot in memory instead (memory-bot.ts: a 100k
 * bot in seconds, not minutes) for the in-process figures: the same stages and
 * recall, no storage waits, cold load as opening only. It writes
 * retrieval-speed-memory.json.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { embedLocally } from '../../lambdas/adapters/models/local-embedder.ts';
import { openIndex } from '../../lambdas/core/bot-index.ts';
import { createBot } from '../../lambdas/core/bots.ts';
import { createAccount } from '../../lambdas/core/accounts.ts';
import { searchDense, searchSigns } from '../../lambdas/core/dense-search.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { segmentCache } from '../../lambdas/core/index-cache.ts';
import { entryOf } from '../../lambdas/core/index-segment.ts';
import { searchLexical } from '../../lambdas/core/lexical-index.ts';
import type { Deps, Embedder } from '../../lambdas/core/ports.ts';
import { CANDIDATES_PER_RESULT, COLD_POOL, COLD_WHOLE_CHUNKS, MIN_CANDIDATES, retrieve } from '../../lambdas/core/retrieval.ts';
import { tenantForMember, type TenantContext } from '../../lambdas/core/tenancy.ts';
import { searchCodes, type Hit } from '../../lambdas/core/vector-codes.ts';
import { embeddingText } from '../../lambdas/core/ingestion.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { memoryBot } from './memory-bot.ts';
import { storeInObjects } from './sections-bot.ts';
import { warmEmulators } from './warm-emulators.ts';
import { startS3rverProcess } from './s3-emulator-process.ts';
import { meteredDeps } from './metered-deps.ts';
import { CHUNKS_PER_DOC, DIMS, replaySyntheticBot, rng, writeSyntheticBot } from './synthetic-bot.ts';
import { denseVectors, queryNear, type DenseKind } from './synthetic-vectors.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const KINDS = (process.env.BENCH_KINDS ?? 'gaussian,anisotropic,local').split(',') as Array<DenseKind | 'local'>;
const QUERIES = 100;
const RECALL_QUERIES = 50;
const K = 5;
const MEMORY = process.env.BENCH_STORE === 'memory';
/** Queries whose cold answer is compared with the warm one, and the sign pools whose cold recall is measured. */
const COLD_COMPARED = MEMORY ? 30 : 20;
const COLD_POOLS = [200, COLD_POOL, 1000, 2000];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (x: number) => Math.round(x * 100) / 100;
const p50p95 = (values: number[]) => ({ p50: ms(percentile(values, 50)), p95: ms(percentile(values, 95)) });
/** CPU milliseconds (user and system, every thread of the process) since `from`. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};
const load = () => Math.round(os.loadavg()[0]! * 100) / 100;

const dotp = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** The k best of `ids` by exact dot product with q. */
const exactTop = (q: Float32Array, vectors: readonly Float32Array[], ids: Iterable<number>, k: number): number[] => {
  const scored: Array<[number, number]> = [];
  for (const i of ids) scored.push([dotp(q, vectors[i]!), i]);
  return scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map(([, i]) => i);
};

const DATA_DIR = process.env.BENCH_DATA_DIR;
// Local S3 (emulator and front door) serves from another process, as S3 from other machines (and DynamoDB Local from its JVM).
const s3Dir = MEMORY ? undefined : DATA_DIR ? path.join(DATA_DIR, 's3') : await fs.mkdtemp(path.join(os.tmpdir(), 'bench-s3-'));
if (s3Dir) await fs.mkdir(s3Dir, { recursive: true });
const s3 = s3Dir ? await startS3rverProcess(s3Dir) : undefined;
const platform = MEMORY ? undefined : await startPlatform({ logLevel: 'error', dataDir: DATA_DIR, s3FrontDoor: s3!.url });
/** Bots already written in DATA_DIR, by `size/kind`. */
interface KeptBot { readonly accountId: string; readonly userId: string; readonly botId: string; readonly docIds: string[] }
const keptFile = DATA_DIR && path.join(DATA_DIR, 'bench-bots.json');
const kept: Record<string, KeptBot> = keptFile ? JSON.parse(await fs.readFile(keptFile, 'utf8').catch(() => '{}')) as Record<string, KeptBot> : {};
const results: Record<string, unknown> = {
  date: new Date().toISOString().slice(0, 10), store: MEMORY ? 'memory' : 'dynamodb-local', dims: DIMS, chunksPerDocument: CHUNKS_PER_DOC, queries: QUERIES, k: K, cpus: os.cpus().length,
};
try {
  /** A bot written through the real storage path into DynamoDB Local. */
  const storedBot = async (size: number, kind: DenseKind | 'local', random: () => number) => {
    const { deps } = platform!;
    const depsWith = (embed: Embedder['embed'], sparse: boolean): Deps => ({ ...deps, embedders: { ...deps.embedders, local: { ...deps.embedders.local, sparse, embed } } });
    const next = kind === 'local' ? undefined : denseVectors(kind, random, DIMS);
    const known = kept[`${size}/${kind}`];
    if (known) {
      const tenant = tenantForMember({ accountId: known.accountId, userId: known.userId, role: 'owner' });
      await storeInObjects(deps, tenant, known.botId);
      return { ...replaySyntheticBot(size, random, next && (() => next())), docIds: known.docIds, tenant, botId: known.botId, depsWith, reused: true };
    }
    const userId = newId();
    const account = await createAccount(deps, { userId, email: `${userId}@bench.example`, emailVerified: true }, { name: 'Bench' });
    const tenant: TenantContext = tenantForMember({ accountId: account.accountId, userId, role: 'owner' });
    const bot = await createBot(deps, tenant, { name: `Bench ${size} ${kind}` }, {});
    const written = await writeSyntheticBot(deps, tenant, bot.botId, size, random, (n) => process.stderr.write(`\r${size} ${kind}: ${n} chunks written`), next && (() => next()));
    if (keptFile) {
      kept[`${size}/${kind}`] = { accountId: account.accountId, userId, botId: bot.botId, docIds: written.docIds };
      await fs.writeFile(keptFile, JSON.stringify(kept));
    }
    return { ...written, tenant, botId: bot.botId, depsWith, reused: false };
  };
  /** The same bot built in memory. */
  const heldBot = async (size: number, kind: DenseKind | 'local', random: () => number) => {
    const next = kind === 'local' ? undefined : denseVectors(kind, random, DIMS);
    const bot = memoryBot(size, random, next);
    return { ...bot, tenant: tenantForMember({ accountId: newId(), userId: newId(), role: 'owner' }), botId: newId(), depsWith: (embed: Embedder['embed'], sparse: boolean) => bot.depsWith({ embed, sparse }), reused: false };
  };
  for (const size of SIZES) {
    for (const kind of KINDS) {
      const random = rng(size + kind.length);
      const writeStart = performance.now();
      const written = await (MEMORY ? heldBot : storedBot)(size, kind, random);
      const { tenant, botId } = written;
      const writeSeconds = (performance.now() - writeStart) / 1000;
      process.stderr.write('\n');
      const { vectors, docIds } = written;
      const docOf = new Map(docIds.map((id, d) => [id, d]));
      // Questions: the first words of random chunks, and for dense bots a vector near that chunk's.
      const picks = Array.from({ length: QUERIES }, () => Math.floor(random() * vectors.length));
      const texts = picks.map((i) => written.texts[i]!.split(' ').slice(0, 8).join(' '));
      const queryVectors = picks.map((i, n) => (kind === 'local' ? embedLocally(embeddingText('', '', texts[n]!), DIMS) : queryNear(vectors[i]!, random)));
      written.texts.length = 0;
      const prepared = new Map(texts.map((t, n) => [t, queryVectors[n]!]));
      const deps = written.depsWith(async (ts) => ts.map((t) => (kind === 'local' ? embedLocally(t, DIMS) : prepared.get(t) ?? embedLocally(t, DIMS))), kind === 'local');
      const io = meteredDeps(deps);

      // Cold: the first whole query after a cold start, before anything else this process reads
      // (as in a fresh function; storage up and running: the emulators warmed by another process);
      // then, nothing cached, opening the whole index.
      if (platform) {
        await warmEmulators({
          dynamodbUrl: platform.dynamodbUrl, s3Url: platform.s3Url, table: platform.table, bucket: platform.bucket,
          pk: `A#${tenant.accountId}#B#${botId}`, prefix: `accounts/${tenant.accountId}/bots/${botId}/index/`,
        });
      }
      const loadBefore = load();
      segmentCache.clear();
      io.take();
      const firstStart = performance.now();
      await retrieve(io.deps, tenant, botId, texts[0]!, K);
      const firstQueryMs = performance.now() - firstStart;
      const coldQuery = io.take();
      // The warm-up the cold query started in the background, waited for before anything else.
      await openIndex(io.deps, tenant, botId);
      io.take();
      segmentCache.clear();
      const rssBefore = process.memoryUsage().rss;
      const coldStart = performance.now();
      const { head, segments } = await openIndex(io.deps, tenant, botId);
      const coldMs = performance.now() - coldStart;
      const coldStorage = io.take();
      let t0 = performance.now();
      for (const s of segments) s.signs();
      const coldSignsMs = performance.now() - t0;
      // What opening the sealed bytes costs, apart from reading them: the same number of bytes sealed and opened.
      let coldDecryptMs: number | undefined;
      if (platform) {
        const sealed = await platform.deps.cipher.seal(tenant, 'vector-page', new Uint8Array(coldStorage.bytes));
        t0 = performance.now();
        await platform.deps.cipher.open(tenant, 'vector-page', sealed);
        coldDecryptMs = performance.now() - t0;
      }
      // Cold answers against warm ones (each after a cold start, its warm-up awaited).
      let sameTop = 0, sameTopOf = 0;
      const coldRepeats: number[] = [], coldRepeatStorage: number[] = [];
      for (let n = 1; n <= COLD_COMPARED; n++) {
        segmentCache.clear();
        io.take();
        const t = performance.now();
        const coldAnswer = await retrieve(io.deps, tenant, botId, texts[n]!, K);
        coldRepeats.push(performance.now() - t);
        coldRepeatStorage.push(io.take().ms);
        await openIndex(io.deps, tenant, botId);
        const warmAnswer = await retrieve(io.deps, tenant, botId, texts[n]!, K);
        const key = (p: { docId: string; start: number; end: number; text: string }) => `${p.docId}#${p.start}#${p.end}#${p.text}`;
        const warmKeys = warmAnswer.map(key);
        sameTop += coldAnswer.filter((p, i) => key(p) === warmKeys[i]).length;
        sameTopOf += Math.max(coldAnswer.length, warmAnswer.length);
      }
      io.take();

      // Warm, each stage in turn for each query.
      const asked = Math.max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * K);
      const codes = segments.map((s) => s.codes);
      const lexicals = segments.map((s) => s.lexical);
      const times = { denseCpu: [] as number[], lexicalCpu: [] as number[], retrieveCpu: [] as number[], dense: [] as number[], denseTableSecondStage: [] as number[], denseInt4Scan: [] as number[], lexical: [] as number[], retrieve: [] as number[], retrieveInProcess: [] as number[] };
      const denseHits: Hit[][] = [];
      const oldHits: Hit[][] = [];
      // Each query in turn: the whole retrieve, then the dense and lexical stages alone on other
      // queries (a third of the list apart), so that no stage finds the CPU caches warmed by the same query.
      const other = (n: number, by: number) => (n + Math.round((by * QUERIES) / 3)) % QUERIES;
      for (let round = 0; round < 2; round++) {
        for (let n = 0; n < QUERIES; n++) {
          let cpu = process.cpuUsage();
          let t = performance.now();
          await retrieve(io.deps, tenant, botId, texts[n]!, K);
          const whole = performance.now() - t;
          const wholeCpu = cpuMs(cpu);
          const waited = io.take().ms;
          const d = other(n, 1);
          cpu = process.cpuUsage();
          t = performance.now();
          const hits = searchDense(segments, queryVectors[d]!, asked);
          const dense = performance.now() - t;
          const denseCpu = cpuMs(cpu);
          cpu = process.cpuUsage();
          t = performance.now();
          searchLexical(lexicals, texts[other(n, 2)]!, asked);
          const lexical = performance.now() - t;
          const lexicalCpu = cpuMs(cpu);
          if (round === 0) continue; // the first round warms up
          times.dense.push(dense);
          times.denseCpu.push(denseCpu);
          times.lexicalCpu.push(lexicalCpu);
          times.retrieveCpu.push(wholeCpu);
          times.lexical.push(lexical);
          times.retrieve.push(whole);
          times.retrieveInProcess.push(whole - waited);
          denseHits[d] = hits;
        }
      }
      // For comparison, apart: the dense stage with its second stage in JavaScript, and one int4 scan of
      // every code (before sign bits). Their sweeps of every code would evict the path above from the caches.
      for (let n = 0; n < QUERIES; n++) {
        const q = queryVectors[n]!;
        let t = performance.now();
        searchDense(segments, q, asked, { kernel: false });
        times.denseTableSecondStage.push(performance.now() - t);
        t = performance.now();
        oldHits[n] = searchCodes(codes, q, asked);
        times.denseInt4Scan.push(performance.now() - t);
      }
      const loadAfter = load();
      const rssAfter = process.memoryUsage().rss;

      // Recall@10 of each dense stage, rescored exactly, against an exact scan of every vector.
      const indexOf = (h: Hit) => {
        const e = entryOf(segments[h.segment]!, h.chunk);
        return docOf.get(e.docId)! * CHUNKS_PER_DOC + e.seq;
      };
      const every = vectors.map((_, i) => i);
      let found = 0, foundOld = 0;
      const foundCold = new Map(COLD_POOLS.map((pool) => [pool, 0]));
      for (let n = 0; n < RECALL_QUERIES; n++) {
        const q = queryVectors[n]!;
        const want = new Set(exactTop(q, vectors, every, 10));
        found += exactTop(q, vectors, denseHits[n]!.map(indexOf), 10).filter((i) => want.has(i)).length;
        foundOld += exactTop(q, vectors, oldHits[n]!.map(indexOf), 10).filter((i) => want.has(i)).length;
        // The cold path: the sign pool (the same bits a cold query reads apart) rescored exactly.
        if (kind === 'local') continue;
        for (const pool of COLD_POOLS) {
          const hits = searchSigns(segments, q, Math.max(asked, pool));
          foundCold.set(pool, foundCold.get(pool)! + exactTop(q, vectors, hits.map(indexOf), 10).filter((i) => want.has(i)).length);
        }
      }
      vectors.length = 0;

      const figures = {
        chunks: size,
        vectors: kind,
        // For a bot kept from an earlier run: the seconds to make its texts and vectors again.
        writeSeconds: ms(writeSeconds),
        reusedStoredBot: written.reused,
        segments: head.segments.length,
        coldLoadMs: ms(coldMs),
        coldStorageMs: ms(coldStorage.ms),
        ...(coldDecryptMs === undefined ? {} : { coldDecryptMs: ms(coldDecryptMs) }),
        coldSignScannersMs: ms(coldSignsMs),
        coldFirstQueryMs: ms(firstQueryMs),
        coldFirstQueryStorageMs: ms(coldQuery.ms),
        bytesReadFirstQuery: coldQuery.bytes,
        // Calls to the index, chunk and document stores, and segment items (350 KB each at most) among them.
        bytesReadFirstQueryBySection: coldQuery.bytesBySection,
        storageCallsFirstQuery: coldQuery.calls,
        segmentItemsFirstQuery: coldQuery.segmentItems,
        segmentLayout: head.segments.every((r) => r.object) ? 3 : head.segments.every((r) => r.sections) ? 2 : 1,
        // How a cold query reads: whole (sparse queries, small bots) or by sign bits first, then its
        // pool of sign candidates and the recall@10 of that pool rescored exactly (for sign reads only).
        coldRead: kind === 'local' || size <= COLD_WHOLE_CHUNKS ? 'whole' : 'signs',
        coldPool: COLD_POOL,
        ...(kind === 'local' || size <= COLD_WHOLE_CHUNKS ? {} : {
          recallAt10Cold: foundCold.get(COLD_POOL)! / (RECALL_QUERIES * 10),
          recallAt10ColdByPool: Object.fromEntries([...foundCold].map(([pool, f]) => [pool, f / (RECALL_QUERIES * 10)])),
        }),
        coldTopKSameAsWarm: sameTopOf === 0 ? 1 : sameTop / sameTopOf,
        // The cold queries compared: each after the cache was cleared, later in the same process.
        coldQueryAgainMs: p50p95(coldRepeats),
        coldQueryAgainStorageMs: p50p95(coldRepeatStorage),
        indexBytesInMemory: segments.reduce((sum, s) => sum + s.bytes, 0),
        rssGrowthMB: Math.round((rssAfter - rssBefore) / 1e6),
        denseStageMs: p50p95(times.dense),
        denseStageTableSecondStageMs: p50p95(times.denseTableSecondStage),
        denseStageInt4ScanMs: p50p95(times.denseInt4Scan),
        lexicalStageMs: p50p95(times.lexical),
        retrieveMs: p50p95(times.retrieve),
        retrieveInProcessMs: p50p95(times.retrieveInProcess),
        // CPU time of this process (all its threads) over the same calls: less at the mercy of the machine's load than wall time.
        denseStageCpuMs: p50p95(times.denseCpu),
        lexicalStageCpuMs: p50p95(times.lexicalCpu),
        retrieveCpuMs: p50p95(times.retrieveCpu),
        recallAt10Dense: found / (RECALL_QUERIES * 10),
        recallAt10DenseInt4Scan: foundOld / (RECALL_QUERIES * 10),
        loadAverage: { before: loadBefore, after: loadAfter },
      };
      results[`${size}/${kind}`] = figures;
      process.stderr.write(`${JSON.stringify(figures)}\n`);
      segmentCache.clear();
    }
  }
  const file = path.join(import.meta.dirname, 'results', MEMORY ? 'retrieval-speed-memory.json' : 'retrieval-speed.json');
  // Figures of the same store from earlier runs stay unless measured again (BENCH_SIZES, BENCH_KINDS narrow a run).
  const earlier = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  const merged = earlier.store === results.store ? { ...earlier, ...results } : results;
  await fs.writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(JSON.stringify(results));
} finally {
  await platform?.stop();
  await s3?.stop();
  if (s3Dir && !DATA_DIR) await fs.rm(s3Dir, { recursive: true, force: true });
}
