/**
 * The first stage of dense search: one sign bit a dimension for every code,
 * scored against a 4-bit query by 64-bit popcounts in a tiny WebAssembly
 * function (JavaScript has no popcount; a byte-table scan of 100k codes costs
 * three to five times as much).
 *
 * The bits are derived from a segment's stored codes when it is opened (int4:
 * the nibble is above zero), so every stored segment, old or new, has them
 * without a change of format; a zero nibble reads as negative, which measured
 * no worse than the true sign of those (small) components.
 *
 * The query is quantised to 15 levels, q ≈ step · (v − 7) with v in 0…14, and
 * kept as four bit planes. With s = ±1 the code's signs and b its bits, the dot
 * product Σ q·s is step · (2A − 14·ones − Σv + 7·dims), where A = Σ v·b is the
 * sum over planes p of 2^p · popcount(plane_p & bits) and ones = popcount(bits).
 * The kernel returns A − 7·ones a code, an integer that orders codes as the
 * estimate does, across segments too (one query, one quantisation).
 *
 * The second stage runs in the same memory for int4 codes (the stored kind):
 * `int4` walks the scores the last scan left, and for each code at or above a
 * cut takes its int4 dot product with an int8 query, 16 code bytes (32
 * dimensions) at a time in 128-bit SIMD lanes: nibbles sign-extended by shifts,
 * multiplied out to 16 bits against the query's even and odd dimensions, summed
 * pairwise to 32 bits. A byte-table scan of the same codes in JavaScript costs
 * about ten times as much.
 *
 * Memory of one scanner (one WebAssembly memory a segment): the two queries,
 * an i32 score a code, room for the second stage's (code, dot) pairs, the sign
 * bits padded to whole 64-bit words, and for int4 a copy of the codes padded
 * to 16 bytes (about 332 bytes a code at 512 dimensions, 68 without the copy).
 */
import type { CodeSegment } from './vector-codes.ts';

const PLANES = 4;
/** Where the int4 query sits (after the query planes), and where the scores begin: room for 16,384 dimensions. */
const INT4_QUERY_AT = 8192;
const SCORES_AT = INT4_QUERY_AT + 16384;
const PAGE = 65536;
const MAX_DIMS = 16384;

/** LEB128, unsigned. */
const leb = (n: number): number[] => {
  const out: number[] = [];
  let v = n;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
};
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const name = (s: string): number[] => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// Opcodes used below (WebAssembly core spec, binary format).
const I32 = 0x7f, I64 = 0x7e;
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const GET = 0x20, SET = 0x21;
const I32_CONST = 0x41, I64_CONST = 0x42;
const I64_LOAD = 0x29, I32_STORE = 0x36;
const I32_ADD = 0x6a, I32_MUL = 0x6c, I32_SHL = 0x74, I32_GE_U = 0x4f, I32_LT_U = 0x49;
const I32_LOAD = 0x28, I32_LT_S = 0x48, V128 = 0x7b, SIMD = 0xfd;
// SIMD opcodes (after the 0xfd prefix, as LEB128).
const V128_LOAD = [SIMD, 0x00], V128_CONST = [SIMD, 0x0c], I32X4_LANE = [SIMD, 0x1b];
const I8X16_SHL = [SIMD, 0x6b], I8X16_SHR_S = [SIMD, 0x6c], I32X4_EXTADD_I16X8_S = [SIMD, 0x7e];
const I16X8_ADD = [SIMD, 0x8e, 0x01], I16X8_EXTMUL_LOW_I8X16_S = [SIMD, 0x9c, 0x01], I16X8_EXTMUL_HIGH_I8X16_S = [SIMD, 0x9d, 0x01], I32X4_ADD = [SIMD, 0xae, 0x01];
const I64_ADD = 0x7c, I64_SUB = 0x7d, I64_MUL = 0x7e, I64_AND = 0x83, I64_SHL = 0x86, I64_POPCNT = 0x7b, I32_WRAP = 0xa7;

/**
 * scan(codesAt, count, words, planesAt, outAt): for each of `count` codes of
 * `words` u64 words from `codesAt`, stores A − 7·ones as an i32 at `outAt`.
 * Planes are interleaved: word w of plane p at planesAt + 8·(4w + p).
 */
const scanBody = (): number[] => {
  // Locals: 0 codesAt, 1 count, 2 words, 3 planesAt, 4 outAt | 5 p, 6 end, 7 q, 8 codeEnd (i32), 9 sum, 10 x (i64).
  const P = 5, E = 6, Q = 7, CE = 8, SUM = 9, X = 10;
  const plane = (k: number) => [GET, X, GET, Q, I64_LOAD, 3, ...leb(8 * k), I64_AND, I64_POPCNT, ...(k ? [I64_CONST, k, I64_SHL] : [])];
  return [
    ...vec([[4, I32], [2, I64]]),
    GET, 0, GET, 1, GET, 2, I32_MUL, I32_CONST, 3, I32_SHL, I32_ADD, SET, E,
    GET, 0, SET, P,
    BLOCK, VOID,
    LOOP, VOID,
    GET, P, GET, E, I32_GE_U, BR_IF, 1,
    I64_CONST, 0, SET, SUM,
    GET, 3, SET, Q,
    GET, P, GET, 2, I32_CONST, 3, I32_SHL, I32_ADD, SET, CE,
    LOOP, VOID,
    GET, P, I64_LOAD, 3, 0, SET, X,
    GET, SUM,
    ...plane(0), ...plane(1), I64_ADD, ...plane(2), I64_ADD, ...plane(3), I64_ADD,
    I64_ADD,
    GET, X, I64_POPCNT, I64_CONST, 7, I64_MUL, I64_SUB,
    SET, SUM,
    GET, Q, I32_CONST, 32, I32_ADD, SET, Q,
    GET, P, I32_CONST, 8, I32_ADD, SET, P,
    GET, P, GET, CE, I32_LT_U, BR_IF, 0,
    END,
    GET, 4, GET, SUM, I32_WRAP, I32_STORE, 2, 0,
    GET, 4, I32_CONST, 4, I32_ADD, SET, 4,
    BR, 0,
    END,
    END,
    END,
  ];
};

/**
 * int4(codesAt, stride, count, scoresAt, cut, queryAt, outAt) → m: for each code c
 * of `count` (`stride` bytes apart, a multiple of 16) whose i32 score at scoresAt
 * is at least `cut`, stores c and its int4 · int8 dot product as two i32 at
 * outAt + 8·m, m counting from 0. The query holds, for each 32 dimensions, the 16
 * even ones, then the 16 odd ones (the low and high nibbles of 16 code bytes).
 */
const int4Body = (): number[] => {
  // Params: 0 codesAt, 1 stride, 2 count, 3 scoresAt, 4 cut, 5 queryAt, 6 outAt | 7 c, 8 m, 9 p, 10 end, 11 q (i32), 12 acc, 13 x, 14 half (v128).
  const C = 7, M = 8, P = 9, E = 10, Q = 11, ACC = 12, X = 13, H = 14;
  const load = (local: number, offset: number) => [GET, local, ...V128_LOAD, 4, ...leb(offset)];
  // The products of one half (even or odd dimensions, in `H`) with its query half, summed to 16 bits.
  const products = (offset: number) => [
    GET, H, ...load(Q, offset), ...I16X8_EXTMUL_LOW_I8X16_S,
    GET, H, ...load(Q, offset), ...I16X8_EXTMUL_HIGH_I8X16_S,
    ...I16X8_ADD,
  ];
  const lane = (i: number) => [GET, ACC, ...I32X4_LANE, i];
  return [
    ...vec([[5, I32], [3, V128]]),
    I32_CONST, 0, SET, C,
    I32_CONST, 0, SET, M,
    BLOCK, VOID,
    LOOP, VOID,
    GET, C, GET, 2, I32_GE_U, BR_IF, 1,
    BLOCK, VOID,
    GET, 3, GET, C, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, 2, 0, GET, 4, I32_LT_S, BR_IF, 0,
    GET, 0, GET, C, GET, 1, I32_MUL, I32_ADD, SET, P,
    GET, P, GET, 1, I32_ADD, SET, E,
    GET, 5, SET, Q,
    ...V128_CONST, ...new Array<number>(16).fill(0), SET, ACC,
    LOOP, VOID,
    GET, P, ...V128_LOAD, 4, 0, SET, X,
    // Even dimensions: the low nibbles, shifted up and back down with their sign.
    GET, X, I32_CONST, 4, ...I8X16_SHL, I32_CONST, 4, ...I8X16_SHR_S, SET, H,
    ...products(0),
    GET, X, I32_CONST, 4, ...I8X16_SHR_S, SET, H,
    ...products(16),
    ...I16X8_ADD,
    ...I32X4_EXTADD_I16X8_S,
    GET, ACC, ...I32X4_ADD, SET, ACC,
    GET, Q, I32_CONST, 32, I32_ADD, SET, Q,
    GET, P, I32_CONST, 16, I32_ADD, SET, P,
    GET, P, GET, E, I32_LT_U, BR_IF, 0,
    END,
    GET, 6, GET, M, I32_CONST, 3, I32_SHL, I32_ADD, GET, C, I32_STORE, 2, 0,
    GET, 6, GET, M, I32_CONST, 3, I32_SHL, I32_ADD,
    ...lane(0), ...lane(1), I32_ADD, ...lane(2), I32_ADD, ...lane(3), I32_ADD,
    I32_STORE, 2, 4,
    GET, M, I32_CONST, 1, I32_ADD, SET, M,
    END,
    GET, C, I32_CONST, 1, I32_ADD, SET, C,
    BR, 0,
    END,
    END,
    GET, M,
    END,
  ];
};

const moduleBytes = (): Uint8Array => {
  const bodies = [scanBody(), int4Body()];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([
      [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0],
      [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([[I32]])],
    ])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name('scan'), 0x00, 0], [...name('int4'), 0x00, 1]])),
    ...section(10, vec(bodies.map((body) => [...leb(body.length), ...body]))),
  ]);
};

/** The slice of the WebAssembly API used here (the project's libs declare no DOM, where its types live). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (desc: { initial: number }) => { readonly buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

let compiled: object | undefined;
const scanModule = () => (compiled ??= new wasm.Module(moduleBytes()));

/** A query prepared for the kernel: its planes, and what turns a kernel score into a dot-product estimate. */
export interface SignQuery {
  readonly dims: number;
  /** Four bit planes, interleaved a 64-bit word at a time. */
  readonly planes: Uint8Array;
  readonly step: number;
  /** Σv − 7·dims: with the step, maps a kernel score to the estimate. */
  readonly offset: number;
}

export const prepareSignQuery = (query: Float32Array): SignQuery => {
  const dims = query.length;
  const words = Math.ceil(dims / 64);
  let max = 0;
  for (let i = 0; i < dims; i++) max = Math.max(max, Math.abs(query[i]!));
  const step = max / 7 || 1;
  const planes = new Uint8Array(words * PLANES * 8);
  let sumV = 0;
  for (let i = 0; i < dims; i++) {
    const v = Math.min(14, Math.max(0, Math.round(query[i]! / step) + 7));
    sumV += v;
    const word = i >> 6, bit = i & 63;
    for (let p = 0; p < PLANES; p++) if ((v >> p) & 1) planes[(word * PLANES + p) * 8 + (bit >> 3)]! |= 1 << (bit & 7);
  }
  return { dims, planes, step, offset: sumV - 7 * dims };
};

/** A kernel score as an estimate of the dot product with a unit vector (signs as ±1/√dims). */
export const signEstimate = (q: SignQuery, score: number): number => (q.step * (2 * score - q.offset)) / Math.sqrt(q.dims);

/** One segment's sign bits in WebAssembly memory, ready to score every code. */
export interface SignScanner {
  readonly count: number;
  /** Memory it holds. */
  readonly bytes: number;
  /** Kernel scores of every code against the query (a view, overwritten by the next scan). */
  scan(q: SignQuery): Int32Array;
  /**
   * For int4 codes: each code whose score in the last scan is at least `cut`, and its int4
   * dot product with `q` in query steps times code levels, as (code, dot) pairs (a view,
   * overwritten by the next call). Undefined for other kinds.
   */
  readonly int4: ((q: Int4Query, cut: number) => Int32Array) | undefined;
}

/** Sign bits (1 = above zero) of code byte values, two dimensions a byte of int4. */
const INT4_SIGNS = Uint8Array.from({ length: 256 }, (_, b) => ((b & 0xf) >= 1 && (b & 0xf) <= 7 ? 1 : 0) | ((b >> 4) >= 1 && (b >> 4) <= 7 ? 2 : 0));

/** Writes the sign bits of code `c` as `words` u64 words at `out[at…]`. */
const writeSigns = (seg: CodeSegment, c: number, out: Uint8Array, at: number): void => {
  const { codes, codeBytes, dims } = seg;
  const from = c * codeBytes;
  switch (seg.kind) {
    case 'binary':
      out.set(codes.subarray(from, from + codeBytes), at);
      return;
    case 'ternary':
      // The positive plane comes first.
      out.set(codes.subarray(from, from + (codeBytes >> 1)), at);
      return;
    case 'int4':
      for (let j = 0, i = 0; i < dims; j++, i += 8) {
        const t = from + 4 * j;
        out[at + j] = INT4_SIGNS[codes[t]!]! | (INT4_SIGNS[codes[t + 1] ?? 0]! << 2) | (INT4_SIGNS[codes[t + 2] ?? 0]! << 4) | (INT4_SIGNS[codes[t + 3] ?? 0]! << 6);
      }
      return;
    case 'int8':
      for (let i = 0; i < dims; i++) if (codes[from + i]! >= 1 && codes[from + i]! <= 127) out[at + (i >> 3)]! |= 1 << (i & 7);
  }
};

const align16 = (n: number) => (n + 15) & ~15;

/** Bytes between int4 codes in scanner memory: whole 16-byte lanes, zero-padded. */
const strideOf = (dims: number) => align16(Math.ceil(dims / 2));

/**
 * The sign bits of every int4 code, eight dimensions (one 32-bit word of nibbles) at a
 * time: a nibble is positive when not zero and its top bit clear; the eight bit-0s of
 * those tests, four apart, are gathered into one byte. Codes must be whole words
 * (dims a multiple of 8); about ten times faster than a table lookup a byte.
 */
const writeInt4Signs = (seg: CodeSegment, heap: Uint8Array, codesAt: number, words: number): void => {
  const { codes, count, dims } = seg;
  const aligned = codes.byteOffset % 4 === 0 ? codes : codes.slice();
  const nibbles = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
  const perCode = dims >> 3;
  for (let c = 0, w = 0; c < count; c++) {
    const to = codesAt + 8 * words * c;
    for (let j = 0; j < perCode; j++, w++) {
      const x = nibbles[w]!;
      let b = (x | (x >>> 1) | (x >>> 2) | (x >>> 3)) & ~(x >>> 3) & 0x11111111;
      b = (b | (b >>> 3)) & 0x03030303;
      b = (b | (b >>> 6)) & 0x000f000f;
      heap[to + j] = (b | (b >>> 12)) & 0xff;
    }
  }
};

const layoutOf = (seg: CodeSegment) => {
  const words = Math.ceil(seg.dims / 64);
  const pairsAt = align16(SCORES_AT + 4 * seg.count);
  const codesAt = align16(pairsAt + 8 * seg.count);
  const int4At = align16(codesAt + 8 * words * seg.count);
  const stride = strideOf(seg.dims);
  const end = seg.kind === 'int4' ? int4At + stride * seg.count : int4At;
  return { words, pairsAt, codesAt, int4At, stride, pages: Math.max(1, Math.ceil(end / PAGE)) };
};

/** Memory a scanner of these codes holds: about 332 bytes a code at 512 dimensions for int4, 68 for other kinds. */
export const signScannerBytes = (seg: CodeSegment): number => layoutOf(seg).pages * PAGE;

/** A query prepared for the int4 stage: int8 levels, even and odd dimensions apart, and their step. */
export interface Int4Query {
  readonly dims: number;
  readonly bytes: Uint8Array;
  /** The query is about `step` times its levels. */
  readonly step: number;
}

export const prepareInt4Query = (query: Float32Array): Int4Query => {
  const dims = query.length;
  if (dims > MAX_DIMS) throw new Error(`int4 scan: ${dims} dimensions, at most ${MAX_DIMS}`);
  let max = 0;
  for (let i = 0; i < dims; i++) max = Math.max(max, Math.abs(query[i]!));
  const step = max / 127 || 1;
  const bytes = new Uint8Array(2 * strideOf(dims));
  // Each 32 dimensions: the 16 even ones (low nibbles of 16 code bytes), then the 16 odd ones.
  for (let i = 0; i < dims; i++) bytes[(i & ~31) + ((i & 1) << 4) + ((i & 31) >> 1)] = Math.round(query[i]! / step) & 0xff;
  return { dims, bytes, step };
};

export const createSignScanner = (seg: CodeSegment): SignScanner => {
  const { words, pairsAt, codesAt, int4At, stride, pages } = layoutOf(seg);
  const memory = new wasm.Memory({ initial: pages });
  const heap = new Uint8Array(memory.buffer);
  if (seg.kind === 'int4' && seg.dims % 8 === 0) writeInt4Signs(seg, heap, codesAt, words);
  else for (let c = 0; c < seg.count; c++) writeSigns(seg, c, heap, codesAt + 8 * words * c);
  if (seg.kind === 'int4' && seg.dims % 8 !== 0) {
    // An int4 code whose dimensions are not a multiple of 8 ends mid-byte group: its last
    // sign byte took bits from the next code's nibbles. Bits past the last dimension must
    // be clear, so that they count in neither A nor ones.
    const tail = seg.dims % 8, lastByte = (seg.dims - 1) >> 3;
    for (let c = 0; c < seg.count; c++) heap[codesAt + 8 * words * c + lastByte]! &= (1 << tail) - 1;
  }
  if (seg.kind === 'int4') {
    if (stride === seg.codeBytes) heap.set(seg.codes, int4At);
    else for (let c = 0; c < seg.count; c++) heap.set(seg.codes.subarray(c * seg.codeBytes, (c + 1) * seg.codeBytes), int4At + c * stride);
  }
  const exports = new wasm.Instance(scanModule(), { env: { mem: memory } }).exports;
  const scan = exports.scan as (...args: number[]) => void;
  const int4 = exports.int4 as (...args: number[]) => number;
  const scores = new Int32Array(memory.buffer, SCORES_AT, seg.count);
  return {
    count: seg.count,
    bytes: memory.buffer.byteLength,
    scan(q) {
      if (q.dims !== seg.dims) throw new Error(`sign scan: a query of ${q.dims} dimensions for codes of ${seg.dims}`);
      heap.set(q.planes, 0);
      scan(codesAt, seg.count, words, 0, SCORES_AT);
      return scores;
    },
    int4: seg.kind !== 'int4' ? undefined : (q, cut) => {
      if (q.dims !== seg.dims) throw new Error(`int4 scan: a query of ${q.dims} dimensions for codes of ${seg.dims}`);
      heap.set(q.bytes, INT4_QUERY_AT);
      const m = int4(int4At, stride, seg.count, SCORES_AT, cut, INT4_QUERY_AT, pairsAt);
      return new Int32Array(memory.buffer, pairsAt, 2 * m);
    },
  };
};
