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
 * Memory of one scanner (one WebAssembly memory a segment): the query planes,
 * an i32 score a code, and the codes padded to whole 64-bit words.
 */
import type { CodeSegment } from './vector-codes.ts';

const PLANES = 4;
/** Where the query planes end and the scores begin: room for 16,384 dimensions. */
const SCORES_AT = 8192;
const PAGE = 65536;

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

const moduleBytes = (): Uint8Array => {
  const body = scanBody();
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('scan'), 0x00, 0]])),
    ...section(10, vec([[...leb(body.length), ...body]])),
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

const layoutOf = (seg: CodeSegment) => {
  const words = Math.ceil(seg.dims / 64);
  const codesAt = SCORES_AT + 8 * Math.ceil((4 * seg.count) / 8);
  return { words, codesAt, pages: Math.max(1, Math.ceil((codesAt + 8 * words * seg.count) / PAGE)) };
};

/** Memory a scanner of these codes holds: about 68 bytes a code at 512 dimensions. */
export const signScannerBytes = (seg: CodeSegment): number => layoutOf(seg).pages * PAGE;

export const createSignScanner = (seg: CodeSegment): SignScanner => {
  const { words, codesAt, pages } = layoutOf(seg);
  const memory = new wasm.Memory({ initial: pages });
  const heap = new Uint8Array(memory.buffer);
  for (let c = 0; c < seg.count; c++) writeSigns(seg, c, heap, codesAt + 8 * words * c);
  if (seg.kind === 'int4' && seg.dims % 8 !== 0) {
    // An int4 code whose dimensions are not a multiple of 8 ends mid-byte group: its last
    // sign byte took bits from the next code's nibbles. Bits past the last dimension must
    // be clear, so that they count in neither A nor ones.
    const tail = seg.dims % 8, lastByte = (seg.dims - 1) >> 3;
    for (let c = 0; c < seg.count; c++) heap[codesAt + 8 * words * c + lastByte]! &= (1 << tail) - 1;
  }
  const scan = new wasm.Instance(scanModule(), { env: { mem: memory } }).exports.scan as (...args: number[]) => void;
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
  };
};
