import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyrings } from '../../lambdas/adapters/crypto/keyrings.ts';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { AlgorithmSuiteIdentifier, CommitmentPolicy } from '@aws-crypto/material-management-node';
import { openWithContext, sealWithContext } from '../../lambdas/adapters/crypto/envelope.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-keyring-'));
const keyFile = (mode: number, bytes = 32) => {
  const file = path.join(dir, `k-${mode.toString(8)}-${bytes}`);
  fs.writeFileSync(file, randomBytes(bytes), { mode });
  fs.chmodSync(file, mode);
  return file;
};
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('keyrings', () => {
  it('refuses the raw AES keyring inside Lambda, on AWS or in production', () => {
    const file = keyFile(0o600);
    expect(() => createKeyrings({ stage: 'local', localMasterKeyFile: file }, { AWS_LAMBDA_FUNCTION_NAME: 'chat' })).toThrow('local platform only');
    expect(() => createKeyrings({ stage: 'aws', localMasterKeyFile: file }, {})).toThrow('local platform only');
    expect(() => createKeyrings({ stage: 'local', localMasterKeyFile: file }, { NODE_ENV: 'production' })).toThrow('local platform only');
    expect(() => createKeyrings({ stage: 'local', localMasterKeyFile: file }, {})).not.toThrow();
  });

  it('refuses a key file others can read, or of the wrong size', () => {
    expect(() => createKeyrings({ stage: 'local', localMasterKeyFile: keyFile(0o644) }, {})).toThrow('owner only');
    expect(() => createKeyrings({ stage: 'local', localMasterKeyFile: keyFile(0o600, 16) }, {})).toThrow('32 bytes');
  });

  it('requires both KMS keys on AWS', () => {
    expect(() => createKeyrings({ stage: 'aws', contentKmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/a' }, {})).toThrow('PARLEY_SECRETS_KMS_KEY_ID');
  });
});

describe('the envelope', () => {
  const secrets = createKeyrings({ stage: 'local', localMasterKeyFile: keyFile(0o600) }, {}).platformSecrets;

  it('opens only with exactly the encryption context it was sealed with', async () => {
    const sealed = await sealWithContext(secrets, new TextEncoder().encode('secret'), { accountId: 'A', purpose: 'p' });
    expect(new TextDecoder().decode(await openWithContext(secrets, sealed, { accountId: 'A', purpose: 'p' }))).toBe('secret');
    await expect(openWithContext(secrets, sealed, { accountId: 'B', purpose: 'p' })).rejects.toThrow('context mismatch');
    await expect(openWithContext(secrets, sealed, { accountId: 'A' })).rejects.toThrow('context mismatch');
    await expect(openWithContext(secrets, sealed, { accountId: 'A', purpose: 'p', extra: 'x' })).rejects.toThrow('context mismatch');
  });

  it('cannot be opened with another master key', async () => {
    const other = createKeyrings({ stage: 'local', localMasterKeyFile: keyFile(0o400) }, {}).platformSecrets;
    const sealed = await sealWithContext(secrets, new Uint8Array([1, 2, 3]), { accountId: 'A' });
    await expect(openWithContext(other, sealed, { accountId: 'A' })).rejects.toThrow();
  });

  it('opens only messages in its own suite: a signed one, or no message at all, is refused before any key is used', async () => {
    const { encrypt } = buildEncrypt({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT });
    const signed = (await encrypt(secrets, new Uint8Array([1]), {
      encryptionContext: { accountId: 'A' },
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    })).result;
    await expect(openWithContext(secrets, new Uint8Array(signed), { accountId: 'A' })).rejects.toThrow('found 1400, expected 1144');
    await expect(openWithContext(secrets, new Uint8Array([2]), { accountId: 'A' })).rejects.toThrow('found no header');
    const own = await sealWithContext(secrets, new Uint8Array([1]), { accountId: 'A' });
    expect([...await openWithContext(secrets, own, { accountId: 'A' })]).toEqual([1]);
  });
});
