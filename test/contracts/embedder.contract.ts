/**
 * What every `Embedder` must do (Parley's hashed lexical embedder, OpenAI's through
 * its real SDK): one suite, run against each implementation by its own test file.
 *
 * The rules: it declares its model and dimensions, and every vector has exactly
 * those dimensions; one vector per text, in input order, the same whether a text
 * is embedded alone or in a batch; unit length for any text with words; texts that
 * share words closer than texts that do not (retrieval relies on it); nothing asked
 * for no texts; a refused key is `ProviderRefusedKey` naming the provider, never
 * vectors; and where promised, the same text always embeds the same.
 */
import { expect, it } from 'vitest';
import { ProviderRefusedKey } from '../../lambdas/core/errors.ts';
import type { Embedder } from '../../lambdas/core/ports.ts';
import type { ProviderId } from '../../lambdas/core/providers.ts';

export interface EmbedderSubject {
  readonly name: string;
  /** An embedder making vectors of `dimensions` (one the implementation offers). */
  build(dimensions: number): Embedder;
  /** The sizes it offers. */
  readonly dimensions: readonly number[];
  /** Whether it promises the same vector for the same text, call after call. */
  readonly deterministic: boolean;
  /** How many calls went out since the test began; absent for an implementation that makes none. */
  calls?(): number;
  /** For an implementation called with a key: one built with a key its provider refuses. */
  readonly refusedKey?: { readonly provider: ProviderId; build(): Embedder };
}

const TEXTS = ['We open at nine on weekdays.', 'Refunds arrive within five working days.', 'Parking behind the shop is free for customers.'];

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

/** Registers the contract's tests for one implementation (call inside a `describe`). */
export function embedderContract(subject: EmbedderSubject): void {
  it('declares its model and dimensions, and embeds to exactly those dimensions', async () => {
    for (const dimensions of subject.dimensions) {
      const embedder = subject.build(dimensions);
      expect(embedder.model).toMatch(/\S/);
      expect(embedder.dimensions).toBe(dimensions);
      const vectors = await embedder.embed(TEXTS);
      expect(vectors.map((v) => [v instanceof Float32Array, v.length])).toEqual(TEXTS.map(() => [true, dimensions]));
    }
  });

  it('gives one unit vector per text, in input order, the same alone as in a batch', async () => {
    const embedder = subject.build(subject.dimensions[0]!);

    const batch = await embedder.embed(TEXTS);
    const alone = await Promise.all(TEXTS.map(async (t) => (await embedder.embed([t]))[0]!));

    expect(batch).toHaveLength(TEXTS.length);
    batch.forEach((v, i) => {
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(maxDifference(v, alone[i]!)).toBeLessThan(1e-6);
    });
    expect(dot(batch[0]!, batch[1]!)).toBeLessThan(0.999);
  });

  it('places texts that share words closer than texts that do not', async () => {
    const [question, near, far] = await subject.build(subject.dimensions[0]!).embed([
      'when does the shop open on saturdays',
      'the shop opens at ten on saturdays',
      'refunds are paid to the original card',
    ]);

    expect(dot(question!, near!)).toBeGreaterThan(dot(question!, far!) + 0.1);
  });

  it('asks for nothing and returns nothing for no texts', async () => {
    const before = subject.calls?.() ?? 0;

    expect(await subject.build(subject.dimensions[0]!).embed([])).toEqual([]);
    expect(subject.calls?.() ?? 0).toBe(before);
  });

  if (subject.refusedKey) {
    const refused = subject.refusedKey;
    it('answers a refused key with ProviderRefusedKey naming the provider, not with vectors', async () => {
      const error = await refused.build().embed(TEXTS).then(() => undefined, (err: unknown) => err);

      expect(error).toBeInstanceOf(ProviderRefusedKey);
      expect((error as ProviderRefusedKey).provider).toBe(refused.provider);
    });
  }

  if (subject.deterministic) {
    it('embeds the same text the same, within a call and call after call, as it promises', async () => {
      const embedder = subject.build(subject.dimensions[0]!);

      const [a, b] = await embedder.embed([TEXTS[0]!, TEXTS[0]!]);
      const [c] = await subject.build(subject.dimensions[0]!).embed([TEXTS[0]!]);

      expect(a).toEqual(b);
      expect(a).toEqual(c);
    });
  }
}
