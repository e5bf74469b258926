/**
 * Deps whose storage reads are timed and sized, for benchmarks: what a query reads
 * (sealed bytes as stored, approximately: vectors at 4 bytes a dimension, text at
 * its UTF-8 length, the index pointer and heads at their item size) and how long
 * it waits for them.
 */
import { SEGMENT_PART_BYTES } from '../../lambdas/adapters/dynamo/index-repo.ts';
import type { Deps } from '../../lambdas/core/ports.ts';

export const meteredDeps = (deps: Deps) => {
  let msSpent = 0, bytes = 0;
  // Reads in parallel wait together: time counts while at least one is in flight, not once per read.
  let inFlight = 0, since = 0;
  const state = { chunkReads: 0, segmentItems: 0, calls: 0, sectionBytes: {} as Record<string, number>, chunkBytes: 0 };
  const timed = async <T>(work: Promise<T>, size: (out: T) => number): Promise<T> => {
    state.calls++;
    if (inFlight++ === 0) since = performance.now();
    try {
      const out = await work;
      bytes += size(out);
      return out;
    } finally {
      if (--inFlight === 0) msSpent += performance.now() - since;
    }
  };
  const wrapped: Deps = {
    ...deps,
    index: {
      ...deps.index,
      getGeneration: (tenant, botId) => timed(deps.index.getGeneration(tenant, botId), () => 64),
      getHeadAt: (tenant, botId, g) => timed(deps.index.getHeadAt(tenant, botId, g), (h) => 200 + 120 * (h?.segments.length ?? 0) + 23 * (h?.dead.size ?? 0)),
      getSegment: (tenant, botId, ref) => timed(deps.index.getSegment(tenant, botId, ref), (b) => {
        state.segmentItems += ref.parts;
        return b.byteLength;
      }),
      getSections: (tenant, botId, ref, names) => timed(deps.index.getSections(tenant, botId, ref, names), (got) => {
        let size = 0;
        for (const [name, b] of got) {
          size += b.byteLength;
          const kind = name.replace(/-\d+$/, '');
          state.sectionBytes[kind] = (state.sectionBytes[kind] ?? 0) + b.byteLength;
          // Items of 350 KB of sealed bytes each: what the repository reads them in (layout 2; none from an object).
          if (!ref.object) state.segmentItems += Math.max(1, Math.ceil(b.byteLength / SEGMENT_PART_BYTES));
        }
        return size;
      }),
    },
    chunks: {
      ...deps.chunks,
      getMany: (tenant, botId, keys) => timed(deps.chunks.getMany(tenant, botId, keys), (chunks) => {
        state.chunkReads += chunks.length;
        const size = chunks.reduce((sum, c) => sum + 4 * c.vector.length + Buffer.byteLength(c.text) + 100, 0);
        state.chunkBytes += size;
        return size;
      }),
    },
    documents: {
      ...deps.documents,
      list: (tenant, botId) => timed(deps.documents.list(tenant, botId), (docs) => 200 * docs.length),
    },
  };
  return {
    deps: wrapped,
    get chunkReads() {
      return state.chunkReads;
    },
    /** Time waited, bytes read (and by segment section, and chunk items), storage calls made and segment items read since the last call. */
    take() {
      const out = { ms: msSpent, bytes, calls: state.calls, segmentItems: state.segmentItems, bytesBySection: { ...state.sectionBytes, chunkItems: state.chunkBytes } };
      state.sectionBytes = {};
      state.chunkBytes = 0;
      msSpent = 0;
      bytes = 0;
      state.calls = 0;
      state.segmentItems = 0;
      return out;
    },
  };
};
