/**
 * Checks a provider key with the cheapest call each provider has (listing models),
 * through the real SDKs. Owner-supplied endpoints go only through the guarded
 * fetch. Refusals come back in plain words; any key-like text the provider echoed
 * is masked.
 */
import type { ProbeResult, ProviderProbe } from '../../core/ports.ts';
import { redact } from '../../shared/logger.ts';
import { blockedDestinationOf, type GuardedFetch } from '../net/guarded-fetch.ts';
import { loadAnthropic, loadOpenAi } from './provider-sdks.ts';

export interface ProviderEndpoints {
  /** Operator overrides of the providers' own API base URLs (EU endpoints; the fake server in tests). */
  readonly openaiBaseUrl?: string | undefined;
  readonly anthropicBaseUrl?: string | undefined;
  readonly guardedFetch: GuardedFetch;
  readonly timeoutMs?: number;
}

const said = (err: { message?: string }) => {
  const text = redact((err.message ?? '').replace(/^\d{3}\s+/, '')).slice(0, 160);
  return text ? ` The provider said: "${text}"` : '';
};

/** `ownAddress`: the owner gave the endpoint's address (an OpenAI-compatible provider), so it may be what is wrong. */
export const describeProviderError = (err: unknown, ownAddress = false): Extract<ProbeResult, { ok: false }> => {
  // The SDKs wrap a refusal from the guarded fetch in their connection error.
  const blocked = blockedDestinationOf(err);
  if (blocked) return { ok: false, kind: 'blocked', reason: blocked.message };
  const status = (err as { status?: number }).status;
  const e = err as { message?: string };
  if (status === 401) return { ok: false, kind: 'rejected', reason: `The provider refused this key: it is not valid, or it was revoked.${said(e)}` };
  if (status === 403) return { ok: false, kind: 'rejected', reason: `The provider refused this key: it is not allowed to use the API.${said(e)}` };
  if (status === 429) return { ok: false, kind: 'rate_limited', reason: `The provider says this key is over its rate limit or out of credit.${said(e)}` };
  if (status === 404) {
    return { ok: false, kind: 'unreachable', reason: ownAddress ? 'The provider answered, but not as an OpenAI- or Anthropic-style API: check the endpoint address.' : 'The provider answered, but not as its API should. Try again in a minute.' };
  }
  return { ok: false, kind: 'unreachable', reason: ownAddress ? 'The provider could not be reached. Check the endpoint address, or try again in a minute.' : 'The provider could not be reached. Try again in a minute; if it keeps happening, check the provider’s status page.' };
};

export const createProviderProbe = (endpoints: ProviderEndpoints): ProviderProbe => {
  const timeout = endpoints.timeoutMs ?? 10_000;
  // The SDK is loaded before the try: a chunk that fails to load is a broken deployment, not an unreachable provider.
  const attempt = async (call: () => Promise<unknown>, ownAddress = false): Promise<ProbeResult> => {
    try {
      await call();
      return { ok: true };
    } catch (err) {
      return describeProviderError(err, ownAddress);
    }
  };
  return {
    // One case per provider (core/providers.ts), so a provider added there cannot fall into another's probe.
    async check(provider, apiKey, baseUrl) {
      switch (provider) {
        case 'anthropic': {
          const Anthropic = await loadAnthropic();
          return attempt(() => new Anthropic({ apiKey, baseURL: endpoints.anthropicBaseUrl ?? null, maxRetries: 0, timeout }).models.list({ limit: 1 }));
        }
        case 'openai': {
          const OpenAI = await loadOpenAi();
          return attempt(() => new OpenAI({ apiKey, baseURL: endpoints.openaiBaseUrl ?? null, maxRetries: 0, timeout }).models.list());
        }
        case 'openai-compatible': {
          const OpenAI = await loadOpenAi();
          return attempt(() => new OpenAI({ apiKey, baseURL: baseUrl ?? null, maxRetries: 0, timeout, fetch: endpoints.guardedFetch }).models.list(), true);
        }
        case 'bedrock':
          // Never sent anywhere: Bedrock is called with the deployment's role, not a key.
          return { ok: false, kind: 'rejected', reason: 'Amazon Bedrock takes no key: this deployment calls it with its own AWS role.' };
      }
    },
  };
};
