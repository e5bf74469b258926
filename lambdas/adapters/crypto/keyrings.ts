/**
 * Keyrings, chosen once from configuration: AWS KMS keys on AWS (one for account
 * content keys, one for owner secrets), a raw AES key from a local file on the
 * local platform. The raw keyring refuses to start inside Lambda or in production.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type KeyringNode,
} from '@aws-crypto/client-node';

export interface Keyrings {
  /** Wraps each account's content key. */
  readonly content: KeyringNode;
  /** Encrypts owner provider keys. */
  readonly secrets: KeyringNode;
}

export interface KeyringConfig {
  readonly stage: 'local' | 'aws';
  readonly localMasterKeyFile?: string | undefined;
  readonly contentKmsKeyId?: string | undefined;
  readonly secretsKmsKeyId?: string | undefined;
}

export const createKeyrings = (config: KeyringConfig, env: NodeJS.ProcessEnv = process.env): Keyrings => {
  if (config.localMasterKeyFile) {
    if (config.stage !== 'local' || env.AWS_LAMBDA_FUNCTION_NAME || env.NODE_ENV === 'production') {
      throw new Error('The local raw AES keyring is for the local platform only; use KMS keys on AWS.');
    }
    const mode = statSync(config.localMasterKeyFile).mode & 0o777;
    if (mode & 0o077) throw new Error(`The local master key file must be readable by its owner only (mode ${mode.toString(8)}).`);
    const key = readFileSync(config.localMasterKeyFile);
    if (key.length !== 32) throw new Error('The local master key file must hold exactly 32 bytes.');
    // One wrapping key serves both purposes locally; the encryption context keeps their ciphertexts apart.
    const keyring = (keyName: string) => new RawAesKeyringNode({
      keyName,
      keyNamespace: 'parley-local',
      unencryptedMasterKey: new Uint8Array(key),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    return { content: keyring('content'), secrets: keyring('secrets') };
  }
  if (!config.contentKmsKeyId || !config.secretsKmsKeyId) {
    throw new Error('PARLEY_CONTENT_KMS_KEY_ID and PARLEY_SECRETS_KMS_KEY_ID are required without a local master key.');
  }
  return {
    content: new KmsKeyringNode({ generatorKeyId: config.contentKmsKeyId }),
    secrets: new KmsKeyringNode({ generatorKeyId: config.secretsKmsKeyId }),
  };
};
