/**
 * Synthetic bots for benchmarks: documents of Zipf-distributed words written
 * through the real storage path (sealed chunk items, index segments, head
 * commits, compaction), without parsing, so a 100k-chunk bot takes minutes.
 */
import { embedLocally } from '../../lambdas/adapters/models/local-embedder.ts';
import { publishRun } from '../../lambdas/core/bot-index.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { buildSegment } from '../../lambdas/core/index-segment.ts';
import { embeddingText } from '../../lambdas/core/ingestion.ts';
import type { Chunk } from '../../lambdas/core/records.ts';
import type { Deps } from '../../lambdas/core/ports.ts';
import type { TenantContext } from '../../lambdas/core/tenancy.ts';

export const DIMS = 512;
export const CHUNKS_PER_DOC = 1_000;

/** A seeded generator, so every run measures the same data. */
export const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

/** Text from a Zipf-distributed vocabulary of 20,000 words: realistic term statistics. */
const VOCAB = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
const zipf = (random: () => number) => VOCAB[Math.min(VOCAB.length - 1, Math.floor(Math.exp(random() * Math.log(VOCAB.length)) - 1))]!;
export const passage = (random: () => number, words = 180) => Array.from({ length: words }, () => zipf(random)).join(' ');

/**
 * Writes `size` chunks into the bot, a document of 1,000 at a time; returns their texts and vectors.
 * Vectors come from the local embedder unless `vectorOf` makes them (dense synthetic embeddings,
 * stored under the local embedder's name so that the index reads as any other).
 */
export const writeSyntheticBot = async (
  deps: Deps,
  tenant: TenantContext,
  botId: string,
  size: number,
  random: () => number,
  onProgress?: (written: number) => void,
  vectorOf?: (text: string, n: number) => Float32Array,
): Promise<{ texts: string[]; vectors: Float32Array[]; docIds: string[] }> => {
  const texts: string[] = [];
  const docIds: string[] = [];
  const vectors: Float32Array[] = [];
  const embeddedWith = `${deps.embedders.local.model}@${DIMS}`;
  for (let d = 0; d * CHUNKS_PER_DOC < size; d++) {
    const docId = newId();
    docIds.push(docId);
    const run = newId();
    const count = Math.min(CHUNKS_PER_DOC, size - d * CHUNKS_PER_DOC);
    const now = new Date().toISOString();
    await deps.documents.create(tenant, {
      docId, botId, name: `doc-${d}.md`, contentType: 'text/markdown', source: 'text', size: 1, status: 'processing',
      chunkCount: 0, objectName: `doc-${d}.md`, createdAt: now, updatedAt: now,
    });
    const chunks: Chunk[] = Array.from({ length: count }, (_, seq) => {
      const text = passage(random);
      const vector = vectorOf ? vectorOf(text, vectors.length) : embedLocally(embeddingText(`doc-${d}`, '', text), DIMS);
      texts.push(text);
      vectors.push(vector);
      return { docId, run, seq, text, section: '', start: 0, end: text.length, vector };
    });
    await deps.chunks.put(tenant, botId, chunks);
    await publishRun(deps, tenant, botId, {
      docId, run, chunks: count, embeddedWith,
      segment: buildSegment(chunks, chunks.map((c) => c.vector), chunks.map((c) => embeddingText(`doc-${d}`, '', c.text))),
      patch: { status: 'ready', chunkCount: count, indexedRun: run, embeddedWith },
      previous: null,
    });
    onProgress?.(Math.min(size, (d + 1) * CHUNKS_PER_DOC));
  }
  return { texts, vectors, docIds };
};

/**
 * The texts and vectors `writeSyntheticBot` writes for the same `random` state, made
 * again without writing: for a bot already stored (a benchmark's kept DynamoDB Local folder).
 */
export const replaySyntheticBot = (
  size: number,
  random: () => number,
  vectorOf?: (text: string, n: number) => Float32Array,
): { texts: string[]; vectors: Float32Array[] } => {
  const texts: string[] = [];
  const vectors: Float32Array[] = [];
  for (let d = 0; d * CHUNKS_PER_DOC < size; d++) {
    const count = Math.min(CHUNKS_PER_DOC, size - d * CHUNKS_PER_DOC);
    for (let seq = 0; seq < count; seq++) {
      const text = passage(random);
      texts.push(text);
      vectors.push(vectorOf ? vectorOf(text, vectors.length) : embedLocally(embeddingText(`doc-${d}`, '', text), DIMS));
    }
  }
  return { texts, vectors };
};
