/**
 * The part of bn.js the AWS Encryption SDK uses, on the language's own BigInt.
 * Its users: the body AAD's 64-bit content length and the frame header's
 * (every message), and the ECC point encoders of signing suites, one of which
 * builds Montgomery contexts for P-256 and P-384 when it loads. bn.js is 44 KB
 * of code compiled at every cold start for that; this is what the Lambda
 * bundles load instead (infra/constructs/parley-function.ts), checked against
 * bn.js itself in test/unit/bundle-shims.test.ts.
 */
type Input = number | string | bigint | readonly number[] | Uint8Array;

const fromBytes = (bytes: ArrayLike<number>): bigint => {
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[i]! & 0xff);
  return v;
};

const parse = (input: Input, base?: number | 'hex'): bigint => {
  if (typeof input === 'bigint') return input;
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) throw new Error('BN: expected a safe integer');
    return BigInt(input);
  }
  // bn.js reads an array as big-endian bytes whatever the base.
  if (typeof input !== 'string') return fromBytes(input);
  const radix = base === 'hex' ? 16 : base ?? 10;
  const negative = input.startsWith('-');
  const digits = (negative ? input.slice(1) : input).replace(/\s+/g, '').toLowerCase();
  if (radix !== 10 && radix !== 16) throw new Error(`BN: base ${radix} is not supported here`);
  if (digits === '' || !(radix === 16 ? /^[0-9a-f]+$/ : /^[0-9]+$/).test(digits)) throw new Error('BN: invalid number');
  const v = BigInt(radix === 16 ? `0x${digits}` : digits);
  return negative ? -v : v;
};

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

/** A Montgomery context in bn.js; here only the modulus, since BigInt does the arithmetic. */
class Red {
  readonly m: bigint;

  constructor(m: bigint) {
    this.m = m;
  }
}

export default class BN {
  readonly v: bigint;
  private red?: Red;

  constructor(input: Input | BN, base?: number | 'hex', endian?: 'be' | 'le') {
    if (input instanceof BN) this.v = input.v;
    else if (endian === 'le' && typeof input !== 'string' && typeof input !== 'number' && typeof input !== 'bigint') this.v = fromBytes([...input].reverse());
    else this.v = parse(input, base);
  }

  static mont(m: BN): Red {
    return new Red(m.v);
  }

  add(b: BN): BN { return new BN(this.v + b.v); }
  sub(b: BN): BN { return new BN(this.v - b.v); }
  mul(b: BN): BN { return new BN(this.v * b.v); }
  /** Truncating, as bn.js's div. */
  div(b: BN): BN { return new BN(this.v / b.v); }
  /** The remainder with the sign of this number, as bn.js's mod. */
  mod(b: BN): BN { return new BN(this.v % b.v); }
  pow(b: BN): BN { return new BN(this.v ** b.v); }
  eq(b: BN): boolean { return this.v === b.v; }

  bitLength(): number {
    return this.v === 0n ? 0 : (this.v < 0n ? -this.v : this.v).toString(2).length;
  }

  byteLength(): number {
    return Math.ceil(this.bitLength() / 8);
  }

  /** bn.js refuses what a double cannot hold exactly. */
  toNumber(): number {
    if (this.bitLength() > 53) throw new Error('Number can only safely store up to 53 bits');
    return Number(this.v);
  }

  toString(base: number | 'hex' = 10): string {
    return this.v.toString(base === 'hex' ? 16 : base);
  }

  toArray(endian: 'be' | 'le' = 'be', length?: number): number[] {
    if (this.v < 0n) throw new Error('BN: toArray of a negative number');
    const size = Math.max(1, this.byteLength());
    const width = length ?? size;
    if (size > width) throw new Error('byte array longer than desired length');
    const out = new Array<number>(width).fill(0);
    let v = this.v;
    for (let i = width - 1; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
    return endian === 'le' ? out.reverse() : out;
  }

  toRed(ctx: Red): BN {
    const r = new BN(mod(this.v, ctx.m));
    r.red = ctx;
    return r;
  }

  fromRed(): BN {
    return new BN(this.v);
  }

  /** Modular exponentiation in the number's reduction context. */
  redPow(e: BN): BN {
    if (!this.red) throw new Error('redPow works only with red numbers');
    const m = this.red.m;
    let result = 1n;
    let base = mod(this.v, m);
    for (let k = e.v; k > 0n; k >>= 1n) {
      if (k & 1n) result = (result * base) % m;
      base = (base * base) % m;
    }
    return new BN(result).toRed(this.red);
  }
}
