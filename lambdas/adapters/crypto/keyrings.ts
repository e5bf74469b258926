/**
 * Keyrings, chosen once from configuration: AWS KMS keys on AWS (one for account
 * content keys, one for owner secrets), a raw AES key from a local file on the
 * local platform. The raw keyring refuses to start inside Lambda or in production.
 *
 * An account's keyrings call KMS with that account's tenant credentials when the
 * function has them (`kmsCredentialsFor`): the key policies let the tenant role
 * use a key only with `accountId` in the encryption context equal to its tag.
 */
import { readFileSync, statSync } from 'node:fs';
import { cacheClients, getClient, KMS, KmsKeyringNode } from '@aws-crypto/kms-keyring-node';
import type { KeyringNode } from '@aws-crypto/material-management-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import { recordAwsCalls } from '../aws/call-log.ts';
import { perAccount } from '../aws/per-account.ts';
import type { AwsCredentialIdentityProvider } from '../aws/tenant-credentials.ts';

export interface Keyrings {
  /** Wraps an account's content key. */
  content(accountId: string): KeyringNode;
  /** Encrypts an account's owner provider keys. */
  secrets(accountId: string): KeyringNode;
  /** The secrets key for what belongs to no account (the visitor-token signing key). */
  readonly platformSecrets: KeyringNode;
}

export interface KeyringConfig {
  readonly stage: 'local' | 'aws';
  readonly localMasterKeyFile?: string | undefined;
  readonly contentKmsKeyId?: string | undefined;
  readonly secretsKmsKeyId?: string | undefined;
  /** An account's tenant credentials; without it KMS is called with the function's own role. */
  readonly kmsCredentialsFor?: ((accountId: string) => AwsCredentialIdentityProvider) | undefined;
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
    const content = keyring('content');
    const secrets = keyring('secrets');
    return { content: () => content, secrets: () => secrets, platformSecrets: secrets };
  }
  if (!config.contentKmsKeyId || !config.secretsKmsKeyId) {
    throw new Error('PARLEY_CONTENT_KMS_KEY_ID and PARLEY_SECRETS_KMS_KEY_ID are required without a local master key.');
  }
  const { contentKmsKeyId, secretsKmsKeyId, kmsCredentialsFor } = config;
  // KMS clients by region, made on first use (what the keyring's default supplier does), each recorded in tests.
  const kmsClients = (clientConfig: ConstructorParameters<typeof KMS>[0]) => {
    const make = getClient(KMS, clientConfig);
    return cacheClients((region: string) => {
      const client = make(region);
      return client && recordAwsCalls(client);
    });
  };
  // One KMS client per account (and region), shared by its two keyrings.
  const kmsClientOf = perAccount((accountId) => kmsClients({ credentials: kmsCredentialsFor!(accountId) }));
  const ownClients = kmsClients({});
  const kmsKeyring = (generatorKeyId: string) => perAccount((accountId) => new KmsKeyringNode({
    generatorKeyId,
    clientProvider: kmsCredentialsFor ? kmsClientOf(accountId) : ownClients,
  }));
  return {
    content: kmsKeyring(contentKmsKeyId),
    secrets: kmsKeyring(secretsKmsKeyId),
    platformSecrets: new KmsKeyringNode({ generatorKeyId: secretsKmsKeyId, clientProvider: ownClients }),
  };
};
