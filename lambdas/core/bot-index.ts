/**
 * A bot's search index: immutable segments holding the search entries of
 * document runs, and the runs whose entries no longer answer (superseded or
 * withdrawn) until compaction drops them. The head's size grows with segments
 * and such dead runs, not with documents, so a change costs the same in a bot of
 * ten documents or eight thousand. Every change is one transaction that moves the
 * head from the generation it read to the next and changes the document record
 * with it (conditional on the run the record names), so a document becomes
 * visible or invisible exactly when its record says so, all at once. Concurrent
 * changes retry on a fresh head.
 */
import { newId } from './ids.ts';
import { segmentCache } from './index-cache.ts';
import { mergeSegments, openSegment, type OpenedSegment, type SearchSegment } from './index-segment.ts';
import { bucketsForQuery, coldSegment, openMeta, openSections, SECTION, sectionsOf } from './segment-sections.ts';
import { MAX_DEAD_RUNS, MERGE_FACTOR } from './limits.ts';
import type { DeadRun, IndexHead, SegmentRef } from './records.ts';
import type { Deps, DocumentChange, DocumentPatch } from './ports.ts';
import type { TenantContext } from './tenancy.ts';

const MAX_COMMIT_ATTEMPTS = 30;

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 6)));

type Outcome = 'ok' | 'document';

/** The run a document answers from now, as its record says: what a change supersedes. */
export interface AnsweringRun extends DeadRun {
  readonly run: string;
}

type HeadChange = Omit<IndexHead, 'generation'>;

/**
 * Applies `change` to the head (fresh on every attempt) and commits it with the
 * document change. Returns the heads before and after, or `document` when the
 * document's condition failed, or `abandoned` when `change` gave up.
 */
const commitWith = async (
  deps: Pick<Deps, 'index'>,
  tenant: TenantContext,
  botId: string,
  change: (head: IndexHead) => HeadChange | null,
  document?: DocumentChange,
): Promise<{ outcome: 'ok'; before: IndexHead; after: IndexHead } | { outcome: 'document' | 'abandoned' }> => {
  for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
    const head = await deps.index.getHead(tenant, botId);
    const changed = change(head);
    if (!changed) return { outcome: 'abandoned' };
    const next: IndexHead = { ...changed, generation: head.generation + 1 };
    const result = await deps.index.commit(tenant, botId, head.generation, next, document);
    if (result === 'ok') return { outcome: 'ok', before: head, after: next };
    if (result === 'document') return { outcome: 'document' };
    await pause(attempt);
  }
  throw new Error(`The index of bot ${botId} is too busy: ${MAX_COMMIT_ATTEMPTS} attempts to update it lost the race`);
};

/**
 * The head without `previous`: its own segment goes if it has one (a run's first
 * segment is named after it); otherwise its entries sit in a merged segment and it
 * is marked dead until compaction.
 */
const without = (head: IndexHead, previous: AnsweringRun | null): HeadChange => {
  if (!previous) return { segments: head.segments, dead: head.dead, documents: head.documents, chunks: head.chunks };
  const own = head.segments.some((s) => s.id === previous.run);
  const dead = new Map(head.dead);
  if (!own) dead.set(previous.run, { chunks: previous.chunks, embeddedWith: previous.embeddedWith });
  return {
    segments: own ? head.segments.filter((s) => s.id !== previous.run) : head.segments,
    dead,
    documents: head.documents - 1,
    chunks: head.chunks - previous.chunks,
  };
};

const dropSegments = async (deps: Pick<Deps, 'index'>, tenant: TenantContext, botId: string, before: IndexHead, after: IndexHead) => {
  const kept = new Set(after.segments.map((s) => s.id));
  await Promise.all(before.segments.filter((s) => !kept.has(s.id)).map((s) => deps.index.deleteSegment(tenant, botId, s)));
};

/**
 * Publishes a document's new run: stores its segment, then in one transaction
 * makes the run the document's answering one and applies `patch` to its record,
 * if the record still names `previous` as its run. `previous` stops answering.
 */
export const publishRun = async (
  deps: Pick<Deps, 'clock' | 'index'>,
  tenant: TenantContext,
  botId: string,
  input: { docId: string; run: string; chunks: number; embeddedWith: string; segment: Uint8Array; patch: DocumentPatch; previous: AnsweringRun | null },
): Promise<Outcome> => {
  const ref = await storeSegment(deps, tenant, botId, input.run, input.segment, input.embeddedWith);
  const result = await commitWith(deps, tenant, botId, (head) => {
    const rest = without(head, input.previous);
    return { ...rest, segments: [...rest.segments, ref], documents: rest.documents + 1, chunks: rest.chunks + input.chunks };
  }, { docId: input.docId, patch: input.patch, ifIndexedRun: input.previous?.run ?? null });
  if (result.outcome !== 'ok') {
    await deps.index.deleteSegment(tenant, botId, ref);
    return 'document';
  }
  await dropSegments(deps, tenant, botId, result.before, result.after);
  await compactIndex(deps, tenant, botId, result.after);
  return 'ok';
};

/**
 * Stops a document answering: removes its run `previous` from the index and, in
 * the same transaction, patches its record (`patch`) or deletes it (no patch), if
 * the record still names `previous`.
 */
export const withdrawDocument = async (
  deps: Pick<Deps, 'clock' | 'index'>,
  tenant: TenantContext,
  botId: string,
  docId: string,
  previous: AnsweringRun | null,
  patch?: DocumentPatch,
): Promise<Outcome> => {
  const ifIndexedRun = previous?.run ?? null;
  const result = await commitWith(deps, tenant, botId, (head) => without(head, previous),
    patch ? { docId, patch, ifIndexedRun } : { docId, delete: true, ifIndexedRun });
  if (result.outcome !== 'ok') return 'document';
  await dropSegments(deps, tenant, botId, result.before, result.after);
  await compactIndex(deps, tenant, botId, result.after);
  return 'ok';
};

/** Dead entries, as a share of a model's stored entries, past which its segments are merged whole. */
const MAX_DEAD_SHARE = 0.3;

/** A segment's size tier: segments within a factor of `MERGE_FACTOR` of each other share one. */
const tierOf = (chunks: number) => Math.floor(Math.log(Math.max(1, chunks)) / Math.log(MERGE_FACTOR));

/**
 * Which segments of one embedding to merge, if any: all of them once too many of
 * their entries (or too many runs) are dead; else the segments of the smallest
 * size tier that holds `MERGE_FACTOR` of them (tiered merging: each entry is
 * rewritten about once per tier, so writing n chunks costs O(n log n), and a bot
 * keeps at most `MERGE_FACTOR - 1` segments a tier).
 */
export const segmentsToMerge = (head: IndexHead, model: string): SegmentRef[] => {
  const group = head.segments.filter((s) => s.embeddedWith === model);
  if (group.length === 0) return [];
  const stored = group.reduce((sum, s) => sum + s.chunks, 0);
  const deadRuns = [...head.dead.values()].filter((d) => d.embeddedWith === model);
  const deadChunks = deadRuns.reduce((sum, d) => sum + d.chunks, 0);
  if (deadRuns.length > 0 && (deadChunks > MAX_DEAD_SHARE * stored || deadRuns.length > MAX_DEAD_RUNS)) return group;
  const tiers = new Map<number, SegmentRef[]>();
  for (const s of group) tiers.set(tierOf(s.chunks), [...(tiers.get(tierOf(s.chunks)) ?? []), s]);
  const full = [...tiers.entries()].filter(([, segs]) => segs.length >= MERGE_FACTOR).sort(([a], [b]) => a - b)[0];
  return full?.[1] ?? [];
};

/**
 * Merges segments when there are too many, or too much of them is dead: the live
 * entries of the chosen segments become one new segment, switched in with one
 * head write if those segments are all still there; the dead runs it dropped are
 * forgotten in the same write.
 */
export const compactIndex = async (deps: Pick<Deps, 'clock' | 'index'>, tenant: TenantContext, botId: string, start: IndexHead): Promise<void> => {
  let head = start;
  // A merge can fill the next tier up: go on until no tier is full (a few rounds at most).
  for (let round = 0; round < 8; round++) {
    const model = [...new Set(head.segments.map((s) => s.embeddedWith))].find((m) => segmentsToMerge(head, m).length > 0);
    if (model === undefined) return;
    const chosen = segmentsToMerge(head, model);
    const opened = await Promise.all(chosen.map((ref) => loadSegment(deps, tenant, botId, ref)));
    const dropped = new Set(opened.flatMap((seg) => seg.runs.map((r) => r.run)).filter((run) => head.dead.has(run)));
    const merged = mergeSegments(opened, (_docId, run) => !dropped.has(run));
    const ref = await storeSegment(deps, tenant, botId, newId(deps.clock.now().getTime()), merged.bytes, model);
    const ids = new Set(chosen.map((s) => s.id));
    const result = await commitWith(deps, tenant, botId, (current) => {
      // Another change removed one of them (its run was superseded): leave it to the next compaction.
      if (current.segments.filter((s) => ids.has(s.id)).length !== ids.size) return null;
      const at = current.segments.findIndex((s) => ids.has(s.id));
      const rest = current.segments.filter((s) => !ids.has(s.id));
      const dead = new Map([...current.dead].filter(([run]) => !dropped.has(run)));
      return { ...current, segments: [...rest.slice(0, at), ref, ...rest.slice(at)], dead };
    });
    if (result.outcome !== 'ok') {
      await deps.index.deleteSegment(tenant, botId, ref);
      return;
    }
    await dropSegments(deps, tenant, botId, result.before, result.after);
    head = result.after;
  }
};

/** Stores packed segment bytes (as built or merged) in sections (layout 3, or 2 without an object store); its reference for the head. */
export const storeSegment = async (deps: Pick<Deps, 'index'>, tenant: TenantContext, botId: string, id: string, bytes: Uint8Array, embeddedWith: string): Promise<SegmentRef> => {
  const { sections, buckets, chunks } = sectionsOf(bytes);
  const stored = await deps.index.putSections(tenant, botId, id, sections);
  const parts = stored.sections;
  const fixed = { [SECTION.meta]: parts[SECTION.meta]!, [SECTION.signs]: parts[SECTION.signs]!, [SECTION.codes]: parts[SECTION.codes]! };
  return { id, parts: 0, chunks, embeddedWith, sections: fixed, buckets, ...(stored.object ? { object: stored.object } : {}) };
};

const bucketMap = (got: ReadonlyMap<string, Uint8Array>, buckets: readonly number[]) => new Map(buckets.map((b) => [b, got.get(SECTION.bucket(b))!]));

/** A segment read whole: layout 1 in one blob, layout 2 as meta, codes and every term bucket. */
const readSegment = async (deps: Pick<Deps, 'index'>, tenant: TenantContext, botId: string, ref: SegmentRef): Promise<OpenedSegment> => {
  if (!ref.sections) return openSegment(ref, await deps.index.getSegment(tenant, botId, ref));
  const buckets = Array.from({ length: ref.buckets ?? 0 }, (_, b) => b);
  const got = await deps.index.getSections(tenant, botId, ref, [SECTION.meta, SECTION.codes, ...buckets.map(SECTION.bucket)]);
  return openSections(ref, openMeta(ref, got.get(SECTION.meta)!), got.get(SECTION.codes)!, bucketMap(got, buckets));
};

/** Whole segments being read, by cache key: a query and a warm-up in the background share one read. */
const reading = new Map<string, Promise<OpenedSegment>>();

const loadSegment = async (deps: Pick<Deps, 'index'>, tenant: TenantContext, botId: string, ref: SegmentRef): Promise<OpenedSegment> => {
  const key = `${tenant.accountId}/${botId}/${ref.id}`;
  const hit = segmentCache.get(key);
  if (hit) return hit;
  let pending = reading.get(key);
  if (!pending) {
    pending = readSegment(deps, tenant, botId, ref).then((opened) => {
      segmentCache.set(key, opened);
      return opened;
    }).finally(() => reading.delete(key));
    reading.set(key, pending);
  }
  return pending;
};

/** The sections a cold query needs of a layout 2 segment: meta, sign bits and the buckets of its terms. */
const readCold = async (deps: Pick<Deps, 'index'>, tenant: TenantContext, botId: string, ref: SegmentRef, query: string): Promise<SearchSegment> => {
  const buckets = bucketsForQuery(query, ref.buckets ?? 0);
  const got = await deps.index.getSections(tenant, botId, ref, [SECTION.meta, SECTION.signs, ...buckets.map(SECTION.bucket)]);
  return coldSegment(ref, openMeta(ref, got.get(SECTION.meta)!), got.get(SECTION.signs)!, bucketMap(got, buckets));
};

/** Heads by bot, for warm queries: a head is immutable for its generation, and small. */
const heads = new Map<string, IndexHead>();
const HEAD_CACHE_BOTS = 2_000;

/**
 * A bot's index opened for search: one small read of the generation in force,
 * then its head and each of its segments from the warm cache or storage.
 */
export const openIndex = async (deps: Pick<Deps, 'index'>, tenant: TenantContext, botId: string): Promise<{ head: IndexHead; segments: OpenedSegment[] }> => {
  const head = await headInForce(deps, tenant, botId);
  return { head, segments: await Promise.all(head.segments.map((ref) => loadSegment(deps, tenant, botId, ref))) };
};

/**
 * The segments of head `head` opened for one query: from the warm cache (or layout 1, read
 * whole) as they are, and layout 2 segments not cached with only what a cold query
 * needs (`readCold`: no codes). `whole` reads them all whole (once, shared with any
 * other query asking), for a query that needs the codes, or to warm up in the background.
 */
export const openIndexForQuery = async (
  deps: Pick<Deps, 'index'>,
  tenant: TenantContext,
  botId: string,
  head: IndexHead,
  query: string,
  /** Whether a segment of this embedding may be read cold: not when the query's vector is sparse, as sign bits say nothing of it. */
  coldFits: (embeddedWith: string) => boolean = () => true,
): Promise<{ segments: SearchSegment[]; whole(): Promise<OpenedSegment[]> }> => {
  const segments = await Promise.all(head.segments.map(async (ref): Promise<SearchSegment> => {
    const hit = segmentCache.get(`${tenant.accountId}/${botId}/${ref.id}`);
    if (hit) return hit;
    return ref.sections && coldFits(ref.embeddedWith) ? readCold(deps, tenant, botId, ref, query) : loadSegment(deps, tenant, botId, ref);
  }));
  return { segments, whole: () => Promise.all(head.segments.map((ref) => loadSegment(deps, tenant, botId, ref))) };
};

/** The head in force: one small read of the generation, the head itself from the cache if it is that one. */
export const headInForce = async (deps: Pick<Deps, 'index'>, tenant: TenantContext, botId: string): Promise<IndexHead> => {
  const key = `${tenant.accountId}/${botId}`;
  const generation = await deps.index.getGeneration(tenant, botId);
  let head = heads.get(key);
  if (head?.generation !== generation) {
    // Null when two commits landed since the generation was read: read both afresh.
    head = (await deps.index.getHeadAt(tenant, botId, generation)) ?? (await deps.index.getHead(tenant, botId));
  }
  heads.delete(key);
  heads.set(key, head);
  if (heads.size > HEAD_CACHE_BOTS) heads.delete(heads.keys().next().value!);
  return head;
};

/** The run a document record says answers, if any. */
export const answeringRun = (doc: { indexedRun?: string | undefined; chunkCount: number; embeddedWith?: string | undefined }): AnsweringRun | null =>
  doc.indexedRun ? { run: doc.indexedRun, chunks: doc.chunkCount, embeddedWith: doc.embeddedWith ?? '' } : null;
