/**
 * A segment stored as one object (layout 3): sections come back byte for byte whatever
 * names are asked, a cold read takes two rounds of range GETs (directory, meta and sign
 * bits together; then the term buckets) and one once the directory is known, ranges close
 * together are read as one and long ones in pieces.
 */
import { describe, expect, it } from 'vitest';
import type { ContentCipher } from '../../lambdas/core/ports.ts';
import type { SegmentRef } from '../../lambdas/core/records.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { readRanges, readSegmentFile, writeSegmentFile } from '../../lambdas/adapters/s3/segment-file.ts';
import type { SegmentObjects } from '../../lambdas/adapters/s3/segment-objects.ts';
import { fakePort } from '../fakes/ports.ts';

const tenant = tenantForSystem('01HZZZZZZZZZZZZZZZZZZZZZZZ');
// A "seal" that binds the context: it prefixes it, and opening checks it.
const cipher = fakePort<ContentCipher>('cipher', {
  seal: async (_t, _p, plaintext, context = '') => Uint8Array.from([...new TextEncoder().encode(`${context}|`), ...plaintext]),
  open: async (_t, _p, sealed, context = '') => {
    const head = new TextEncoder().encode(`${context}|`);
    if (!head.every((b, i) => sealed[i] === b)) throw new Error(`sealed for another context than ${context}`);
    return sealed.slice(head.length);
  },
});

const objectsInMemory = () => {
  const stored = new Map<string, Uint8Array>();
  const gets: Array<{ path: string; offset: number; length: number }> = [];
  const objects: SegmentObjects = {
    put: async (_t, path, bytes) => void stored.set(path, Uint8Array.from(bytes)),
    getRange: async (_t, path, offset, length) => {
      gets.push({ path, offset, length });
      const bytes = stored.get(path);
      if (!bytes || offset + length > bytes.length) throw new Error('out of range');
      return bytes.slice(offset, offset + length);
    },
    deletePrefix: async () => undefined,
  };
  return { objects, stored, gets };
};

const bytes = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 255;
  return out;
};

describe('a segment stored as one object', () => {
  const sections = new Map([
    ['meta', bytes(300, 1)], ['signs', bytes(5_000, 2)], ['codes', bytes(40_000, 3)],
    ...Array.from({ length: 12 }, (_, b): [string, Uint8Array] => [`terms-${b}`, bytes(1_000 + 97 * b, 10 + b)]),
  ]);

  it('reads back any sections asked, in three GETs cold and one once the directory is known', async () => {
    const { objects, gets } = objectsInMemory();
    const object = await writeSegmentFile(objects, cipher, tenant, 'BOT', 'SEG1', sections);
    const ref: SegmentRef = { id: 'SEG1', parts: 0, chunks: 5, embeddedWith: 'm@4', sections: { meta: 1, signs: 1, codes: 1 }, buckets: 12, object };
    // The directory, meta and signs lie together at the start: the first round is one GET.
    expect(object.dir![0]).toBe(0);
    expect(object.meta![0]).toBe(object.dir![1]);
    expect(object.signs![0]).toBe(object.meta![0] + object.meta![1]);

    const cold = await readSegmentFile(objects, cipher, tenant, 'BOT', ref, ['meta', 'signs', 'terms-3', 'terms-9']);
    for (const name of ['meta', 'signs', 'terms-3', 'terms-9']) expect(cold.get(name)).toEqual(sections.get(name));
    // One GET for directory and meta, one for the signs in parallel, then one for the two buckets (within 16 KB of each other).
    expect(gets.length).toBe(3);
    gets.length = 0;

    const again = await readSegmentFile(objects, cipher, tenant, 'BOT', ref, ['terms-0', 'terms-11']);
    expect(again.get('terms-0')).toEqual(sections.get('terms-0'));
    expect(again.get('terms-11')).toEqual(sections.get('terms-11'));
    // The directory is kept: one round, the two buckets within 16 KB of each other read as one range.
    expect(gets.length).toBe(1);

    const whole = await readSegmentFile(objects, cipher, tenant, 'BOT', ref, [...sections.keys()]);
    for (const [name, want] of sections) expect(whole.get(name), name).toEqual(want);
  });

  it('refuses a section read as another, and a name the segment does not have', async () => {
    const { objects } = objectsInMemory();
    const object = await writeSegmentFile(objects, cipher, tenant, 'BOT', 'SEG2', sections);
    const ref: SegmentRef = { id: 'SEG2', parts: 0, chunks: 5, embeddedWith: 'm@4', sections: { meta: 1, signs: 1, codes: 1 }, buckets: 12, object };
    await expect(readSegmentFile(objects, cipher, tenant, 'BOT', { ...ref, object: { ...object, meta: object.signs! } }, ['meta'])).rejects.toThrow(/another context/);
    await expect(readSegmentFile(objects, cipher, tenant, 'BOT', ref, ['terms-12'])).rejects.toThrow(/no section terms-12/);
    // Another segment's ranges on this one's object: bound to the segment id, so nothing opens.
    await expect(readSegmentFile(objects, cipher, tenant, 'BOT', { ...ref, id: 'SEG3' }, ['meta'])).rejects.toThrow();
  });
});

describe('reading byte ranges', () => {
  const source = bytes(20 * 1024 * 1024, 7);
  const reader = () => {
    const calls: Array<[number, number]> = [];
    return { calls, read: async (offset: number, length: number) => (calls.push([offset, length]), source.slice(offset, offset + length)) };
  };

  it('merges ranges close together, keeps far ones apart, and returns each in the order asked', async () => {
    const { calls, read } = reader();
    const ranges = [[100_000, 50], [0, 10], [20, 30], [1_000_000, 5]] as const;
    const got = await readRanges(read, ranges);
    ranges.forEach(([o, l], i) => expect(got[i]).toEqual(source.subarray(o, o + l)));
    expect(calls.sort((a, b) => a[0] - b[0])).toEqual([[0, 50], [100_000, 50], [1_000_000, 5]]);
  });

  it('reads a long range in pieces of at most 1 MB, in parallel, and joins them', async () => {
    const { calls, read } = reader();
    const [got] = await readRanges(read, [[123, 13 * 1024 * 1024 + 5]]);
    expect(Buffer.from(got!).equals(source.subarray(123, 123 + 13 * 1024 * 1024 + 5))).toBe(true);
    expect(calls.length).toBe(14);
    expect(calls.every(([, l]) => l <= 1024 * 1024)).toBe(true);
  });
});
