/**
 * The Lambda bundles' stand-ins for three dependencies of the AWS Encryption SDK
 * (infra/bundle-shims) do what the packages do for the calls the SDK makes;
 * test/infra/handler-bundles.test.ts runs the SDK itself with them, bundled.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import asn from '../../infra/bundle-shims/asn1-unused.ts';
import BN from '../../infra/bundle-shims/bn.ts';
import * as streams from '../../infra/bundle-shims/readable-stream.ts';

// bn.js itself (no types in the project): the stand-in's own type describes the calls compared.
const RealBN = createRequire(import.meta.url)('bn.js') as typeof BN;

const P256 = 'FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF';
const P384 = 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF';

describe('the bn.js stand-in', () => {
  it('writes and reads 64-bit big-endian lengths as bn.js does (the AAD and the frame header)', () => {
    for (const n of [0, 1, 255, 256, 4096, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
      expect(new BN(n).toArray('be', 8)).toEqual(new RealBN(n).toArray('be', 8));
      const bytes = new RealBN(n).toArray('be', 8);
      expect(new BN(bytes, 16, 'be').toNumber()).toBe(new RealBN(bytes, 16, 'be').toNumber());
    }
    const tooBig = [0x00, 0x40, 0, 0, 0, 0, 0, 0];
    expect(() => new RealBN(tooBig, 16, 'be').toNumber()).toThrow('53 bits');
    expect(() => new BN(tooBig, 16, 'be').toNumber()).toThrow('53 bits');
    expect(() => new RealBN(2 ** 40).toArray('be', 4)).toThrow();
    expect(() => new BN(2 ** 40).toArray('be', 4)).toThrow();
  });

  it('does the curve arithmetic of the ECC point encoders as bn.js does', () => {
    for (const hex of [P256, P384]) {
      const [p, q] = [new BN(hex, 16), new RealBN(hex, 16)];
      const four = [new BN(4), new RealBN(4)] as const;
      expect(p.mod(four[0]).eq(new BN(3))).toBe(q.mod(four[1]).eq(new RealBN(3)));
      expect(p.bitLength()).toBe(q.bitLength());
      const [e, f] = [p.add(new BN(1)).div(four[0]), q.add(new RealBN(1)).div(four[1])];
      expect(e.toString(16)).toBe(f.toString(16));
      const [mont, realMont] = [BN.mont(p), RealBN.mont(q)];
      const len = hex.length / 2;
      for (let i = 0; i < 20; i++) {
        const x = [...randomBytes(len)];
        const [a, b] = [new BN(x), new RealBN(x)];
        const mine = a.pow(new BN(3)).mod(p).add(a.mul(new BN(7)).mod(p)).mod(p).toRed(mont).redPow(e).fromRed();
        const theirs = b.pow(new RealBN(3)).mod(q).add(b.mul(new RealBN(7)).mod(q)).mod(q).toRed(realMont).redPow(f).fromRed();
        expect(mine.toArray('be', len)).toEqual(theirs.toArray('be', len));
        expect(p.sub(mine).toArray('be', len)).toEqual(q.sub(theirs).toArray('be', len));
        expect(mine.mod(new BN(2)).toNumber()).toBe(theirs.mod(new RealBN(2)).toNumber());
      }
    }
  });

  it('refuses what it cannot read', () => {
    expect(() => new BN('xyz', 16)).toThrow('invalid number');
    expect(() => new BN(1.5)).toThrow('safe integer');
    expect(() => new BN(2).redPow(new BN(2))).toThrow('red');
  });
});

describe('the readable-stream stand-in', () => {
  it("is Node's streams, with readable-stream's optional pipeline callback", async () => {
    expect(streams.Readable).toBe(Readable);
    expect(streams.PassThrough).toBe(PassThrough);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => out.on('end', resolve));
    // Node's own pipeline throws without a callback; the Encryption SDK's encrypt stream calls it so.
    expect(() => streams.pipeline(Readable.from([Buffer.from('a'), Buffer.from('b')]), out)).not.toThrow();
    await done;
    expect(Buffer.concat(chunks).toString()).toBe('ab');
  });
});

describe('the asn1.js stand-in', () => {
  it('loads as the signature code defines its schemas, and fails loudly if a signature were ever encoded', () => {
    const schema = asn.define();
    expect(() => schema.encode()).toThrow('ECDSA-signed messages are not supported');
    expect(() => schema.decode()).toThrow('ECDSA-signed messages are not supported');
    expect(() => asn.bignum).toThrow('ECDSA-signed messages are not supported');
  });
});
