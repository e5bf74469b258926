/** Owner provider keys under the secrets keyring, bound to account, purpose and provider. */
import type { KeyringNode } from '@aws-crypto/client-node';
import type { SecretBox } from '../../core/ports.ts';
import { openWithContext, sealWithContext } from './envelope.ts';

export const createSecretBox = (keyring: KeyringNode): SecretBox => ({
  sealProviderKey: (tenant, provider, key) =>
    sealWithContext(keyring, new TextEncoder().encode(key), { accountId: tenant.accountId, purpose: 'provider-key', provider }),
  async openProviderKey(tenant, provider, sealed) {
    const bytes = await openWithContext(keyring, sealed, { accountId: tenant.accountId, purpose: 'provider-key', provider });
    const key = new TextDecoder().decode(bytes);
    bytes.fill(0);
    return key;
  },
});
