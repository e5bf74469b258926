/**
 * Compact vector codes for fast candidate search in memory, rescored afterwards
 * with the full-precision vectors. One blob holds the codes of one segment (one
 * document's chunks), small enough to pack many to a DynamoDB item.
 *
 * Kinds, for unit vectors of `dims` dimensions (bytes a code at 512 dims):
 * - `binary`: one sign bit a dimension (64).
 * - `ternary`: two bit planes, "clearly positive" and "clearly negative"
 *   (|x| above 0.75 · mean |x|, about 0.6σ for a Gaussian vector), and a float
 *   scale (132). A zero stays zero, which sign bits cannot say.
 * - `int4`: a signed nibble a dimension, −7…7 times a float scale (260).
 * - `int8`: a signed byte a dimension and a float scale (516).
 *
 * Search is asymmetric: the query stays float. For each code byte a 256-entry
 * table holds that byte's contribution to the dot product (for sign bits, the
 * sum of q_i · (bit ? +1 : −1) over its eight dimensions), so scoring a code is
 * one table lookup a byte; int8 codes are multiplied out. Every kind scores an
 * estimate of the dot product (sign bits as ±1/√dims), so kinds can be mixed. Bytes whose query
 * components are all zero are skipped, which makes the sparse queries of the
 * local hashed embedder cheap to score.
 *
 * Blob layout (little endian): u8 version, u8 kind, u16 0, u32 dims, u32 count,
 * u32 0; then for scaled kinds `count` f32 scales; then `count` codes.
 */

export type CodeKind = 'binary' | 'ternary' | 'int4' | 'int8';
export const DEFAULT_CODE_KIND: CodeKind = 'int4';

const VERSION = 1;
const HEADER = 16;
const KINDS: readonly CodeKind[] = ['binary', 'ternary', 'int4', 'int8'];
/** Ternary threshold, as a fraction of the vector's mean absolute component. */
const TERNARY_THRESHOLD = 0.75;

/** One segment's codes, opened for search without copying the codes. */
export interface CodeSegment {
  readonly kind: CodeKind;
  readonly dims: number;
  readonly count: number;
  /** Bytes per code. */
  readonly codeBytes: number;
  readonly codes: Uint8Array;
  /** Per-code scale, for every kind but `binary`. */
  readonly scales: Float32Array | undefined;
}

/** A search result: chunk `chunk` of segment `segment`. */
export interface Hit {
  readonly segment: number;
  readonly chunk: number;
  readonly score: number;
}

export const codeBytesOf = (kind: CodeKind, dims: number): number =>
  kind === 'binary' ? Math.ceil(dims / 8) : kind === 'ternary' ? 2 * Math.ceil(dims / 8) : kind === 'int4' ? Math.ceil(dims / 2) : dims;

/** Bytes of a whole blob: header, scales and codes. */
export const blobBytesOf = (kind: CodeKind, dims: number, count: number): number =>
  HEADER + (kind === 'binary' ? 0 : 4 * count) + codeBytesOf(kind, dims) * count;

/** Writes the code of `v` at `at` in `out`, and returns its scale. */
const encodeOne = (v: Float32Array, kind: CodeKind, out: Uint8Array, at: number): number => {
  const dims = v.length;
  if (kind === 'binary') {
    for (let i = 0; i < dims; i++) if (v[i]! > 0) out[at + (i >> 3)]! |= 1 << (i & 7);
    return 1;
  }
  let l1 = 0, max = 0;
  for (let i = 0; i < dims; i++) {
    l1 += Math.abs(v[i]!);
    max = Math.max(max, Math.abs(v[i]!));
  }
  if (kind === 'ternary') {
    const plane = Math.ceil(dims / 8);
    const t = (TERNARY_THRESHOLD * l1) / dims;
    let kept = 0, sum = 0;
    for (let i = 0; i < dims; i++) {
      const x = v[i]!;
      if (Math.abs(x) <= t) continue;
      out[at + (x > 0 ? 0 : plane) + (i >> 3)]! |= 1 << (i & 7);
      kept++;
      sum += Math.abs(x);
    }
    // Least-squares scale: the mean magnitude of the components kept.
    return kept ? sum / kept : 0;
  }
  const levels = kind === 'int4' ? 7 : 127;
  const scale = max / levels;
  if (scale === 0) return 0;
  for (let i = 0; i < dims; i++) {
    const q = Math.round(v[i]! / scale);
    if (kind === 'int8') out[at + i] = q & 0xff;
    else out[at + (i >> 1)]! |= (q & 0xf) << ((i & 1) * 4);
  }
  return scale;
};

/** A zeroed blob with its header written, and where its codes start. */
const newBlob = (kind: CodeKind, dims: number, count: number) => {
  const out = new Uint8Array(blobBytesOf(kind, dims, count));
  const view = new DataView(out.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, KINDS.indexOf(kind));
  view.setUint32(4, dims, true);
  view.setUint32(8, count, true);
  return { out, view, codesAt: HEADER + (kind === 'binary' ? 0 : 4 * count) };
};

/** Encodes unit vectors (all of one length) as one blob of codes of `kind`. */
export const encodeCodes = (vectors: readonly Float32Array[], kind: CodeKind = DEFAULT_CODE_KIND): Uint8Array => {
  const dims = vectors[0]?.length ?? 0;
  const size = codeBytesOf(kind, dims);
  const { out, view, codesAt } = newBlob(kind, dims, vectors.length);
  vectors.forEach((v, n) => {
    if (v.length !== dims) throw new Error(`vector ${n} has ${v.length} dimensions, not ${dims}`);
    const scale = encodeOne(v, kind, out, codesAt + n * size);
    if (kind !== 'binary') view.setFloat32(HEADER + 4 * n, scale, true);
  });
  return out;
};

/**
 * One blob of chosen codes of opened segments, copied as they are: code i is
 * code `rows[i].chunk` of `rows[i].codes`. All must share one kind and size.
 */
export const concatCodes = (rows: ReadonlyArray<{ readonly codes: CodeSegment; readonly chunk: number }>): Uint8Array => {
  const kind = rows[0]?.codes.kind ?? DEFAULT_CODE_KIND;
  const dims = rows[0]?.codes.dims ?? 0;
  const size = codeBytesOf(kind, dims);
  const { out, view, codesAt } = newBlob(kind, dims, rows.length);
  rows.forEach(({ codes, chunk }, n) => {
    if (codes.kind !== kind || codes.dims !== dims) throw new Error(`vector codes: cannot join ${codes.kind}/${codes.dims} codes to ${kind}/${dims}`);
    if (!(chunk >= 0 && chunk < codes.count)) throw new RangeError(`vector codes: no code ${chunk} to copy`);
    out.set(codes.codes.subarray(chunk * size, (chunk + 1) * size), codesAt + n * size);
    if (codes.scales) view.setFloat32(HEADER + 4 * n, codes.scales[chunk]!, true);
  });
  return out;
};

/** Opens a blob for search: reads the header and scales, and views the codes in place. */
export const openCodes = (bytes: Uint8Array): CodeSegment => {
  if (bytes.length < HEADER) throw new Error('vector codes: truncated header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = KINDS[view.getUint8(1)];
  if (view.getUint8(0) !== VERSION || !kind) throw new Error('vector codes: unknown version or kind');
  const dims = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  if (bytes.length !== blobBytesOf(kind, dims, count)) throw new Error('vector codes: wrong length');
  let scales: Float32Array | undefined;
  if (kind !== 'binary') {
    scales = new Float32Array(count);
    for (let n = 0; n < count; n++) scales[n] = view.getFloat32(HEADER + 4 * n, true);
  }
  return { kind, dims, count, codeBytes: codeBytesOf(kind, dims), codes: bytes.subarray(bytes.length - codeBytesOf(kind, dims) * count), scales };
};

/** Signed value of dimension i of the code at `at` (before scaling). */
const level = (seg: CodeSegment, at: number, i: number): number => {
  const { codes } = seg;
  const bit = (from: number) => (codes[from + (i >> 3)]! >> (i & 7)) & 1;
  switch (seg.kind) {
    case 'binary': return 2 * bit(at) - 1;
    case 'ternary': return bit(at) - bit(at + (seg.codeBytes >> 1));
    case 'int4': return (((codes[at + (i >> 1)]! >> ((i & 1) * 4)) & 0xf) << 28) >> 28;
    case 'int8': return (codes[at + i]! << 24) >> 24;
  }
};

/** The vectors the codes stand for (approximately): for tests and inspection. */
export const decodeCodes = (bytes: Uint8Array): Float32Array[] => {
  const seg = openCodes(bytes);
  return Array.from({ length: seg.count }, (_, n) => {
    const scale = seg.scales?.[n] ?? 1 / Math.sqrt(seg.dims);
    return Float32Array.from({ length: seg.dims }, (_, i) => level(seg, n * seg.codeBytes, i) * scale);
  });
};

/**
 * The n best hits pushed so far, in a min-heap of parallel typed arrays: a push
 * that cannot make the cut costs one comparison, and nothing is ever fully sorted.
 * Order: higher score first, then lower segment, then lower chunk.
 */
export const createTopHits = (n: number) => {
  const cap = Math.max(0, Math.floor(n));
  const scores = new Float64Array(cap);
  const segs = new Int32Array(cap);
  const chunks = new Int32Array(cap);
  let size = 0;
  // True when entry i ranks below entry j.
  const below = (i: number, j: number) =>
    scores[i]! < scores[j]! || (scores[i] === scores[j] && (segs[i]! > segs[j]! || (segs[i] === segs[j] && chunks[i]! > chunks[j]!)));
  const swap = (i: number, j: number) => {
    const s = scores[i]!, g = segs[i]!, c = chunks[i]!;
    scores[i] = scores[j]!; segs[i] = segs[j]!; chunks[i] = chunks[j]!;
    scores[j] = s; segs[j] = g; chunks[j] = c;
  };
  const down = (from: number) => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < size && below(l, m)) m = l;
      if (r < size && below(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  return {
    /** The score a new hit must beat (ties resolved by position) once full; -Infinity before. */
    floor: (): number => (size < cap ? -Infinity : scores[0]!),
    push(segment: number, chunk: number, score: number): void {
      if (cap === 0) return;
      if (size < cap) {
        let i = size++;
        scores[i] = score; segs[i] = segment; chunks[i] = chunk;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!below(i, p)) break;
          swap(i, p);
          i = p;
        }
        return;
      }
      // Full: the newcomer must rank above the worst kept, which it then replaces.
      if (score < scores[0]! || (score === scores[0] && (segment > segs[0]! || (segment === segs[0] && chunk >= chunks[0]!)))) return;
      scores[0] = score; segs[0] = segment; chunks[0] = chunk;
      down(0);
    },
    /** The hits, best first. */
    hits(): Hit[] {
      const out: Hit[] = [];
      for (let i = 0; i < size; i++) out.push({ segment: segs[i]!, chunk: chunks[i]!, score: scores[i]! });
      return out.sort((a, b) => b.score - a.score || a.segment - b.segment || a.chunk - b.chunk);
    },
  };
};

/**
 * Lookup tables of the query for one code kind: row j (256 entries) gives the
 * contribution of code byte j to the dot product, for each value of that byte.
 * `active` lists the rows whose query components are not all zero; others add 0.
 */
const tableScratch = new Map<CodeKind, Float32Array>();

const tablesFor = (kind: Exclude<CodeKind, 'int8'>, query: Float32Array) => {
  const dims = query.length;
  const q = (i: number) => (i < dims ? query[i]! : 0);
  const rows = codeBytesOf(kind, dims);
  // Reused across queries (one kind, one table at a time): rows not listed in `active` are never read.
  let table = tableScratch.get(kind);
  if (!table || table.length < rows * 256) tableScratch.set(kind, (table = new Float32Array(rows * 256)));
  const active: number[] = [];
  // Dimensions covered by row j, and the signed level of dimension `d` of that row in byte b.
  const perRow = kind === 'int4' ? 2 : 8;
  const plane = Math.ceil(dims / 8);
  for (let j = 0; j < rows; j++) {
    const first = perRow * (kind === 'ternary' && j >= plane ? j - plane : j);
    let any = false;
    for (let d = 0; d < perRow; d++) any ||= q(first + d) !== 0;
    if (!any) continue;
    active.push(j);
    const base = j << 8;
    for (let b = 0; b < 256; b++) {
      let sum = 0;
      for (let d = 0; d < perRow; d++) {
        const x = q(first + d);
        if (kind === 'int4') sum += x * ((((b >> (4 * d)) & 0xf) << 28) >> 28);
        else if (kind === 'binary') sum += (b >> d) & 1 ? x : -x;
        else if ((b >> d) & 1) sum += j < plane ? x : -x;
      }
      table[base + b] = sum;
    }
  }
  return { table, active: Int32Array.from(active) };
};

/**
 * The n codes across `segments` that score best against the float `query`
 * (approximate dot products), best first. Every segment must have the query's
 * dimensions; kinds may differ between segments.
 */
export const searchCodes = (segments: readonly CodeSegment[], query: Float32Array, n: number): Hit[] =>
  searchCodesAmong(segments, query, n);

/**
 * As `searchCodes`, but scoring only the codes listed for each segment, when
 * `among` lists them (ascending chunk numbers; a segment without a list is skipped).
 */
export const searchCodesAmong = (
  segments: readonly CodeSegment[],
  query: Float32Array,
  n: number,
  among?: ReadonlyArray<Int32Array | undefined>,
): Hit[] => {
  const top = createTopHits(n);
  const dims = query.length;
  const tables = new Map<CodeKind, ReturnType<typeof tablesFor>>();
  let nonzero: Int32Array | undefined;
  segments.forEach((seg, s) => {
    if (seg.count === 0) return;
    if (seg.dims !== dims) throw new Error(`segment ${s} has ${seg.dims} dimensions, the query ${dims}`);
    const { codes, codeBytes, scales } = seg;
    const only = among ? among[s] : undefined;
    if (among && !only) return;
    const count = only ? only.length : seg.count;
    if (seg.kind === 'int8') {
      nonzero ??= Int32Array.from(query.keys()).filter((i) => query[i] !== 0);
      const idx = nonzero;
      const ints = new Int8Array(codes.buffer, codes.byteOffset, codes.byteLength);
      for (let x = 0; x < count; x++) {
        const c = only ? only[x]! : x, at = c * codeBytes;
        let sum = 0;
        for (let a = 0; a < idx.length; a++) sum += query[idx[a]!]! * ints[at + idx[a]!]!;
        const score = sum * scales![c]!;
        if (score >= top.floor()) top.push(s, c, score);
      }
      return;
    }
    let lut = tables.get(seg.kind);
    if (!lut) tables.set(seg.kind, (lut = tablesFor(seg.kind, query)));
    const { table, active } = lut;
    // Sign bits stand for ±1/√dims, the components of a unit vector of equal magnitudes.
    const unitBits = 1 / Math.sqrt(dims);
    const dense = active.length === codeBytes;
    for (let x = 0; x < count; x++) {
      const c = only ? only[x]! : x, at = c * codeBytes;
      let sum = 0;
      if (dense) for (let j = 0; j < codeBytes; j++) sum += table[(j << 8) | codes[at + j]!]!;
      else for (let a = 0; a < active.length; a++) sum += table[(active[a]! << 8) | codes[at + active[a]!]!]!;
      const score = scales ? sum * scales[c]! : sum * unitBits;
      if (score >= top.floor()) top.push(s, c, score);
    }
  });
  return top.hits();
};

/**
 * Full-precision rescoring: the k candidates with the best exact dot product with
 * `query`, where `vectorOf` gives a candidate's stored vector (or undefined if gone).
 */
export const rescore = (
  candidates: readonly Hit[],
  query: Float32Array,
  vectorOf: (hit: Hit) => Float32Array | undefined,
  k: number,
): Hit[] => {
  const top = createTopHits(k);
  for (const hit of candidates) {
    const v = vectorOf(hit);
    if (!v) continue;
    let sum = 0;
    const d = Math.min(v.length, query.length);
    for (let i = 0; i < d; i++) sum += query[i]! * v[i]!;
    top.push(hit.segment, hit.chunk, sum);
  }
  return top.hits();
};
