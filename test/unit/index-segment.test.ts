import { describe, expect, it } from 'vitest';
import { packDead, unpackDead } from '../../lambdas/adapters/dynamo/index-repo.ts';
import { embedLocally } from '../../lambdas/adapters/models/local-embedder.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { createSegmentCache } from '../../lambdas/core/index-cache.ts';
import { buildSegment, entryOf, openSegment, type OpenedSegment } from '../../lambdas/core/index-segment.ts';
import { searchLexical } from '../../lambdas/core/lexical-index.ts';
import type { SegmentRef } from '../../lambdas/core/records.ts';
import { prepareSignQuery, signScannerBytes } from '../../lambdas/core/sign-scan.ts';
import { searchCodes } from '../../lambdas/core/vector-codes.ts';

const texts = ['Sourdough is baked every morning.', 'Cakes may be returned within two days.', 'Der Laden öffnet um neun Uhr.', '営業時間は九時から五時までです。'];
const ref = (id: string, chunks: number): SegmentRef => ({ id, parts: 1, chunks, embeddedWith: 'parley-hashed-lexical-v1@512' });

describe('an index segment', () => {
  const docA = newId();
  const docB = newId();
  const runA = newId();
  const runB = newId();
  const entries = [
    { docId: docA, run: runA, seq: 0 },
    { docId: docA, run: runA, seq: 1 },
    { docId: docB, run: runB, seq: 0 },
    { docId: docB, run: runB, seq: 7 },
  ];
  const vectors = texts.map((t) => embedLocally(t, 512));

  it('round-trips its entries, and its codes and postings find the right chunk', () => {
    const bytes = buildSegment(entries, vectors, texts);
    // Opened from an unaligned copy, as a concatenation of stored parts may be.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const seg = openSegment(ref('s1', 4), shifted.subarray(1));
    expect(entries.map((_, i) => entryOf(seg, i))).toEqual(entries);
    expect(seg.runs).toEqual([{ docId: docA, run: runA }, { docId: docB, run: runB }]);
    expect(seg.codes.count).toBe(4);
    expect(seg.lexical.chunkCount).toBe(4);
    expect(searchCodes([seg.codes], embedLocally('When are cakes returned?', 512), 1)[0]).toMatchObject({ segment: 0, chunk: 1 });
    expect(searchLexical([seg.lexical], 'neun Uhr', 1)[0]).toMatchObject({ chunk: 2 });
  });

  it('derives sign bits for the first stage of dense search from the stored codes, so segments stored before them answer through it', () => {
    // Dense vectors, as a real embedding model's: one sign a dimension, spread evenly.
    const denseVectors = texts.map((_, n) => Float32Array.from({ length: 512 }, (_, i) => Math.sin(1 + i * (n + 1.7)) / 16));
    const bytes = buildSegment(entries, denseVectors, texts);
    const seg = openSegment(ref('s1', 4), bytes);
    const signs = seg.signs();
    expect(seg.signs()).toBe(signs);
    expect(signs.count).toBe(4);
    expect(seg.bytes).toBe(bytes.byteLength + signs.bytes);
    const q = denseVectors[1]!;
    const scores = signs.scan(prepareSignQuery(q));
    expect(scores.indexOf(Math.max(...scores))).toBe(1);
  });

  it('refuses a blob of another version', () => {
    const bytes = buildSegment(entries, vectors, texts);
    const header = new TextDecoder().decode(bytes.subarray(4, 4 + new DataView(bytes.buffer).getUint32(0, true)));
    const tampered = new TextEncoder().encode(header.replace('"v":1', '"v":9'));
    const copy = Uint8Array.from(bytes);
    copy.set(tampered, 4);
    expect(() => openSegment(ref('s1', 4), copy)).toThrow(/unknown version 9/);
  });
});

describe('the index head’s dead runs', () => {
  it('packs run ids, chunk counts and models in 23 bytes each and reads them back', () => {
    const models = ['parley-hashed-lexical-v1@512', 'openai/text-embedding-3-small@512'];
    const dead = new Map(Array.from({ length: 50 }, (_, i) => [newId(), { chunks: i * 1000 + 7, embeddedWith: models[i % 2]! }] as const));
    const packed = packDead(dead);
    expect(packed.bytes.length).toBe(50 * 23);
    expect(packed.models).toEqual(models);
    expect(unpackDead(packed.bytes, packed.models)).toEqual(dead);
    const empty = packDead(new Map());
    expect(unpackDead(empty.bytes, empty.models)).toEqual(new Map());
  });
});

describe('the segment cache', () => {
  const fake = (id: string, bytes: number) => ({ ref: ref(id, 1), bytes }) as unknown as OpenedSegment;

  it('keeps segments within its byte budget, evicting the least recently used', () => {
    const cache = createSegmentCache(100);
    cache.set('a', fake('a', 40));
    cache.set('b', fake('b', 40));
    expect(cache.get('a')?.ref.id).toBe('a'); // a is now the most recent
    cache.set('c', fake('c', 40));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.ref.id).toBe('a');
    expect(cache.get('c')?.ref.id).toBe('c');
    expect(cache.bytes).toBe(80);
  });

  it('counts a segment’s sign scanner only once made (never for sparse-query bots), and makes room for it', () => {
    const doc = newId(), run = newId();
    const entries = texts.map((_, seq) => ({ docId: doc, run, seq }));
    const segments = ['a', 'b'].map((id) => openSegment(ref(id, 4), buildSegment(entries, texts.map((t) => embedLocally(t, 512)), texts)));
    const plain = segments[0]!.bytes;
    const scannerBytes = signScannerBytes(segments[0]!.codes);
    // Room for both as opened, or for one with its scanner.
    const cache = createSegmentCache(2 * plain + scannerBytes - 1);
    cache.set('a', segments[0]!);
    cache.set('b', segments[1]!);
    // Cached as opened: no scanner yet, so no room is taken for one.
    expect(cache.bytes).toBe(2 * plain);
    expect(cache.size).toBe(2);
    const scanner = cache.get('b')!.signs();
    expect(scanner.bytes).toBe(scannerBytes);
    expect(segments[1]!.bytes).toBe(plain + scanner.bytes);
    // The next use counts the scanner, and the least recently used segment makes room.
    expect(cache.get('b')).toBe(segments[1]);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.bytes).toBe(plain + scanner.bytes);
  });

  it('does not keep a segment larger than the whole budget', () => {
    const cache = createSegmentCache(100);
    cache.set('small', fake('small', 10));
    cache.set('huge', fake('huge', 101));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('small')).toBeDefined();
    expect(cache.size).toBe(1);
  });
});
