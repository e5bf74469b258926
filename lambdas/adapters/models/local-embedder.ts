/**
 * The local embedder: hashed lexical features (terms and adjacent term pairs,
 * sublinear term frequency, signed feature hashing) in a unit vector. Needs no
 * key and no network, and keeps its promise on any script the tokenizer reads.
 */
import type { Embedder } from '../../core/ports.ts';
import { terms } from '../../core/text.ts';

export const LOCAL_EMBEDDING_MODEL = 'parley-hashed-lexical-v1';

/** FNV-1a, 32 bits. */
const hash = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

const PAIR_WEIGHT = 0.5;

export const embedLocally = (text: string, dimensions: number): Float32Array => {
  const counts = new Map<string, number>();
  const ts = terms(text);
  for (let i = 0; i < ts.length; i++) {
    counts.set(ts[i]!, (counts.get(ts[i]!) ?? 0) + 1);
    if (i + 1 < ts.length) {
      const pair = `${ts[i]!} ${ts[i + 1]!}`;
      counts.set(pair, (counts.get(pair) ?? 0) + PAIR_WEIGHT);
    }
  }
  const v = new Float32Array(dimensions);
  for (const [feature, count] of counts) {
    const h = hash(feature);
    v[h % dimensions]! += (h & 0x80000000 ? -1 : 1) * (1 + Math.log(count));
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dimensions; i++) v[i]! /= norm;
  return v;
};

export const createLocalEmbedder = (dimensions = 512): Embedder => ({
  model: LOCAL_EMBEDDING_MODEL,
  dimensions,
  sparse: true,
  embed: (texts) => Promise.resolve(texts.map((t) => embedLocally(t, dimensions))),
});
