/**
 * Dense synthetic embeddings for benchmarks, seeded:
 * - `gaussian`: unit vectors of independent normal components, the hardest
 *   case for candidate search (every neighbour at nearly the same distance);
 * - `anisotropic`: with the statistics of real text embeddings: a shared mean
 *   direction (unrelated passages at cosine about 0.25), per-dimension spread
 *   falling off as a power law, and 1,000 topic centres (passages of one topic
 *   at cosine about 0.7).
 * Queries lie near a stored vector, as a question lies near its passage.
 */
export type DenseKind = 'gaussian' | 'anisotropic';

const normal = (random: () => number) => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());

export const normalise = (v: Float32Array): Float32Array => {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
};

export const gaussianUnit = (random: () => number, dims: number): Float32Array => normalise(Float32Array.from({ length: dims }, () => normal(random)));

/** A generator of vectors of `kind`. */
export const denseVectors = (kind: DenseKind, random: () => number, dims: number): (() => Float32Array) => {
  if (kind === 'gaussian') return () => gaussianUnit(random, dims);
  // Spread of dimension i ∝ (1 + i/8)^−½, dimensions shuffled so the wide ones are not all first.
  const spread = Float32Array.from({ length: dims }, (_, i) => 1 / Math.sqrt(1 + i / 8));
  for (let i = dims - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [spread[i], spread[j]] = [spread[j]!, spread[i]!];
  }
  let variance = 0;
  for (const s of spread) variance += s * s;
  // Mean direction weighted so that mean² / (mean² + topic + noise) ≈ 0.25.
  const mean = gaussianUnit(random, dims).map((x) => x * Math.sqrt(variance * 1.64 / 3));
  const topics = Array.from({ length: 1_000 }, () => Float32Array.from({ length: dims }, (_, i) => normal(random) * spread[i]!));
  return () => {
    const topic = topics[Math.floor(random() * topics.length)]!;
    return normalise(Float32Array.from({ length: dims }, (_, i) => mean[i]! + topic[i]! + 0.8 * normal(random) * spread[i]!));
  };
};

/** A query near `base`: base plus noise of 0.8 its length (cosine about 0.78), made unit. */
export const queryNear = (base: Float32Array, random: () => number): Float32Array => {
  const noise = gaussianUnit(random, base.length);
  return normalise(base.map((x, i) => x + 0.8 * noise[i]!));
};
