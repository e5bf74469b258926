/**
 * Stands in for asn1.js in the Lambda bundles. Its only users are the AWS
 * Encryption SDK's ECDSA signature and PEM encoders, which run only for signing
 * algorithm suites; Parley seals in a committing suite that signs nothing and
 * opens nothing else (lambdas/adapters/crypto/envelope.ts refuses other suites
 * before decrypting). Those modules still define their ASN.1 schemas when they
 * load, so `define` returns a schema whose use fails loudly, instead of 67 KB of
 * ASN.1 code loaded at every cold start.
 */
const unused = (): never => {
  throw new Error('ECDSA-signed messages are not supported: Parley encrypts with a suite that signs nothing.');
};

export default {
  define: () => ({ encode: unused, decode: unused }),
  get bignum(): never {
    return unused();
  },
};
