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

export type EncryptionContext = Readonly<Record<string, string>>;

export const sealWithContext = async (keyring: KeyringNode, plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> => {
  const { result } = await encrypt(keyring, plaintext, { encryptionContext: { ...context }, suiteId: SUITE });
  return new Uint8Array(result);
};

/** Decrypts and then requires the message's context to equal `expected` exactly. */
export const openWithContext = async (keyring: KeyringNode, sealed: Uint8Array, expected: EncryptionContext): Promise<Uint8Array> => {
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
