/**
 * Retrieval: the passages of one bot that best answer a query. A chunk answers
 * only while its document's `indexedRun` names the run that wrote it, so a
 * half-written re-ingest never answers, the previous run answers until the
 * switch, and a deleted document never does. Questions are embedded with each
 * document's own embedding model, so a bot mid-way through re-embedding still
 * answers from every document.
 */
import { embedderForIndex } from './embedding.ts';
import { MIN_PASSAGE_SCORE } from './limits.ts';
import type { DocumentRecord, Passage } from './model.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';

export const dot = (a: Float32Array, b: Float32Array): number => {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += a[i]! * b[i]!;
  return sum;
};

/** The query embedded once per embedding model in use; models that cannot be used now are left out. */
const queryVectors = async (deps: Deps, tenant: TenantContext, docs: readonly DocumentRecord[], query: string): Promise<Map<string, Float32Array>> => {
  const ids = [...new Set(docs.map((d) => d.embeddedWith).filter((id): id is string => id !== undefined))];
  const out = new Map<string, Float32Array>();
  await Promise.all(ids.map(async (id) => {
    const embedder = await embedderForIndex(deps, tenant, id);
    if (embedder) out.set(id, (await embedder.embed([query]))[0]!);
  }));
  return out;
};

export const retrieve = async (deps: Deps, tenant: TenantContext, botId: string, query: string, k: number): Promise<Passage[]> => {
  const [chunks, docs] = await Promise.all([deps.chunks.listForBot(tenant, botId), deps.documents.list(tenant, botId)]);
  const answering = docs.filter((d) => d.indexedRun !== undefined);
  const byId = new Map(answering.map((d) => [d.docId, d]));
  const vectors = await queryVectors(deps, tenant, answering, query);
  const scored: Passage[] = [];
  for (const c of chunks) {
    const doc = byId.get(c.docId);
    if (!doc || c.run !== doc.indexedRun) continue;
    const q = vectors.get(doc.embeddedWith ?? '');
    if (!q) continue;
    const score = dot(q, c.vector);
    if (score < MIN_PASSAGE_SCORE) continue;
    scored.push({
      docId: c.docId,
      documentName: doc.name,
      section: c.section,
      ...(c.page !== undefined ? { page: c.page } : {}),
      ...(c.url !== undefined ? { url: c.url } : {}),
      text: c.text,
      start: c.start,
      end: c.end,
      score,
    });
  }
  return scored.sort((a, b) => b.score - a.score || a.docId.localeCompare(b.docId) || a.start - b.start).slice(0, k);
};
