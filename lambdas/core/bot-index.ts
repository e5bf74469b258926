/**
 * A bot's search index: which document runs answer, and the segments that hold
 * their search entries. Every change is one transaction that moves the head
 * from the generation it read to the next and changes the document record with
 * it, so a document becomes visible (or invisible) exactly when its record says
 * so, all at once. Concurrent changes retry on a fresh head.
 */
import { newId } from './ids.ts';
import { segmentCache } from './index-cache.ts';
import { mergeSegments, openSegment, type OpenedSegment } from './index-segment.ts';
import { MAX_INDEX_SEGMENTS } from './limits.ts';
import type { IndexHead, LiveRun, SegmentRef } from './model.ts';
import type { Deps, DocumentChange, DocumentPatch } from './ports.ts';
import type { TenantContext } from './tenancy.ts';

const MAX_COMMIT_ATTEMPTS = 20;

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 6)));

type Outcome = 'ok' | 'document';

/**
 * Applies `change` to the head (fresh on every attempt) and commits it with the
 * document change. Returns the head committed, or `document` when the
 * document's condition failed.
 */
const commitWith = async (
  deps: Deps,
  tenant: TenantContext,
  botId: string,
  change: (head: IndexHead) => { segments: readonly SegmentRef[]; live: ReadonlyMap<string, LiveRun> } | null,
  document?: DocumentChange,
): Promise<{ outcome: 'ok'; before: IndexHead; after: IndexHead } | { outcome: 'document' | 'abandoned' }> => {
  for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
    const head = await deps.index.getHead(tenant, botId);
    const changed = change(head);
    if (!changed) return { outcome: 'abandoned' };
    const next: IndexHead = { generation: head.generation + 1, ...changed };
    const result = await deps.index.commit(tenant, botId, head.generation, next, document);
    if (result === 'ok') return { outcome: 'ok', before: head, after: next };
    if (result === 'document') return { outcome: 'document' };
    await pause(attempt);
  }
  throw new Error(`The index of bot ${botId} is too busy: ${MAX_COMMIT_ATTEMPTS} attempts to update it lost the race`);
};

/** Segments that held only `run` (their id is the run's) and are no longer needed once it stops answering. */
const withoutRunSegment = (segments: readonly SegmentRef[], run: string | undefined) =>
  run ? segments.filter((s) => s.id !== run) : segments;

const dropSegments = async (deps: Deps, tenant: TenantContext, botId: string, before: IndexHead, after: IndexHead) => {
  const kept = new Set(after.segments.map((s) => s.id));
  await Promise.all(before.segments.filter((s) => !kept.has(s.id)).map((s) => deps.index.deleteSegment(tenant, botId, s)));
};

/**
 * Publishes a document's new run: stores its segment, then in one transaction
 * makes the run the document's answering one and applies `patch` to its record
 * (if its indexed run is still `ifIndexedRun`). The previous run's own segment goes.
 */
export const publishRun = async (
  deps: Deps,
  tenant: TenantContext,
  botId: string,
  input: { docId: string; run: string; chunks: number; embeddedWith: string; segment: Uint8Array; patch: DocumentPatch; ifIndexedRun: string | null },
): Promise<Outcome> => {
  const parts = await deps.index.putSegment(tenant, botId, input.run, input.segment);
  const ref: SegmentRef = { id: input.run, parts, chunks: input.chunks, embeddedWith: input.embeddedWith };
  const result = await commitWith(deps, tenant, botId, (head) => {
    const live = new Map(head.live);
    const previous = live.get(input.docId)?.run;
    live.set(input.docId, { run: input.run, chunks: input.chunks });
    return { segments: [...withoutRunSegment(head.segments, previous), ref], live };
  }, { docId: input.docId, patch: input.patch, ifIndexedRun: input.ifIndexedRun });
  if (result.outcome !== 'ok') {
    await deps.index.deleteSegment(tenant, botId, ref);
    return 'document';
  }
  await dropSegments(deps, tenant, botId, result.before, result.after);
  await compactIndex(deps, tenant, botId, result.after);
  return 'ok';
};

/**
 * Stops a document answering: removes it from the index and, in the same
 * transaction, patches its record (`patch`) or deletes it (`patch` omitted).
 */
export const withdrawDocument = async (
  deps: Deps,
  tenant: TenantContext,
  botId: string,
  docId: string,
  record: { patch: DocumentPatch; ifIndexedRun: string | null } | 'delete',
): Promise<Outcome> => {
  const result = await commitWith(deps, tenant, botId, (head) => {
    const live = new Map(head.live);
    const previous = live.get(docId)?.run;
    live.delete(docId);
    return { segments: withoutRunSegment(head.segments, previous), live };
  }, record === 'delete' ? { docId, delete: true } : { docId, ...record });
  if (result.outcome !== 'ok') return 'document';
  await dropSegments(deps, tenant, botId, result.before, result.after);
  return 'ok';
};

/** Superseded entries, as a share of all stored entries, past which a model's segments are merged whole. */
const MAX_DEAD_SHARE = 0.3;

/**
 * Which segments of one embedding to merge, if any: all of them once too many
 * of their entries are superseded; else, past `MAX_INDEX_SEGMENTS`, the smaller
 * ones (size-tiered, so the big segment is rewritten rarely).
 */
export const segmentsToMerge = (head: IndexHead, model: string): SegmentRef[] => {
  const group = head.segments.filter((s) => s.embeddedWith === model);
  if (group.length < 2) return [];
  const stored = group.reduce((sum, s) => sum + s.chunks, 0);
  const live = [...head.live.values()].reduce((sum, r) => sum + r.chunks, 0);
  const otherModels = head.segments.some((s) => s.embeddedWith !== model);
  // Dead entries can be counted only when every live run is in this model's segments.
  if (!otherModels && stored > 0 && 1 - live / stored > MAX_DEAD_SHARE) return group;
  if (group.length <= MAX_INDEX_SEGMENTS) return [];
  return [...group].sort((a, b) => a.chunks - b.chunks).slice(0, group.length - Math.floor(MAX_INDEX_SEGMENTS / 2));
};

/**
 * Merges segments when there are too many, or too much of them is superseded:
 * the live entries of the chosen segments become one new segment, switched in
 * with one head write if those segments are all still there.
 */
export const compactIndex = async (deps: Deps, tenant: TenantContext, botId: string, head: IndexHead): Promise<void> => {
  for (const model of new Set(head.segments.map((s) => s.embeddedWith))) {
    const chosen = segmentsToMerge(head, model);
    if (chosen.length === 0) continue;
    const opened = await Promise.all(chosen.map((ref) => loadSegment(deps, tenant, botId, ref)));
    const merged = mergeSegments(opened, (docId, run) => head.live.get(docId)?.run === run);
    const id = newId(deps.clock.now().getTime());
    const ref: SegmentRef = { id, parts: await deps.index.putSegment(tenant, botId, id, merged.bytes), chunks: merged.chunks, embeddedWith: model };
    const ids = new Set(chosen.map((s) => s.id));
    const result = await commitWith(deps, tenant, botId, (current) => {
      // Another change removed one of them (its run was superseded): leave it to the next compaction.
      if (current.segments.filter((s) => ids.has(s.id)).length !== ids.size) return null;
      const at = current.segments.findIndex((s) => ids.has(s.id));
      const rest = current.segments.filter((s) => !ids.has(s.id));
      return { segments: [...rest.slice(0, at), ref, ...rest.slice(at)], live: current.live };
    });
    if (result.outcome === 'ok') await dropSegments(deps, tenant, botId, result.before, result.after);
    else await deps.index.deleteSegment(tenant, botId, ref);
  }
};

const loadSegment = async (deps: Deps, tenant: TenantContext, botId: string, ref: SegmentRef): Promise<OpenedSegment> => {
  const key = `${tenant.accountId}/${botId}/${ref.id}`;
  const hit = segmentCache.get(key);
  if (hit) return hit;
  const opened = openSegment(ref, await deps.index.getSegment(tenant, botId, ref));
  segmentCache.set(key, opened);
  return opened;
};

/** Heads by bot, for warm queries (a head is immutable for its generation), bounded by the documents they list. */
const heads = new Map<string, IndexHead>();
const HEAD_CACHE_DOCUMENTS = 100_000;
let headDocuments = 0;

/**
 * A bot's index opened for search: one small read of the generation in force,
 * then its head and each of its segments from the warm cache or storage.
 */
export const openIndex = async (deps: Deps, tenant: TenantContext, botId: string): Promise<{ head: IndexHead; segments: OpenedSegment[] }> => {
  const key = `${tenant.accountId}/${botId}`;
  const generation = await deps.index.getGeneration(tenant, botId);
  let head = heads.get(key);
  if (head?.generation !== generation) {
    // Null when two commits landed since the generation was read: read both afresh.
    head = (await deps.index.getHeadAt(tenant, botId, generation)) ?? (await deps.index.getHead(tenant, botId));
  }
  headDocuments -= heads.get(key)?.live.size ?? 0;
  heads.delete(key);
  heads.set(key, head);
  headDocuments += head.live.size;
  for (const [k, h] of heads) {
    if (headDocuments <= HEAD_CACHE_DOCUMENTS || k === key) break;
    heads.delete(k);
    headDocuments -= h.live.size;
  }
  const opened = head;
  const segments = await Promise.all(opened.segments.map((ref) => loadSegment(deps, tenant, botId, ref)));
  return { head: opened, segments };
};
