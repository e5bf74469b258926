/**
 * Owner provider keys under the secrets keyring, bound to account, purpose and provider;
 * webhooks' URLs and signing secrets, bound to account, purpose and webhook.
 */
import type { SecretBox, WebhookSecrets } from '../../core/ports.ts';
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
  sealWebhook: (tenant, webhookId, secrets) =>
    sealWithContext(keyrings.secrets(tenant.accountId), new TextEncoder().encode(JSON.stringify({ url: secrets.url, secret: secrets.secret, ...(secrets.previous ? { previous: secrets.previous } : {}) })), { accountId: tenant.accountId, purpose: 'webhook', webhookId }),
  async openWebhook(tenant, webhookId, sealed) {
    const bytes = await openWithContext(keyrings.secrets(tenant.accountId), sealed, { accountId: tenant.accountId, purpose: 'webhook', webhookId });
    const { url, secret, previous } = JSON.parse(new TextDecoder().decode(bytes)) as WebhookSecrets;
    bytes.fill(0);
    return { url, secret, ...(previous ? { previous: { secret: previous.secret, until: previous.until } } : {}) };
  },
});
