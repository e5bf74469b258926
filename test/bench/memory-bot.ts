/**
 * A synthetic bot held in memory, for the in-process mode of the retrieval
 * benchmark: segments built and merged as compaction would (tiers of
 * `MERGE_FACTOR`), chunks in a map, and just the storage `retrieve` reads
 * (index head and segments, chunk items, document names), so a 100k-chunk bot
 * is ready in seconds instead of the minutes DynamoDB Local takes to write it.
 * Storage waits are absent: its figures are the in-process cost.
 */
import { buildSegment, mergeSegments, openSegment } from '../../lambdas/core/index-segment.ts';
import { MERGE_FACTOR } from '../../lambdas/core/limits.ts';
import { sectionsOf } from '../../lambdas/core/segment-sections.ts';
import { embeddingText } from '../../lambdas/core/ingestion.ts';
import { embedLocally } from '../../lambdas/adapters/models/local-embedder.ts';
import type { Chunk, IndexHead, SegmentRef } from '../../lambdas/core/records.ts';
import type { ChunkKey, Deps, Embedder } from '../../lambdas/core/ports.ts';
import { CHUNKS_PER_DOC, DIMS, passage } from './synthetic-bot.ts';

export const MEMORY_MODEL = 'bench-memory';

const chunkKey = (k: ChunkKey) => `${k.docId}#${k.run}#${k.seq}`;

/**
 * Builds a bot of `size` chunks (texts and vectors made as `writeSyntheticBot` makes them)
 * and returns deps whose index, chunks and documents serve it; `embedder` answers questions.
 */
export const memoryBot = (size: number, random: () => number, vectorOf?: () => Float32Array) => {
  const texts: string[] = [];
  const vectors: Float32Array[] = [];
  const docIds: string[] = [];
  const chunks = new Map<string, Chunk>();
  const embeddedWith = `${MEMORY_MODEL}@${DIMS}`;
  let tier: Array<{ ref: SegmentRef; bytes: Uint8Array }> = [];
  const tiers: Array<Array<{ ref: SegmentRef; bytes: Uint8Array }>> = [tier];
  let ids = 0;
  const add = (level: number, ref: SegmentRef, bytes: Uint8Array) => {
    const list = (tiers[level] ??= []);
    list.push({ ref, bytes });
    if (list.length < MERGE_FACTOR) return;
    const opened = list.map((s) => openSegment(s.ref, s.bytes));
    const merged = mergeSegments(opened, () => true);
    tiers[level] = [];
    add(level + 1, { id: `M${ids++}`, parts: 1, chunks: merged.chunks, embeddedWith }, merged.bytes);
  };
  for (let d = 0; d * CHUNKS_PER_DOC < size; d++) {
    const docId = `D${d}`, run = `R${d}`;
    docIds.push(docId);
    const count = Math.min(CHUNKS_PER_DOC, size - d * CHUNKS_PER_DOC);
    const docChunks: Chunk[] = Array.from({ length: count }, (_, seq) => {
      const text = passage(random);
      const vector = vectorOf ? vectorOf() : embedLocally(embeddingText(`doc-${d}`, '', text), DIMS);
      texts.push(text);
      vectors.push(vector);
      return { docId, run, seq, text, section: '', start: 0, end: text.length, vector };
    });
    for (const c of docChunks) chunks.set(chunkKey(c), c);
    const bytes = buildSegment(docChunks, docChunks.map((c) => c.vector), docChunks.map((c) => embeddingText(`doc-${d}`, '', c.text)));
    add(0, { id: run, parts: 1, chunks: count, embeddedWith }, bytes);
  }
  tier = tiers.flat().reverse();
  // Stored as storeSegment stores them (layout 2, in sections), so that a cold query reads only some.
  const sectionsById = new Map<string, Map<string, Uint8Array>>();
  const refs = tier.map((s) => {
    const { sections, buckets } = sectionsOf(s.bytes);
    sectionsById.set(s.ref.id, sections);
    return { ...s.ref, parts: 0, sections: { meta: 1, signs: 1, codes: 1 }, buckets };
  });
  const head: IndexHead = { generation: 1, segments: refs, dead: new Map(), documents: docIds.length, chunks: size };
  const depsWith = (embedder: Omit<Embedder, 'model' | 'dimensions'>): Deps => ({
    index: {
      getGeneration: async () => head.generation,
      getHeadAt: async () => head,
      getHead: async () => head,
      getSections: async (_t: unknown, _b: unknown, ref: SegmentRef, names: readonly string[]) =>
        new Map(names.map((name) => [name, sectionsById.get(ref.id)!.get(name)!])),
    },
    chunks: { getMany: async (_t: unknown, _b: unknown, keys: readonly ChunkKey[]) => keys.flatMap((k) => chunks.get(chunkKey(k)) ?? []) },
    documents: { list: async () => docIds.map((docId, d) => ({ docId, name: `doc-${d}.md`, source: 'text' })) },
    embedders: { local: { model: MEMORY_MODEL, dimensions: DIMS, sparse: embedder.sparse, embed: embedder.embed } },
  }) as unknown as Deps;
  return { texts, vectors, docIds, head, depsWith };
};
