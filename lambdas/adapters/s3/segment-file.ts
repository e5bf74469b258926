/**
 * An index segment stored as one S3 object (layout 3): its sections (segment-sections.ts)
 * each sealed on its own, bound to the segment and the section's name, one after another:
 *
 *   [directory][meta][signs][terms-0 … terms-<b>][codes]
 *
 * The directory (sealed, small) gives every section's range after it; the segment's
 * reference in the head keeps the ranges of the directory, meta, signs and codes, so
 * a cold query reads the directory and meta (one small range) and the sign bits at
 * once, and the term buckets of its terms as soon as the directory is in; a warm-up
 * reads the rest in large ranges.
 *
 * Why S3 and not DynamoDB items: a segment is written once and read whole or in large
 * ranges, which is what S3 is for. A bot's DynamoDB items share one partition, whose
 * reads are capped at 3,000 read units a second (about 24 MB/s eventually consistent):
 * a cold query at 100k chunks, 10 MB of sections, could not answer in half a second
 * from there. S3 serves ranges of one object in parallel without such a cap, costs a
 * tenth as much a GB stored, and a PUT of 40 MB costs one request, not 40,000 write units.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ContentCipher } from '../../core/ports.ts';
import type { SegmentRef } from '../../core/records.ts';
import type { TenantContext } from '../../core/tenancy.ts';
import type { SegmentObjects } from './segment-objects.ts';

/** What a section's seal is bound to, besides account and purpose: its segment and name. */
export const sectionContext = (segmentId: string, section: string): string => `segment ${segmentId} section ${section}`;

const DIRECTORY = 'dir';
/** Sections whose ranges the head keeps: what every query reads first, and the codes. */
const IN_REF = ['meta', 'signs', 'codes'] as const;
/** Ranges closer than this are read as one (the bytes between are cheaper than a request). */
const GAP_BYTES = 16 * 1024;
/** Ranges longer than this are read in pieces, in parallel (S3 serves each GET at tens of MB/s: pieces of a MB wait less in all). */
const PIECE_BYTES = 1024 * 1024;
/** GETs of one read in flight at once. */
const CONCURRENT_GETS = 16;
/** Directories of segments read lately, by account, bot and segment: a segment never changes. */
const directories = new Map<string, Record<string, [number, number]>>();
const DIRECTORIES_KEPT = 4_000;

export type Range = readonly [offset: number, length: number];

/** Where a bot's segments are, under its account's prefix. */
export const indexPath = (botId: string): string => `bots/${botId}/index/`;
export const segmentPath = (botId: string, segmentId: string): string => `${indexPath(botId)}${segmentId}.seg`;

/**
 * The directory's plaintext: the sections' names and sealed lengths in the order they lie,
 * as JSON, deflated (about 5 bytes a term bucket, not 28 as offsets by name): a cold query
 * waits for it before it reads its buckets.
 */
const packDirectory = (names: readonly string[], lengths: readonly number[]): Uint8Array =>
  new Uint8Array(deflateRawSync(JSON.stringify({ names, lengths })));

const unpackDirectory = (segmentId: string, bytes: Uint8Array): Record<string, [number, number]> => {
  let parsed: { names?: unknown; lengths?: unknown };
  try {
    parsed = JSON.parse(inflateRawSync(bytes).toString('utf8')) as typeof parsed;
  } catch (err) {
    throw new Error(`Segment ${segmentId}: its directory is damaged`, { cause: err });
  }
  const { names, lengths } = parsed;
  if (!Array.isArray(names) || !Array.isArray(lengths) || names.length !== lengths.length) throw new Error(`Segment ${segmentId}: its directory is damaged`);
  const out: Record<string, [number, number]> = {};
  let at = 0;
  names.forEach((name, i) => {
    out[String(name)] = [at, Number(lengths[i])];
    at += Number(lengths[i]);
  });
  return out;
};

/** Section order in the object: meta and signs first (next to the directory), codes last. */
const rank = (name: string) => (name === 'meta' ? 0 : name === 'signs' ? 1 : name === 'codes' ? 3 : 2);

/** Writes a segment's sections as one object; the ranges its reference keeps. */
export const writeSegmentFile = async (
  objects: SegmentObjects,
  cipher: ContentCipher,
  tenant: TenantContext,
  botId: string,
  id: string,
  sections: ReadonlyMap<string, Uint8Array>,
): Promise<Record<string, Range>> => {
  const names = [...sections.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }));
  const sealed = await Promise.all(names.map((name) => cipher.seal(tenant, 'vector-page', sections.get(name)!, sectionContext(id, name))));
  const relative: Record<string, [number, number]> = {};
  let at = 0;
  names.forEach((name, i) => {
    relative[name] = [at, sealed[i]!.byteLength];
    at += sealed[i]!.byteLength;
  });
  const directory = await cipher.seal(tenant, 'vector-page', packDirectory(names, sealed.map((b) => b.byteLength)), sectionContext(id, DIRECTORY));
  const base = directory.byteLength;
  const body = new Uint8Array(base + at);
  body.set(directory, 0);
  names.forEach((name, i) => body.set(sealed[i]!, base + relative[name]![0]));
  await objects.put(tenant, segmentPath(botId, id), body);
  const ranges: Record<string, Range> = { [DIRECTORY]: [0, base] };
  for (const name of IN_REF) if (relative[name]) ranges[name] = [base + relative[name][0], relative[name][1]];
  return ranges;
};

/**
 * Reads byte ranges of one object: ranges close together merged, long ones split, the
 * GETs in parallel; each range's bytes in the order asked.
 */
export const readRanges = async (read: (offset: number, length: number) => Promise<Uint8Array>, ranges: readonly Range[]): Promise<Uint8Array[]> => {
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a]![0] - ranges[b]![0]);
  const runs: Array<{ start: number; end: number }> = [];
  for (const i of order) {
    const [offset, length] = ranges[i]!;
    const last = runs[runs.length - 1];
    if (last && offset <= last.end + GAP_BYTES) last.end = Math.max(last.end, offset + length);
    else runs.push({ start: offset, end: offset + length });
  }
  const pieces = runs.flatMap((r) => Array.from({ length: Math.max(1, Math.ceil((r.end - r.start) / PIECE_BYTES)) }, (_, p) => {
    const start = r.start + p * PIECE_BYTES;
    return { start, end: Math.min(r.end, start + PIECE_BYTES) };
  }));
  const got: Uint8Array[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_GETS, pieces.length) }, async () => {
    while (next < pieces.length) {
      const p = next++;
      got[p] = await read(pieces[p]!.start, pieces[p]!.end - pieces[p]!.start);
    }
  }));
  /** Bytes [offset, offset + length) from the pieces read (one piece, or several copied together). */
  const slice = (offset: number, length: number): Uint8Array => {
    let p = 0;
    while (pieces[p]!.end <= offset) p++;
    if (offset + length <= pieces[p]!.end) return got[p]!.subarray(offset - pieces[p]!.start, offset - pieces[p]!.start + length);
    const out = new Uint8Array(length);
    for (let filled = 0; filled < length; p++) {
      const from = offset + filled - pieces[p]!.start;
      const take = Math.min(length - filled, pieces[p]!.end - pieces[p]!.start - from);
      out.set(got[p]!.subarray(from, from + take), filled);
      filled += take;
    }
    return out;
  };
  return ranges.map(([offset, length]) => slice(offset, length));
};

/** The named sections of a segment stored as one object, opened. */
export const readSegmentFile = async (
  objects: SegmentObjects,
  cipher: ContentCipher,
  tenant: TenantContext,
  botId: string,
  ref: SegmentRef,
  names: readonly string[],
): Promise<Map<string, Uint8Array>> => {
  const known = ref.object!;
  const path = segmentPath(botId, ref.id);
  const read = (offset: number, length: number) => objects.getRange(tenant, path, offset, length);
  const cacheKey = `${tenant.accountId}/${botId}/${ref.id}`;
  const sealed = new Map<string, Uint8Array>();
  const readInto = async (named: ReadonlyArray<readonly [string, Range]>) => {
    const got = await readRanges(read, named.map(([, r]) => r));
    named.forEach(([name], i) => sealed.set(name, got[i]!));
  };
  const direct = names.filter((n) => known[n]);
  const rest = names.filter((n) => !known[n]);
  const rangesOf = (directory: Record<string, [number, number]>) => rest.map((name): readonly [string, Range] => {
    const r = directory[name];
    if (!r) throw new Error(`Segment ${ref.id} has no section ${name}`);
    return [name, [known[DIRECTORY]![1] + r[0], r[1]]];
  });
  const cachedDirectory = directories.get(cacheKey);
  if (rest.length === 0 || cachedDirectory) {
    await readInto([...direct.map((n): readonly [string, Range] => [n, known[n]!]), ...(cachedDirectory ? rangesOf(cachedDirectory) : [])]);
  } else {
    // The directory (with meta, next to it) in one small read, and the buckets it places right
    // after; meanwhile the large sections the reference places (sign bits, codes).
    const small = direct.filter((n) => n === 'meta');
    await Promise.all([
      (async () => {
        await readInto([[DIRECTORY, known[DIRECTORY]!], ...small.map((n): readonly [string, Range] => [n, known[n]!])]);
        const opened = await cipher.open(tenant, 'vector-page', sealed.get(DIRECTORY)!, sectionContext(ref.id, DIRECTORY));
        const directory = unpackDirectory(ref.id, opened);
        directories.set(cacheKey, directory);
        if (directories.size > DIRECTORIES_KEPT) directories.delete(directories.keys().next().value!);
        await readInto(rangesOf(directory));
      })(),
      readInto(direct.filter((n) => n !== 'meta').map((n): readonly [string, Range] => [n, known[n]!])),
    ]);
  }
  const out = new Map<string, Uint8Array>();
  await Promise.all(names.map(async (name) => out.set(name, await cipher.open(tenant, 'vector-page', sealed.get(name)!, sectionContext(ref.id, name)))));
  return out;
};
