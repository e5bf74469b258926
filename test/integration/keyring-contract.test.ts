// The Keyrings contract (test/contracts/keyring.contract.ts), run against both
// implementations: the local platform's raw AES keyring, and the KMS keyrings
// through the real KMS client against the fake KMS on loopback.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sealWithContext } from '../../lambdas/adapters/crypto/envelope.ts';
import { createKeyrings } from '../../lambdas/adapters/crypto/keyrings.ts';
import { keyringContract, type KeyringSubject } from '../contracts/keyring.contract.ts';
import { startFakeKms, type FakeKms } from '../fakes/kms-server.ts';

const CONTENT_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/0b6c1f1e-content';
const SECRETS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/7d2a9c3b-secrets';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-keyring-contract-'));
const keyFile = path.join(dir, 'master.key');
fs.writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });

let kms: FakeKms;
beforeAll(async () => {
  kms = await startFakeKms();
  // How the SDK is pointed at another endpoint without code: the same override an operator's tools use.
  vi.stubEnv('AWS_ENDPOINT_URL_KMS', kms.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDKEYRINGCONTRACT');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-a-secret');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await kms.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const subjects: KeyringSubject[] = [
  { name: 'the local raw AES keyring', build: () => createKeyrings({ stage: 'local', localMasterKeyFile: keyFile }, {}) },
  { name: 'the KMS keyrings', build: () => createKeyrings({ stage: 'aws', contentKmsKeyId: CONTENT_KEY, secretsKmsKeyId: SECRETS_KEY }, {}) },
];

for (const subject of subjects) {
  describe(`the keyring contract: ${subject.name}`, () => keyringContract(subject));
}

describe('the KMS keyrings, against the fake KMS', () => {
  it('call KMS with the encryption context, the content key for content and the secrets key for secrets', async () => {
    const keyrings = subjects[1]!.build();
    const before = kms.calls.length;

    await sealWithContext(keyrings.content('ACC1'), new Uint8Array([1]), { accountId: 'ACC1', purpose: 'account-content-key' });
    await sealWithContext(keyrings.secrets('ACC1'), new Uint8Array([1]), { accountId: 'ACC1', purpose: 'provider-key' });

    expect(kms.calls.slice(before)).toEqual([
      { action: 'GenerateDataKey', keyId: CONTENT_KEY, encryptionContext: expect.objectContaining({ accountId: 'ACC1', purpose: 'account-content-key' }) as unknown },
      { action: 'GenerateDataKey', keyId: SECRETS_KEY, encryptionContext: expect.objectContaining({ accountId: 'ACC1', purpose: 'provider-key' }) as unknown },
    ]);
  });
});
