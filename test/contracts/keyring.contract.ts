/**
 * What every set of `Keyrings` must do (the raw AES keyring of the local platform,
 * the KMS keyrings of AWS), through the envelope and the SecretBox every caller
 * uses: one suite, run against each implementation by its own test file.
 *
 * The rules: what one seals, it opens, for each of its keyrings (an account's
 * content and secrets keyrings, the platform's secrets keyring); each seal is
 * fresh; nothing sealed for one account opens for another, nor under another
 * purpose or provider, nor with another of its keyrings; and an altered blob does
 * not open.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Keyrings } from '../../lambdas/adapters/crypto/keyrings.ts';
import { openWithContext, sealWithContext, type EncryptionContext } from '../../lambdas/adapters/crypto/envelope.ts';
import { createSecretBox } from '../../lambdas/adapters/crypto/secret-box.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';

export interface KeyringSubject {
  readonly name: string;
  build(): Keyrings;
}

const refusal = (work: Promise<unknown>) => work.then(() => 'opened', () => 'refused');

/** Registers the contract's tests for one implementation (call inside a `describe`). */
export function keyringContract(subject: KeyringSubject): void {
  const alice = newId();
  const bob = newId();
  const plaintext = new Uint8Array(randomBytes(48));

  it('opens what it sealed, with each of its keyrings', async () => {
    const keyrings = subject.build();
    const cases: Array<{ keyring: ReturnType<Keyrings['content']>; context: EncryptionContext }> = [
      { keyring: keyrings.content(alice), context: { accountId: alice, purpose: 'account-content-key' } },
      { keyring: keyrings.secrets(alice), context: { accountId: alice, purpose: 'provider-key', provider: 'openai' } },
      { keyring: keyrings.platformSecrets, context: { purpose: 'visitor-token-key' } },
    ];
    for (const { keyring, context } of cases) {
      const sealed = await sealWithContext(keyring, plaintext, context);
      expect(Buffer.from(sealed).includes(Buffer.from(plaintext))).toBe(false);
      expect([...await openWithContext(keyring, sealed, context)]).toEqual([...plaintext]);
    }
  });

  it('seals afresh each time: the same plaintext never gives the same blob', async () => {
    const keyring = subject.build().content(alice);
    const context = { accountId: alice, purpose: 'account-content-key' };

    const [a, b] = await Promise.all([sealWithContext(keyring, plaintext, context), sealWithContext(keyring, plaintext, context)]);

    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('never opens one account’s blob for another account', async () => {
    const keyrings = subject.build();
    const sealed = await sealWithContext(keyrings.content(alice), plaintext, { accountId: alice, purpose: 'account-content-key' });

    expect(await refusal(openWithContext(keyrings.content(bob), sealed, { accountId: bob, purpose: 'account-content-key' }))).toBe('refused');
    expect(await refusal(openWithContext(keyrings.content(alice), sealed, { accountId: bob, purpose: 'account-content-key' }))).toBe('refused');
  });

  it('never opens a blob under another purpose, or with another of its keyrings', async () => {
    const keyrings = subject.build();
    const context = { accountId: alice, purpose: 'account-content-key' };
    const sealed = await sealWithContext(keyrings.content(alice), plaintext, context);

    expect(await refusal(openWithContext(keyrings.content(alice), sealed, { ...context, purpose: 'provider-key' }))).toBe('refused');
    expect(await refusal(openWithContext(keyrings.secrets(alice), sealed, context))).toBe('refused');
    expect(await refusal(openWithContext(keyrings.platformSecrets, sealed, context))).toBe('refused');
  });

  it('does not open an altered blob', async () => {
    const keyring = subject.build().secrets(alice);
    const context = { accountId: alice, purpose: 'provider-key', provider: 'openai' };
    const sealed = await sealWithContext(keyring, plaintext, context);

    for (const at of [sealed.length - 1, sealed.length - 40, Math.floor(sealed.length / 2)]) {
      const altered = new Uint8Array(sealed);
      altered[at]! ^= 1;
      expect(await refusal(openWithContext(keyring, altered, context))).toBe('refused');
    }
  });

  it('keeps an owner’s provider key to its account and provider (the SecretBox over it)', async () => {
    const box = createSecretBox(subject.build());
    const key = 'sk-owner-key-1234567890abcdef';
    const sealed = await box.sealProviderKey(tenantForSystem(alice), 'openai', key);

    expect(await box.openProviderKey(tenantForSystem(alice), 'openai', sealed)).toBe(key);
    expect(await refusal(box.openProviderKey(tenantForSystem(bob), 'openai', sealed))).toBe('refused');
    expect(await refusal(box.openProviderKey(tenantForSystem(alice), 'anthropic', sealed))).toBe('refused');
  });
}
