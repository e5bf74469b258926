/**
 * The AWS Encryption SDK, configured once: a committing suite without signatures
 * (the same service encrypts and decrypts), exactly one encrypted data key per
 * message, and the encryption context asserted after every decrypt — the SDK
 * itself does not compare it with what the caller expected.
 */
// The SDK's parts, not its umbrella package: that one also loads the RSA keyring and its big-number libraries.
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { AlgorithmSuiteIdentifier, CommitmentPolicy, type KeyringNode } from '@aws-crypto/material-management-node';

const clientOptions = { commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, maxEncryptedDataKeys: 1 };
const { encrypt } = buildEncrypt(clientOptions);
const { decrypt } = buildDecrypt(clientOptions);

const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

export class EncryptionContextMismatch extends Error {
  constructor() {
    super('The encrypted value does not belong here (encryption context mismatch).');
    this.name = 'EncryptionContextMismatch';
  }
}

/** Anything else than a message in {@link SUITE} (say, a signed one): refused before any key is unwrapped. */
export class UnexpectedAlgorithmSuite extends Error {
  constructor(found: number | undefined) {
    super(`The encrypted value is not in Parley's algorithm suite (found ${found ?? 'no header'}, expected ${SUITE}).`);
    this.name = 'UnexpectedAlgorithmSuite';
  }
}

// A message of format version 2 (every committing suite) starts with 0x02 and its two-byte suite id.
const suiteOf = (sealed: Uint8Array): number | undefined =>
  sealed.length >= 3 && sealed[0] === 2 ? (sealed[1]! << 8) | sealed[2]! : undefined;

export type EncryptionContext = Readonly<Record<string, string>>;

export const sealWithContext = async (keyring: KeyringNode, plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> => {
  const { result } = await encrypt(keyring, plaintext, { encryptionContext: { ...context }, suiteId: SUITE });
  return new Uint8Array(result);
};

/** Decrypts a message in Parley's suite and then requires the message's context to equal `expected` exactly. */
export const openWithContext = async (keyring: KeyringNode, sealed: Uint8Array, expected: EncryptionContext): Promise<Uint8Array> => {
  // Parley only ever seals in SUITE, so its bundles leave out the signature code (infra/bundle-shims/asn1-unused.cjs).
  const suite = suiteOf(sealed);
  if (suite !== SUITE) throw new UnexpectedAlgorithmSuite(suite);
  const { plaintext, messageHeader } = await decrypt(keyring, sealed);
  const actual = messageHeader.encryptionContext;
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  for (const k of keys) {
    if (actual[k] !== expected[k]) {
      plaintext.fill(0);
      throw new EncryptionContextMismatch();
    }
  }
  return new Uint8Array(plaintext);
};
