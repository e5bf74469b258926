/**
 * The platform's own provider keys. On AWS they live in Secrets Manager (one secret
 * per provider, named by `PARLEY_PLATFORM_KEY_SECRETS`); locally and in tests they
 * may come from environment variables. A secret is read on first use and kept in
 * this function's memory for five minutes, so a rotated key is picked up within
 * that time; concurrent first uses share one read.
 *
 * A key is never logged and never part of an error: failures are logged by secret
 * name and error name only, and answered with `unavailable`.
 */
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { AppError } from '../../core/errors.ts';
import type { PlatformKeys } from '../../core/ports.ts';
import { hasPlatformKey, PROVIDER_NAMES, type PlatformKeyProvider as PlatformProvider } from '../../core/providers.ts';
import type { Logger } from '../../shared/logger.ts';
import { recordAwsCalls } from '../aws/call-log.ts';

/** How long a key read from Secrets Manager is kept in memory. */
export const PLATFORM_KEY_TTL_MS = 5 * 60_000;

export interface PlatformKeysOptions {
  /** Provider → secret name or ARN. A provider named here is read from Secrets Manager only. */
  readonly secretNames: Readonly<Partial<Record<PlatformProvider, string>>>;
  /** Keys from the environment, for providers without a secret (local use). */
  readonly envKeys?: Readonly<Partial<Record<PlatformProvider, string | undefined>>>;
  /** The client, or what to build one with (region, endpoint override, credentials). */
  readonly client?: Pick<SecretsManagerClient, 'send'>;
  readonly clientConfig?: SecretsManagerClientConfig;
  readonly logger?: Pick<Logger, 'error'>;
  readonly ttlMs?: number;
  /** Milliseconds now; tests move it. */
  readonly now?: () => number;
}

/**
 * The key held by a secret: its whole `SecretString`, or, for a JSON secret
 * (as the console's key/value editor makes), its `apiKey` field.
 */
const keyOf = (secretString: string | undefined): string | undefined => {
  const text = secretString?.trim();
  if (!text) return undefined;
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { apiKey?: unknown };
      return typeof parsed.apiKey === 'string' && parsed.apiKey.trim() ? parsed.apiKey.trim() : undefined;
    } catch {
      return undefined;
    }
  }
  return text;
};

const unavailable = (provider: PlatformProvider) =>
  new AppError('unavailable', `Parley's own ${PROVIDER_NAMES[provider]} key cannot be read just now. Please try again in a moment.`);

export const createPlatformKeys = (options: PlatformKeysOptions): PlatformKeys => {
  const ttl = options.ttlMs ?? PLATFORM_KEY_TTL_MS;
  const now = options.now ?? Date.now;
  let client = options.client;
  const cached = new Map<PlatformProvider, { key: string | undefined; expires: number }>();
  const inFlight = new Map<PlatformProvider, Promise<string | undefined>>();

  const read = async (provider: PlatformProvider, secretId: string): Promise<string | undefined> => {
    let secretString: string | undefined;
    try {
      // The SDK module is loaded on first use: a function that never reads a platform key (or not before its first request) does not load it at a cold start.
      const sdk = await import('@aws-sdk/client-secrets-manager');
      client ??= recordAwsCalls(new sdk.SecretsManagerClient(options.clientConfig ?? {}));
      secretString = (await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (err) {
      // The error's name only: nothing of a response is repeated.
      options.logger?.error('platform key secret could not be read', { provider, secret: secretId, errorName: err instanceof Error ? err.name : 'unknown' });
      throw unavailable(provider);
    }
    const key = keyOf(secretString);
    if (!key) {
      options.logger?.error('platform key secret holds no key', { provider, secret: secretId });
      throw unavailable(provider);
    }
    cached.set(provider, { key, expires: now() + ttl });
    return key;
  };

  return {
    async get(provider) {
      if (!hasPlatformKey(provider)) return undefined;
      const secretId = options.secretNames[provider];
      if (!secretId) return options.envKeys?.[provider] || undefined;
      const hit = cached.get(provider);
      if (hit && hit.expires > now()) return hit.key;
      let pending = inFlight.get(provider);
      if (!pending) {
        pending = read(provider, secretId).finally(() => inFlight.delete(provider));
        inFlight.set(provider, pending);
      }
      return pending;
    },
  };
};
