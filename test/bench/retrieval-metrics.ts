/**
 * Retrieval quality metrics as BEIR reports them (trec_eval definitions), for one
 * query at a time: `ranking` is the retrieved document ids, best first, without
 * repeats; `judged` maps a document id to its graded relevance from the qrels.
 * A document counts as relevant when its grade is above 0.
 */

/** Document id → graded relevance, for one query. */
export type Judgements = ReadonlyMap<string, number>;

const relevantCount = (judged: Judgements): number => [...judged.values()].filter((g) => g > 0).length;

/** nDCG@k: linear gain (the grade), log2(rank + 1) discount, ideal DCG from the qrels' best k grades. */
export const ndcgAt = (ranking: readonly string[], judged: Judgements, k: number): number => {
  let dcg = 0;
  ranking.slice(0, k).forEach((docId, i) => {
    const grade = judged.get(docId) ?? 0;
    if (grade > 0) dcg += grade / Math.log2(i + 2);
  });
  const ideal = [...judged.values()].filter((g) => g > 0).sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, grade, i) => sum + grade / Math.log2(i + 2), 0);
  return idcg > 0 ? dcg / idcg : 0;
};

/** recall@k: the fraction of the relevant documents found in the top k. */
export const recallAt = (ranking: readonly string[], judged: Judgements, k: number): number => {
  const relevant = relevantCount(judged);
  if (relevant === 0) return 0;
  return ranking.slice(0, k).filter((docId) => (judged.get(docId) ?? 0) > 0).length / relevant;
};

/** hit@k: 1 when any relevant document is in the top k, else 0. */
export const hitAt = (ranking: readonly string[], judged: Judgements, k: number): number =>
  ranking.slice(0, k).some((docId) => (judged.get(docId) ?? 0) > 0) ? 1 : 0;

/**
 * Passages (best first) to a document ranking: each document takes the rank of its
 * best passage, later passages of it are dropped. `toDocument` maps a passage's
 * document id to the corpus id; passages it cannot map are skipped.
 */
export const documentRanking = (passageDocIds: readonly string[], toDocument: (docId: string) => string | undefined): string[] => {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const docId of passageDocIds) {
    const id = toDocument(docId);
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
};

/** BEIR `qrels/*.tsv`: a header line, then query-id, corpus-id, score (tab separated). */
export const parseQrels = (tsv: string): Map<string, Map<string, number>> => {
  const qrels = new Map<string, Map<string, number>>();
  const lines = tsv.split(/\r?\n/).filter((l) => l.trim());
  lines.slice(1).forEach((line, i) => {
    const [queryId, docId, score] = line.split('\t');
    const grade = Number(score);
    if (!queryId || !docId || score === undefined || !Number.isFinite(grade)) throw new Error(`qrels line ${i + 2} is not "query-id<TAB>corpus-id<TAB>score": ${line}`);
    let judged = qrels.get(queryId);
    if (!judged) qrels.set(queryId, (judged = new Map<string, number>()));
    judged.set(docId, grade);
  });
  return qrels;
};

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** The p-th percentile (0–100) by the nearest-rank method. */
export const percentile = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};
