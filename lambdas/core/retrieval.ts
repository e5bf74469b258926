/**
 * Retrieval: the passages of one bot that best answer a query. Only documents
 * that are `ready` answer, so a half-ingested or deleted document never does.
 */
import { MIN_PASSAGE_SCORE } from './limits.ts';
import type { Passage } from './model.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';

export const dot = (a: Float32Array, b: Float32Array): number => {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += a[i]! * b[i]!;
  return sum;
};

export const retrieve = async (deps: Deps, tenant: TenantContext, botId: string, query: string, k: number): Promise<Passage[]> => {
  const [chunks, docs, vectors] = await Promise.all([
    deps.chunks.listForBot(tenant, botId),
    deps.documents.list(tenant, botId),
    deps.embedder.embed([query]),
  ]);
  const ready = new Map(docs.filter((d) => d.status === 'ready').map((d) => [d.docId, d]));
  const q = vectors[0]!;
  const scored: Passage[] = [];
  for (const c of chunks) {
    const doc = ready.get(c.docId);
    if (!doc) continue;
    const score = dot(q, c.vector);
    if (score < MIN_PASSAGE_SCORE) continue;
    scored.push({
      docId: c.docId,
      documentName: doc.name,
      section: c.section,
      ...(c.page !== undefined ? { page: c.page } : {}),
      text: c.text,
      start: c.start,
      end: c.end,
      score,
    });
  }
  return scored.sort((a, b) => b.score - a.score || a.docId.localeCompare(b.docId) || a.start - b.start).slice(0, k);
};
