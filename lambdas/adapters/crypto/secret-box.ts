/** Owner provider keys under the secrets keyring, bound to account, purpose and provider. */
import type { SecretBox } from '../../core/ports.ts';
import type { Keyrings } from './keyrings.ts';
import { openWithContext, sealWithContext } from './envelope.ts';

export const createSecretBox = (keyrings: Pick<Keyrings, 'secrets'>): SecretBox => ({
  sealProviderKey: (tenant, provider, key) =>
    sealWithContext(keyrings.secrets(tenant.accountId), new TextEncoder().encode(key), { accountId: tenant.accountId, purpose: 'provider-key', provider }),
  async openProviderKey(tenant, provider, sealed) {
    const bytes = await openWithContext(keyrings.secrets(tenant.accountId), sealed, { accountId: tenant.accountId, purpose: 'provider-key', provider });
    const key = new TextDecoder().decode(bytes);
    bytes.fill(0);
    return key;
  },
});
