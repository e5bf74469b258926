/**
 * Retrieval: the passages of one bot that best answer a query.
 *
 * 1. The index head (one small item) says which document runs answer and which
 *    segments hold their entries; segments come from the warm cache or storage.
 * 2. Dense candidates: the query's vector against the segments' compact codes
 *    (per embedding model in use, so a bot mid-way through re-embedding still
 *    answers from every document), then exact rescoring with the full vectors
 *    stored on the candidates' chunk items.
 * 3. Lexical candidates: BM25 over the segments' postings, global to the bot.
 * 4. Reciprocal rank fusion of the two lists; passages whose exact similarity
 *    is below the embedding's relevance floor are dropped, so chat can say it
 *    does not know.
 * Entries of runs that no longer answer are skipped, so a re-ingest or a
 * deletion shows at once, whatever compaction has not yet removed.
 */
import { headInForce, openIndexForQuery } from './bot-index.ts';
import { embedderForIndex, relevanceFloor } from './embedding.ts';
import { visitorLabelOf } from './document-label.ts';
import { fuse } from './fusion.ts';
import { entryOf, type OpenedSegment, type SearchSegment } from './index-segment.ts';
import { searchLexical, termIdf } from './lexical-index.ts';
import type { Chunk, IndexHead, Passage } from './records.ts';
import type { ChunkKey, Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';
import { isDenseQuery, searchDense, searchSigns } from './dense-search.ts';
import type { Hit } from './vector-codes.ts';

/** Candidates each list keeps, per passage asked for, and at least. */
export const CANDIDATES_PER_RESULT = 10;
export const MIN_CANDIDATES = 50;
/**
 * Dense candidates of a cold query (codes not loaded yet), chosen by sign bits alone
 * and all rescored exactly with their chunk items: see bench:retrieval's cold figures.
 */
export const COLD_POOL = 500;
/**
 * A bot of at most this many stored chunks is read whole by a cold query: its codes cost about
 * what the sign pool's chunk items would (some 1.5 MB at 512 dimensions), and the first answer
 * after idle is then the warm path's, not the sign bits' approximation of it.
 */
export const COLD_WHOLE_CHUNKS = 4_096;

export interface RetrieveOptions {
  /** Bots of at most this many stored chunks are read whole when not cached. @default COLD_WHOLE_CHUNKS */
  readonly coldWholeChunks?: number;
}

export const dot = (a: Float32Array, b: Float32Array): number => {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += a[i]! * b[i]!;
  return sum;
};

const isWhole = (s: SearchSegment): s is OpenedSegment => s.codes !== undefined;

const chunkKey = (k: ChunkKey) => `${k.docId}#${k.run}#${k.seq}`;

/** The names visitors see for documents, by id, loaded once per index generation. */
const namesCache = new Map<string, { generation: number; names: Map<string, string> }>();
const NAMES_CACHE_BOTS = 500;

const documentNames = async (deps: Pick<Deps, 'documents'>, tenant: TenantContext, botId: string, head: IndexHead): Promise<Map<string, string>> => {
  const key = `${tenant.accountId}/${botId}`;
  const hit = namesCache.get(key);
  if (hit && hit.generation === head.generation) return hit.names;
  const names = new Map((await deps.documents.list(tenant, botId)).map((d) => [d.docId, visitorLabelOf(d)]));
  namesCache.delete(key);
  namesCache.set(key, { generation: head.generation, names });
  if (namesCache.size > NAMES_CACHE_BOTS) namesCache.delete(namesCache.keys().next().value!);
  return names;
};

/** The passages for a query, and each of its terms' BM25 idf over the bot's index (what the local answerer weighs). */
export interface Retrieved {
  readonly passages: Passage[];
  readonly termWeights: ReadonlyMap<string, number>;
}

/** The ports retrieval uses (retrieve and retrieveWithWeights): the index, the chunks and the embedder the question needs. */
export type RetrievalDeps = Pick<Deps, 'accounts' | 'chunks' | 'documents' | 'embedders' | 'index' | 'keys' | 'meter' | 'platformKeys' | 'residency' | 'secrets'>;

export const retrieve = async (deps: RetrievalDeps, tenant: TenantContext, botId: string, query: string, k: number, options: RetrieveOptions = {}): Promise<Passage[]> =>
  (await retrieveWithWeights(deps, tenant, botId, query, k, options)).passages;

export const retrieveWithWeights = async (deps: RetrievalDeps, tenant: TenantContext, botId: string, query: string, k: number, options: RetrieveOptions = {}): Promise<Retrieved> => {
  const head = await headInForce(deps, tenant, botId);
  // The question's vector per embedding model in use, asked for now and awaited once the index read
  // has started: the provider's answer (a network round trip) and the cold read overlap. Segments of
  // a sparse model (the local embedder's), and those of small bots, are read whole, as sign bits say
  // nothing of its vectors, and a small bot's codes cost no more than the sign pool's chunks.
  const models = [...new Set(head.segments.map((s) => s.embeddedWith))];
  const embedders = new Map(await Promise.all(models.map(async (model) => [model, await embedderForIndex(deps, tenant, botId, model)] as const)));
  const embedding = Promise.all([...embedders].map(async ([model, embedder]) => (embedder ? [[model, (await embedder.embed([query]))[0]!] as const] : [])));
  // Heard below; a failure of the index read first must not leave it unhandled.
  embedding.catch(() => undefined);
  // The names visitors see, read while the index is (a cold query would otherwise wait for them after).
  const namesRead = head.documents > 0 && k > 0 ? documentNames(deps, tenant, botId, head) : undefined;
  namesRead?.catch(() => undefined);
  const readsCold = head.segments.reduce((sum, s) => sum + s.chunks, 0) > (options.coldWholeChunks ?? COLD_WHOLE_CHUNKS);
  const opened = await openIndexForQuery(deps, tenant, botId, head, query, (model) => readsCold && !embedders.get(model)?.sparse);
  const queryVectors = new Map((await embedding).flat());
  let segments: readonly SearchSegment[] = opened.segments;
  // A question whose vector is sparse after all, against segments read cold: their codes are needed.
  if (segments.some((s) => !s.codes && queryVectors.has(s.ref.embeddedWith) && !isDenseQuery(queryVectors.get(s.ref.embeddedWith)!))) segments = await opened.whole();
  const cold = segments.some((s) => !s.codes);
  const termWeights = termIdf(segments.map((s) => s.lexical), query);
  if (head.documents === 0 || k <= 0) return { passages: [], termWeights };
  const isLive = (seg: SearchSegment, i: number) => !head.dead.has(seg.runs[seg.runOf[i]!]!.run);
  const liveChunks = head.chunks;
  const storedChunks = segments.reduce((sum, s) => sum + s.ref.chunks, 0);
  const wanted = Math.max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * k);
  // Ask for more when superseded entries may crowd the lists.
  const asked = storedChunks > liveChunks ? 2 * wanted : wanted;
  const liveHits = (hits: readonly Hit[], n = wanted) => hits.filter((h) => isLive(segments[h.segment]!, h.chunk)).slice(0, n);

  // Dense: per embedding model, codes first (or sign bits, cold), then exact rescoring below.
  const pool = Math.max(asked, COLD_POOL);
  const denseApprox: Hit[] = [];
  for (const [model, q] of queryVectors) {
    const group = segments.flatMap((s, i) => (s.ref.embeddedWith === model ? [i] : []));
    const members = group.map((i) => segments[i]!);
    // Cold (codes not loaded): the best of the sign scores, all rescored exactly below.
    const hits = members.some((s) => !s.codes) ? searchSigns(members, q, pool) : searchDense(members.filter(isWhole), q, asked);
    for (const h of hits) denseApprox.push({ segment: group[h.segment]!, chunk: h.chunk, score: h.score });
  }
  const lexical = liveHits(searchLexical(segments.map((s) => s.lexical), query, asked));

  // Chunk items of the dense candidates: their vectors rescore them, their text answers.
  const fetched = new Map<string, Chunk>();
  const loadChunks = async (hits: readonly Hit[]) => {
    const keys = new Map<string, ChunkKey>();
    for (const h of hits) {
      const e = entryOf(segments[h.segment]!, h.chunk);
      if (!fetched.has(chunkKey(e))) keys.set(chunkKey(e), e);
    }
    if (keys.size === 0) return;
    for (const c of await deps.chunks.getMany(tenant, botId, [...keys.values()])) fetched.set(chunkKey(c), c);
  };
  const chunkOf = (h: Hit) => fetched.get(chunkKey(entryOf(segments[h.segment]!, h.chunk)));
  const similarity = (h: Hit): number | undefined => {
    const c = chunkOf(h);
    const q = queryVectors.get(segments[h.segment]!.ref.embeddedWith);
    return c && q ? dot(q, c.vector) : undefined;
  };
  const denseCandidates = liveHits(denseApprox.sort((a, b) => b.score - a.score), cold ? pool : wanted);
  // With them, the best lexical candidates: the first pages of the fused list draw on them, and one
  // read of a few more chunks costs less than a round trip a page.
  await loadChunks([...denseCandidates, ...lexical.slice(0, 4 * k)]);
  const dense = denseCandidates
    .map((h) => ({ ...h, score: similarity(h) ?? -Infinity }))
    .filter((h) => h.score > -Infinity)
    .sort((a, b) => b.score - a.score || a.segment - b.segment || a.chunk - b.chunk)
    .slice(0, wanted);

  // Fuse, then fetch what only the lexical list found, and drop what is not relevant enough.
  const fused = fuse(dense, lexical);
  const passages: Passage[] = [];
  const names = await namesRead!;
  // The first k entries' chunks were mostly read above; past them (passages fell below the floor),
  // the next `readAhead` entries in one read, not a round trip for each k: at k = 5 the whole rest.
  const readAhead = Math.max(2 * MIN_CANDIDATES, 4 * k);
  for (let from = 0, loaded = 0; from < fused.length && passages.length < k; from += k) {
    const page = fused.slice(from, from + k);
    if (from + page.length > loaded) {
      loaded = from === 0 ? page.length : from + readAhead;
      await loadChunks(fused.slice(from, loaded));
    }
    for (const h of page) {
      const c = chunkOf(h);
      const score = similarity(h);
      if (!c || score === undefined || score < relevanceFloor(segments[h.segment]!.ref.embeddedWith)) continue;
      passages.push({
        docId: c.docId,
        documentName: names.get(c.docId) ?? '',
        section: c.section,
        ...(c.page !== undefined ? { page: c.page } : {}),
        ...(c.url !== undefined ? { url: c.url } : {}),
        text: c.text,
        start: c.start,
        end: c.end,
        score,
      });
      if (passages.length === k) break;
    }
  }
  // The next queries take the warm path: read the codes and the other term buckets once this
  // answer is out (a failure there is only a missed warm-up; the next query reads what it needs).
  if (cold) setTimeout(() => void opened.whole().catch(() => undefined), 0);
  return { passages, termWeights };
};
