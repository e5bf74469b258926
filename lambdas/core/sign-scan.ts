/**
 * The first stage of dense search: one sign bit a dimension for every code,
 * scored against the float query by table lookups in a tiny WebAssembly
 * function, sixteen codes at a time in 128-bit SIMD lanes (JavaScript has no
 * byte shuffle; a byte-table scan of 100k codes in JavaScript costs ten times as much).
 *
 * The bits are derived from a segment's stored codes when it is opened (int4:
 * the nibble is above zero), so every stored segment, old or new, has them
 * without a change of format; a zero nibble reads as negative, which measured
 * no worse than the true sign of those (small) components.
 *
 * Each four dimensions (a nibble of sign bits) have a 16-entry table of the
 * query: entry b is Σ ±q_i over those dimensions (+ where bit i of b is set),
 * rounded to a signed byte in steps of `step`. The bits sit transposed, in
 * blocks of 16 codes: byte j of the 16 codes of a block fill one 128-bit lane,
 * so one `i8x16.swizzle` looks up a nibble of sixteen codes in its table at
 * once; sums go to 16-bit lanes. A code's score is thus its estimated dot
 * product with the query's signs in units of `step`, comparable across segments
 * (one query, one quantisation). Entries are bounded so that no sum can
 * overflow 16 bits: ±63 up to 2,080 dimensions, fewer levels above.
 *
 * The second stage runs in the same memory for int4 codes (the stored kind):
 * `int4` walks the scores the last scan left, and for each code at or above a
 * cut takes its int4 dot product with an int8 query, 16 code bytes (32
 * dimensions) at a time in 128-bit SIMD lanes: with relaxed SIMD, one dot
 * product instruction a half (even or odd dimensions, nibbles read as level + 8);
 * else nibbles sign-extended by shifts, multiplied out to 16 bits, summed
 * pairwise to 32 bits. The relaxed kernel took 0.95 ms instead of 1.25 for 5,000
 * of 100k codes not in the CPU caches (0.40 instead of 0.66 in them); a
 * byte-table scan of the same codes in JavaScript costs about ten times as much.
 *
 * Memory of one scanner (one WebAssembly memory a segment): the two queries,
 * an i16 score a code, room for the second stage's (code, dot) pairs, the sign
 * bits (blocks of 16 codes), and for int4 a copy of the codes padded to 16
 * bytes (about 330 bytes a code at 512 dimensions, 74 without the copy).
 */
import type { CodeSegment } from './vector-codes.ts';

const MAX_DIMS = 16384;
/** Where the nibble tables sit (32 bytes a sign byte); the int4 query and the scores follow, as the dimensions need. */
const TABLES_AT = 0;
const PAGE = 65536;
/** Codes a block: one 128-bit lane of sign bytes. */
const BLOCK = 16;

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
const I32 = 0x7f;
const BLOCK_OP = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const GET = 0x20, SET = 0x21;
const I32_CONST = 0x41, I32_STORE = 0x36, I32_LOAD16_S = 0x2e;
const I32_EQZ = 0x45, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_SHL = 0x74, I32_GE_U = 0x4f, I32_LT_U = 0x49, I32_LT_S = 0x48;
const V128 = 0x7b, SIMD = 0xfd;
// SIMD opcodes (after the 0xfd prefix, as LEB128).
const V128_LOAD = [SIMD, 0x00], V128_STORE = [SIMD, 0x0b], V128_CONST = [SIMD, 0x0c], V128_AND = [SIMD, 0x4e], V128_XOR = [SIMD, 0x51], I8X16_SWIZZLE = [SIMD, 0x0e];
// Relaxed SIMD: i8 × 7-bit products summed four at a time into i32 lanes, plus an accumulator.
const I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S = [SIMD, 0x93, 0x02];
const I32X4_LANE = [SIMD, 0x1b];
const I8X16_SHL = [SIMD, 0x6b], I8X16_SHR_S = [SIMD, 0x6c], I8X16_SHR_U = [SIMD, 0x6d], I8X16_ADD = [SIMD, 0x6e], I32X4_EXTADD_I16X8_S = [SIMD, 0x7e];
const I16X8_EXTEND_LOW_I8X16_S = [SIMD, 0x87, 0x01], I16X8_EXTEND_HIGH_I8X16_S = [SIMD, 0x88, 0x01];
const I16X8_ADD = [SIMD, 0x8e, 0x01], I16X8_EXTMUL_LOW_I8X16_S = [SIMD, 0x9c, 0x01], I16X8_EXTMUL_HIGH_I8X16_S = [SIMD, 0x9d, 0x01], I32X4_ADD = [SIMD, 0xae, 0x01];

/**
 * scan(codesAt, blocks, rowBytes, tablesAt, outAt): for each of `blocks` blocks of 16
 * codes from `codesAt` (sign byte j of the block's codes in the 16 bytes at
 * codesAt + 16·j, rowBytes of them), stores the codes' scores as 16 i16 at outAt.
 * The tables of byte j sit at tablesAt + 32·j: low nibble, then high nibble.
 */
const scanBody = (): number[] => {
  // Locals: 0 codesAt, 1 blocks, 2 rowBytes, 3 tablesAt, 4 outAt | 5 t, 6 end (i32), 7 acc0, 8 acc1, 9 x, 10 s (v128).
  const T = 5, E = 6, A0 = 7, A1 = 8, X = 9, S = 10;
  const zero = [...V128_CONST, ...new Array<number>(16).fill(0)];
  return [
    ...vec([[2, I32], [4, V128]]),
    BLOCK_OP, VOID,
    LOOP, VOID,
    GET, 1, I32_EQZ, BR_IF, 1,
    ...zero, SET, A0,
    ...zero, SET, A1,
    GET, 3, SET, T,
    GET, 0, GET, 2, I32_CONST, 4, I32_SHL, I32_ADD, SET, E,
    LOOP, VOID,
    GET, 0, ...V128_LOAD, 4, 0, SET, X,
    GET, T, ...V128_LOAD, 4, 0,
    GET, X, ...V128_CONST, ...new Array<number>(16).fill(0x0f), ...V128_AND,
    ...I8X16_SWIZZLE,
    GET, T, ...V128_LOAD, 4, 16,
    GET, X, I32_CONST, 4, ...I8X16_SHR_U,
    ...I8X16_SWIZZLE,
    ...I8X16_ADD, SET, S,
    GET, A0, GET, S, ...I16X8_EXTEND_LOW_I8X16_S, ...I16X8_ADD, SET, A0,
    GET, A1, GET, S, ...I16X8_EXTEND_HIGH_I8X16_S, ...I16X8_ADD, SET, A1,
    GET, T, I32_CONST, 32, I32_ADD, SET, T,
    GET, 0, I32_CONST, 16, I32_ADD, SET, 0,
    GET, 0, GET, E, I32_LT_U, BR_IF, 0,
    END,
    GET, 4, GET, A0, ...V128_STORE, 4, 0,
    GET, 4, GET, A1, ...V128_STORE, 4, 16,
    GET, 4, I32_CONST, 32, I32_ADD, SET, 4,
    GET, 1, I32_CONST, 1, I32_SUB, SET, 1,
    BR, 0,
    END,
    END,
    END,
  ];
};

/**
 * int4(codesAt, stride, count, scoresAt, cut, queryAt, outAt) → m: for each code c
 * of `count` (`stride` bytes apart, a multiple of 16) whose i16 score at scoresAt
 * is at least `cut`, stores c and its int4 · int8 dot product as two i32 at
 * outAt + 8·m, m counting from 0. The query holds, for each 32 dimensions, the 16
 * even ones, then the 16 odd ones (the low and high nibbles of 16 code bytes), and
 * after them an i32x4 added to each code's sum.
 *
 * With relaxed SIMD (`relaxed`), each nibble is read as level + 8 (its top bit
 * flipped: 1…15, within the 7 bits the relaxed dot product takes exactly on every
 * platform) and multiplied out four at a time into i32 lanes in one instruction;
 * the query's trailing vector then holds −8·Σq. Without, nibbles are sign-extended
 * by shifts and multiplied out to 16 bits, and the trailing vector is zero.
 */
const int4Body = (relaxed: boolean): number[] => {
  // Params: 0 codesAt, 1 stride, 2 count, 3 scoresAt, 4 cut, 5 queryAt, 6 outAt | 7 c, 8 m, 9 p, 10 end, 11 q (i32), 12 acc, 13 x, 14 half (v128).
  const C = 7, M = 8, P = 9, E = 10, Q = 11, ACC = 12, X = 13, H = 14;
  const load = (local: number, offset: number) => [GET, local, ...V128_LOAD, 4, ...leb(offset)];
  // The products of one half (even or odd dimensions, in `H`) with its query half, summed to 16 bits.
  const products = (offset: number) => [
    GET, H, ...load(Q, offset), ...I16X8_EXTMUL_LOW_I8X16_S,
    GET, H, ...load(Q, offset), ...I16X8_EXTMUL_HIGH_I8X16_S,
    ...I16X8_ADD,
  ];
  const step = relaxed
    ? [
      GET, P, ...V128_LOAD, 4, 0, ...V128_CONST, ...new Array<number>(16).fill(0x88), ...V128_XOR, SET, X,
      ...load(Q, 0), GET, X, ...V128_CONST, ...new Array<number>(16).fill(0x0f), ...V128_AND, GET, ACC, ...I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S,
      SET, ACC,
      ...load(Q, 16), GET, X, I32_CONST, 4, ...I8X16_SHR_U, GET, ACC, ...I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S,
      SET, ACC,
    ]
    : [
      GET, P, ...V128_LOAD, 4, 0, SET, X,
      // Even dimensions: the low nibbles, shifted up and back down with their sign.
      GET, X, I32_CONST, 4, ...I8X16_SHL, I32_CONST, 4, ...I8X16_SHR_S, SET, H,
      ...products(0),
      GET, X, I32_CONST, 4, ...I8X16_SHR_S, SET, H,
      ...products(16),
      ...I16X8_ADD,
      ...I32X4_EXTADD_I16X8_S,
      GET, ACC, ...I32X4_ADD, SET, ACC,
    ];
  const lane = (i: number) => [GET, ACC, ...I32X4_LANE, i];
  return [
    ...vec([[5, I32], [3, V128]]),
    I32_CONST, 0, SET, C,
    I32_CONST, 0, SET, M,
    BLOCK_OP, VOID,
    LOOP, VOID,
    GET, C, GET, 2, I32_GE_U, BR_IF, 1,
    BLOCK_OP, VOID,
    GET, 3, GET, C, I32_CONST, 1, I32_SHL, I32_ADD, I32_LOAD16_S, 1, 0, GET, 4, I32_LT_S, BR_IF, 0,
    GET, 0, GET, C, GET, 1, I32_MUL, I32_ADD, SET, P,
    GET, P, GET, 1, I32_ADD, SET, E,
    GET, 5, SET, Q,
    ...V128_CONST, ...new Array<number>(16).fill(0), SET, ACC,
    LOOP, VOID,
    ...step,
    GET, Q, I32_CONST, 32, I32_ADD, SET, Q,
    GET, P, I32_CONST, 16, I32_ADD, SET, P,
    GET, P, GET, E, I32_LT_U, BR_IF, 0,
    END,
    // The query's trailing vector, where the loop left Q.
    GET, ACC, ...load(Q, 0), ...I32X4_ADD, SET, ACC,
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

const moduleBytes = (relaxed: boolean): Uint8Array => {
  const bodies = [scanBody(), int4Body(relaxed)];
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

interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
/** The slice of the WebAssembly API used here (the project's libs declare no DOM, where its types live). */
interface Wasm {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Memory: new (desc: { initial: number }) => WasmMemory;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

/** Whether this engine has relaxed SIMD (Node 24's has; the plain kernel serves otherwise). */
export const RELAXED_SIMD = wasm.validate(moduleBytes(true));
const compiled = new Map<boolean, object>();
const scanModule = (relaxed: boolean) => {
  let module = compiled.get(relaxed);
  if (!module) compiled.set(relaxed, (module = new wasm.Module(moduleBytes(relaxed))));
  return module;
};

/** A query prepared for the kernel: its nibble tables, and what turns a kernel score into a dot-product estimate. */
export interface SignQuery {
  readonly dims: number;
  /** For each sign byte, 16 signed bytes for its low nibble, then 16 for its high one. */
  readonly tables: Uint8Array;
  /** The query's dot product with a code's signs (±1) is about `step` times its score. */
  readonly step: number;
  /** Scores lie within ±span. */
  readonly span: number;
}

/** Sign bytes a code: eight dimensions a byte. */
const rowBytesOf = (dims: number) => Math.ceil(dims / 8);

export const prepareSignQuery = (query: Float32Array): SignQuery => {
  const dims = query.length;
  if (dims > MAX_DIMS) throw new Error(`sign scan: ${dims} dimensions, at most ${MAX_DIMS}`);
  const rows = rowBytesOf(dims);
  // Two entries a sign byte add up in 16-bit lanes: bound them so that no sum of a code can overflow.
  const levels = Math.min(63, Math.floor(32767 / (2 * rows)));
  const q = (i: number) => (i < dims ? query[i]! : 0);
  let widest = 0;
  for (let i = 0; i < dims; i += 4) widest = Math.max(widest, Math.abs(q(i)) + Math.abs(q(i + 1)) + Math.abs(q(i + 2)) + Math.abs(q(i + 3)));
  const step = widest / levels || 1;
  const tables = new Uint8Array(32 * rows);
  for (let n = 0; n < 2 * rows; n++) {
    const first = 4 * n;
    for (let b = 0; b < 16; b++) {
      let sum = 0;
      for (let d = 0; d < 4; d++) sum += (b >> d) & 1 ? q(first + d) : -q(first + d);
      tables[16 * n + b] = Math.round(sum / step) & 0xff;
    }
  }
  return { dims, tables, step, span: 2 * levels * rows };
};

/** A kernel score as an estimate of the dot product with a unit vector (signs as ±1/√dims). */
export const signEstimate = (q: SignQuery, score: number): number => (q.step * score) / Math.sqrt(q.dims);

/** One segment's sign bits in WebAssembly memory, ready to score every code. */
export interface SignScanner {
  readonly count: number;
  /** Memory it holds. */
  readonly bytes: number;
  /** Kernel scores of every code against the query (a view, overwritten by the next scan). */
  scan(q: SignQuery): Int16Array;
  /**
   * For int4 codes: each code whose score in the last scan is at least `cut`, and its int4
   * dot product with `q` in query steps times code levels, as (code, dot) pairs (a view,
   * overwritten by the next call). Undefined for other kinds.
   */
  readonly int4: ((q: Int4Query, cut: number) => Int32Array) | undefined;
  /**
   * The int4 codes as the scanner holds them, when they lie there back to back as stored
   * (no padding: dimensions a multiple of 32): a view its owner may use instead of its own copy.
   */
  readonly codes: Uint8Array | undefined;
}

/** Sign bits (1 = above zero) of code byte values, two dimensions a byte of int4. */
const INT4_SIGNS = Uint8Array.from({ length: 256 }, (_, b) => ((b & 0xf) >= 1 && (b & 0xf) <= 7 ? 1 : 0) | ((b >> 4) >= 1 && (b >> 4) <= 7 ? 2 : 0));

/** Where sign byte j of code c sits: blocks of 16 codes, byte j of the block's codes side by side. */
const signAt = (codesAt: number, rowBytes: number, c: number, j: number) => codesAt + (c >> 4) * BLOCK * rowBytes + BLOCK * j + (c & 15);

/** Writes the sign bits of code `c` (one byte each eight dimensions) to `row`. */
const writeSigns = (seg: CodeSegment, c: number, row: Uint8Array): void => {
  const { codes, codeBytes, dims } = seg;
  const from = c * codeBytes;
  row.fill(0);
  switch (seg.kind) {
    case 'binary':
      row.set(codes.subarray(from, from + codeBytes));
      return;
    case 'ternary':
      // The positive plane comes first.
      row.set(codes.subarray(from, from + (codeBytes >> 1)));
      return;
    case 'int4':
      // Bits past the last dimension may come from the next code: the query's tables weigh them 0.
      for (let j = 0, i = 0; i < dims; j++, i += 8) {
        const t = from + 4 * j;
        row[j] = INT4_SIGNS[codes[t]!]! | (INT4_SIGNS[codes[t + 1] ?? 0]! << 2) | (INT4_SIGNS[codes[t + 2] ?? 0]! << 4) | (INT4_SIGNS[codes[t + 3] ?? 0]! << 6);
      }
      return;
    case 'int8':
      for (let i = 0; i < dims; i++) if (codes[from + i]! >= 1 && codes[from + i]! <= 127) row[i >> 3]! |= 1 << (i & 7);
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
const writeInt4Signs = (seg: CodeSegment, heap: Uint8Array, codesAt: number, rowBytes: number): void => {
  const { codes, count, dims } = seg;
  const aligned = codes.byteOffset % 4 === 0 ? codes : codes.slice();
  const nibbles = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
  const perCode = dims >> 3;
  for (let c = 0, w = 0; c < count; c++) {
    const to = signAt(codesAt, rowBytes, c, 0);
    for (let j = 0; j < perCode; j++, w++) {
      const x = nibbles[w]!;
      let b = (x | (x >>> 1) | (x >>> 2) | (x >>> 3)) & ~(x >>> 3) & 0x11111111;
      b = (b | (b >>> 3)) & 0x03030303;
      b = (b | (b >>> 6)) & 0x000f000f;
      heap[to + BLOCK * j] = (b | (b >>> 12)) & 0xff;
    }
  }
};

const layoutOf = (seg: CodeSegment) => {
  const rowBytes = rowBytesOf(seg.dims);
  const blocks = Math.ceil(seg.count / BLOCK);
  const stride = strideOf(seg.dims);
  const int4QueryAt = align16(TABLES_AT + 32 * rowBytes);
  const scoresAt = align16(int4QueryAt + 2 * stride + 16);
  const pairsAt = align16(scoresAt + 2 * BLOCK * blocks);
  const codesAt = align16(pairsAt + 8 * seg.count);
  const int4At = align16(codesAt + BLOCK * rowBytes * blocks);
  const end = seg.kind === 'int4' ? int4At + stride * seg.count : int4At;
  return { rowBytes, blocks, int4QueryAt, scoresAt, pairsAt, codesAt, int4At, stride, pages: Math.max(1, Math.ceil(end / PAGE)) };
};

/** Memory a scanner of these codes holds: about 330 bytes a code at 512 dimensions for int4, 74 for other kinds. */
export const signScannerBytes = (seg: CodeSegment): number => layoutOf(seg).pages * PAGE;

/** A query prepared for the int4 stage: int8 levels, even and odd dimensions apart, and their step. */
export interface Int4Query {
  readonly dims: number;
  /** For the relaxed kernel (see `int4Body`). */
  readonly relaxed: boolean;
  readonly bytes: Uint8Array;
  /** The query is about `step` times its levels. */
  readonly step: number;
}

/** `relaxed` chooses the kernel variant, for tests: the engine's best by default. */
export const prepareInt4Query = (query: Float32Array, relaxed = RELAXED_SIMD): Int4Query => {
  const dims = query.length;
  if (dims > MAX_DIMS) throw new Error(`int4 scan: ${dims} dimensions, at most ${MAX_DIMS}`);
  let max = 0;
  for (let i = 0; i < dims; i++) max = Math.max(max, Math.abs(query[i]!));
  const step = max / 127 || 1;
  const stride = strideOf(dims);
  const bytes = new Uint8Array(2 * stride + 16);
  // Each 32 dimensions: the 16 even ones (low nibbles of 16 code bytes), then the 16 odd ones.
  let sum = 0;
  for (let i = 0; i < dims; i++) {
    const level = Math.round(query[i]! / step);
    sum += level;
    bytes[(i & ~31) + ((i & 1) << 4) + ((i & 31) >> 1)] = level & 0xff;
  }
  // The relaxed kernel reads each nibble as its level + 8: take 8·Σq back off.
  if (relaxed) new DataView(bytes.buffer).setInt32(2 * stride, -8 * sum, true);
  return { dims, relaxed, bytes, step };
};

/** Writes the sign bits of every code of `seg`, transposed in blocks, from `codesAt` of `heap`. */
const writeAllSigns = (seg: CodeSegment, heap: Uint8Array, codesAt: number, rowBytes: number): void => {
  if (seg.kind === 'int4' && seg.dims % 8 === 0) return writeInt4Signs(seg, heap, codesAt, rowBytes);
  const row = new Uint8Array(rowBytes);
  for (let c = 0; c < seg.count; c++) {
    writeSigns(seg, c, row);
    for (let j = 0; j < rowBytes; j++) heap[signAt(codesAt, rowBytes, c, j)] = row[j]!;
  }
};

/** Bytes of the transposed sign bits of `count` codes of `dims` dimensions (whole blocks of 16). */
export const signBytesLength = (count: number, dims: number): number => BLOCK * rowBytesOf(dims) * Math.ceil(count / BLOCK);

/**
 * The sign bits of every code, transposed in blocks as the scanner reads them: what a
 * stored segment keeps apart so that a cold query can scan without the codes.
 */
export const signBytes = (seg: CodeSegment): Uint8Array => {
  const out = new Uint8Array(signBytesLength(seg.count, seg.dims));
  writeAllSigns(seg, out, 0, rowBytesOf(seg.dims));
  return out;
};

/**
 * One WebAssembly memory (and instance) per kernel variant that every sign-only scanner scans
 * in, grown to the largest segment asked: a cold query scans each segment once, so its sign
 * bits are copied in at the scan, not kept in a memory of their own. A new memory's pages are
 * zeroed by the system on first touch, which costs far more than the copy (4 MB: 15 ms against
 * 0.3 ms on this machine), and each memory reserves gigabytes of address space until collected.
 */
const scratch = new Map<boolean, { memory: WasmMemory; scan: (...args: number[]) => void }>();

const scratchFor = (relaxed: boolean, pages: number) => {
  let s = scratch.get(relaxed);
  if (!s) {
    const memory = new wasm.Memory({ initial: pages });
    s = { memory, scan: new wasm.Instance(scanModule(relaxed), { env: { mem: memory } }).exports.scan as (...args: number[]) => void };
    scratch.set(relaxed, s);
  }
  const have = s.memory.buffer.byteLength / PAGE;
  if (have < pages) s.memory.grow(pages - have);
  return s;
};

/**
 * A scanner of stored sign bits (`signBytes`) alone, without the codes: the first stage only
 * (`int4` undefined), for a cold query while the codes are still being read. It holds no
 * memory of its own: each scan copies the bits into the shared scratch memory and returns
 * its scores as an array of their own.
 */
export const createSignOnlyScanner = (signs: Uint8Array, count: number, dims: number, relaxed = RELAXED_SIMD): SignScanner => {
  if (signs.byteLength !== signBytesLength(count, dims)) {
    throw new Error(`sign scan: ${signs.byteLength} sign bytes for ${count} codes of ${dims} dimensions, expected ${signBytesLength(count, dims)}`);
  }
  // The layout of codes of a kind without a copy in scanner memory: no int4 region.
  const { rowBytes, blocks, scoresAt, codesAt, pages } = layoutOf({ kind: 'binary', dims, count, codeBytes: 0, codes: new Uint8Array(0), scales: undefined });
  return {
    count,
    bytes: signs.byteLength,
    codes: undefined,
    scan(q) {
      if (q.dims !== dims) throw new Error(`sign scan: a query of ${q.dims} dimensions for codes of ${dims}`);
      const { memory, scan } = scratchFor(relaxed, pages);
      const heap = new Uint8Array(memory.buffer);
      heap.set(signs, codesAt);
      heap.set(q.tables, TABLES_AT);
      scan(codesAt, blocks, rowBytes, TABLES_AT, scoresAt);
      return new Int16Array(memory.buffer, scoresAt, count).slice();
    },
    int4: undefined,
  };
};

/** `relaxed` chooses the int4 kernel variant, for tests: the engine's best by default. */
export const createSignScanner = (seg: CodeSegment, relaxed = RELAXED_SIMD): SignScanner =>
  scannerOf(seg, relaxed, (heap, codesAt, rowBytes) => writeAllSigns(seg, heap, codesAt, rowBytes));

const scannerOf = (seg: CodeSegment, relaxed: boolean, fillSigns: (heap: Uint8Array, codesAt: number, rowBytes: number) => void): SignScanner => {
  const { rowBytes, blocks, int4QueryAt, scoresAt, pairsAt, codesAt, int4At, stride, pages } = layoutOf(seg);
  const memory = new wasm.Memory({ initial: pages });
  const heap = new Uint8Array(memory.buffer);
  fillSigns(heap, codesAt, rowBytes);
  if (seg.kind === 'int4') {
    if (stride === seg.codeBytes) heap.set(seg.codes, int4At);
    else for (let c = 0; c < seg.count; c++) heap.set(seg.codes.subarray(c * seg.codeBytes, (c + 1) * seg.codeBytes), int4At + c * stride);
  }
  const exports = new wasm.Instance(scanModule(relaxed), { env: { mem: memory } }).exports;
  const scan = exports.scan as (...args: number[]) => void;
  const int4 = exports.int4 as (...args: number[]) => number;
  const scores = new Int16Array(memory.buffer, scoresAt, seg.count);
  return {
    count: seg.count,
    bytes: memory.buffer.byteLength,
    codes: seg.kind === 'int4' && stride === seg.codeBytes ? new Uint8Array(memory.buffer, int4At, stride * seg.count) : undefined,
    scan(q) {
      if (q.dims !== seg.dims) throw new Error(`sign scan: a query of ${q.dims} dimensions for codes of ${seg.dims}`);
      heap.set(q.tables, TABLES_AT);
      scan(codesAt, blocks, rowBytes, TABLES_AT, scoresAt);
      return scores;
    },
    int4: seg.kind !== 'int4' ? undefined : (q, cut) => {
      if (q.dims !== seg.dims) throw new Error(`int4 scan: a query of ${q.dims} dimensions for codes of ${seg.dims}`);
      if (q.relaxed !== relaxed) throw new Error('int4 scan: a query prepared for the other kernel');
      heap.set(q.bytes, int4QueryAt);
      const m = int4(int4At, stride, seg.count, scoresAt, cut, int4QueryAt, pairsAt);
      return new Int32Array(memory.buffer, pairsAt, 2 * m);
    },
  };
};
