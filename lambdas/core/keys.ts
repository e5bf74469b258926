/**
 * Owner provider keys (bring your own key): validated with the provider first,
 * sealed, never returned; only the last four characters are shown. Decrypted keys
 * stay in this function's memory briefly and are wiped on rotation or deletion.
 */
import { getAccount } from './accounts.ts';
import { requireRole } from './roles.ts';
import { audit, type AuditSource } from './audit.ts';
import { AppError, notFound } from './errors.ts';
import type { Account, ProviderKeyRecord } from './records.ts';
import type { Deps } from './ports.ts';
import { hasPlatformKey, isKeyless, isProvider, PROVIDER_NAMES, takesOwnerEndpoint, type ModelPurpose, type ProviderId } from './providers.ts';
import type { TenantContext } from './tenancy.ts';
import type { ProviderKeyView } from './views.ts';

/** How long a decrypted key may stay in memory. */
export const REVEALED_KEY_TTL_MS = 60_000;

const revealed = new Map<string, { key: string; expires: number }>();
const cacheId = (tenant: TenantContext, provider: ProviderId) => `${tenant.accountId}|${provider}`;

/** Drops a decrypted key from this function's memory. */
export const wipeRevealedKey = (tenant: TenantContext, provider: ProviderId): void => {
  revealed.delete(cacheId(tenant, provider));
};

const parseProvider = (value: string): ProviderId => {
  if (!isProvider(value)) throw notFound('provider');
  return value;
};

const DAY_MS = 86_400_000;

/**
 * Refuses, with the owner-readable reason, a provider (and endpoint) the deployment's
 * residency profile or its operator does not allow: 400 when an owner configures it.
 */
export const requireProviderAllowed = (
  deps: Pick<Deps, 'residency'>,
  provider: ProviderId,
  use: { purpose?: ModelPurpose; baseUrl?: string | undefined; model?: string | undefined; field: string },
): void => {
  const verdict = deps.residency.check(provider, { purpose: use.purpose, baseUrl: use.baseUrl, model: use.model });
  if (!verdict.allowed) throw new AppError('invalid_request', verdict.reason, { field: use.field, reason: verdict.kind });
};

/** The same refusal when a bot configured earlier is used: 409, its configuration no longer fits the deployment. */
const refuseUse = (verdict: { reason: string; kind: string }): AppError =>
  new AppError('conflict', `This assistant cannot answer: its owner chose a model provider this Parley deployment does not allow. ${verdict.reason}`, { reason: verdict.kind });

const view = (record: ProviderKeyRecord, account: Account, now: Date): ProviderKeyView => ({
  ...record,
  rotationDue: now.getTime() - Date.parse(record.addedAt) > account.keyMaxAgeDays * DAY_MS,
});

export const listKeys = async (deps: Pick<Deps, 'accounts' | 'clock' | 'keys'>, tenant: TenantContext): Promise<ProviderKeyView[]> => {
  const account = await getAccount(deps, tenant);
  const now = deps.clock.now();
  return (await deps.keys.list(tenant)).map((r) => view(r, account, now));
};

export interface PutKeyInput {
  readonly apiKey: string;
  readonly baseUrl?: string | undefined;
}

/** The ports putKey and testKey use: both check a key with its provider and record it. */
export type KeyCheckDeps = Pick<Deps, 'accounts' | 'audit' | 'clock' | 'keys' | 'probe' | 'residency' | 'secrets'>;

/** Validates the key with the provider, seals it and stores it; a second put is a rotation. */
export const putKey = async (deps: KeyCheckDeps, tenant: TenantContext, providerName: string, input: PutKeyInput, source: AuditSource): Promise<ProviderKeyView> => {
  requireRole(tenant, 'admin');
  const provider = parseProvider(providerName);
  if (isKeyless(provider)) {
    throw new AppError('invalid_request', `${PROVIDER_NAMES[provider]} takes no key: this deployment calls it with its own AWS role.`, { field: 'provider' });
  }
  const apiKey = input.apiKey.trim();
  if (takesOwnerEndpoint(provider) && !input.baseUrl) {
    throw new AppError('invalid_request', 'An OpenAI-compatible endpoint needs its base URL.', { field: 'baseUrl' });
  }
  if (!takesOwnerEndpoint(provider) && input.baseUrl) {
    throw new AppError('invalid_request', `A base URL can only be set for an OpenAI-compatible endpoint, not for ${provider}.`, { field: 'baseUrl' });
  }
  const previous = await deps.keys.get(tenant, provider);
  // Before the key is sent anywhere: a provider outside the profile is not even asked.
  const verdict = deps.residency.check(provider, { baseUrl: input.baseUrl });
  if (!verdict.allowed) {
    await audit(deps, tenant, source, previous ? 'key.rotate' : 'key.add', 'refused', { target: provider, detail: { reason: verdict.kind } });
    throw new AppError('invalid_request', verdict.reason, { field: input.baseUrl && verdict.kind === 'outside_residency' ? 'baseUrl' : 'provider', reason: verdict.kind });
  }
  const probe = await deps.probe.check(provider, apiKey, input.baseUrl);
  if (!probe.ok) {
    await audit(deps, tenant, source, previous ? 'key.rotate' : 'key.add', 'refused', { target: provider, detail: { reason: probe.kind } });
    throw new AppError('invalid_request', probe.reason, { field: 'apiKey', reason: probe.kind });
  }
  const now = deps.clock.now().toISOString();
  const record: ProviderKeyRecord = {
    provider,
    lastFour: apiKey.slice(-4),
    ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}),
    addedAt: now,
    validatedAt: now,
    status: 'valid',
  };
  await deps.keys.put(tenant, record, await deps.secrets.sealProviderKey(tenant, provider, apiKey));
  wipeRevealedKey(tenant, provider);
  await audit(deps, tenant, source, previous ? 'key.rotate' : 'key.add', 'ok', { target: provider });
  return view(record, await getAccount(deps, tenant), deps.clock.now());
};

/** The owner's key in clear, from the brief cache or by decrypting it. */
const revealKey = async (deps: Pick<Deps, 'keys' | 'secrets'>, tenant: TenantContext, provider: ProviderId): Promise<{ apiKey: string; record: ProviderKeyRecord } | null> => {
  const stored = await deps.keys.get(tenant, provider);
  if (!stored) {
    wipeRevealedKey(tenant, provider);
    return null;
  }
  const id = cacheId(tenant, provider);
  const hit = revealed.get(id);
  const now = Date.now();
  if (hit && hit.expires > now) return { apiKey: hit.key, record: stored.record };
  const apiKey = await deps.secrets.openProviderKey(tenant, provider, stored.sealed);
  revealed.set(id, { key: apiKey, expires: now + REVEALED_KEY_TTL_MS });
  return { apiKey, record: stored.record };
};

/** Checks a stored key again; a refused key is flagged so the owner sees it. */
export const testKey = async (deps: KeyCheckDeps, tenant: TenantContext, providerName: string, source: AuditSource): Promise<ProviderKeyView> => {
  requireRole(tenant, 'admin');
  const provider = parseProvider(providerName);
  const key = await revealKey(deps, tenant, provider);
  if (!key) throw notFound('key');
  const verdict = deps.residency.check(provider, { baseUrl: key.record.baseUrl });
  if (!verdict.allowed) {
    await audit(deps, tenant, source, 'key.test', 'refused', { target: provider, detail: { reason: verdict.kind } });
    throw new AppError('invalid_request', verdict.reason, { field: 'provider', reason: verdict.kind });
  }
  const probe = await deps.probe.check(provider, key.apiKey, key.record.baseUrl);
  const now = deps.clock.now().toISOString();
  if (probe.ok) {
    await deps.keys.update(tenant, provider, { status: 'valid', validatedAt: now, failure: undefined });
  } else if (probe.kind === 'rejected' || probe.kind === 'rate_limited') {
    await deps.keys.update(tenant, provider, { status: 'failing', failure: probe.reason });
  }
  await audit(deps, tenant, source, 'key.test', probe.ok ? 'ok' : 'failed', { target: provider, ...(probe.ok ? {} : { detail: { reason: probe.kind } }) });
  const stored = await deps.keys.get(tenant, provider);
  if (!stored) throw notFound('key');
  return view(stored.record, await getAccount(deps, tenant), deps.clock.now());
};

export const deleteKey = async (deps: Pick<Deps, 'audit' | 'clock' | 'keys'>, tenant: TenantContext, providerName: string, source: AuditSource): Promise<void> => {
  requireRole(tenant, 'admin');
  const provider = parseProvider(providerName);
  wipeRevealedKey(tenant, provider);
  if (!(await deps.keys.delete(tenant, provider))) throw notFound('key');
  await audit(deps, tenant, source, 'key.delete', 'ok', { target: provider });
};

export type KeyChoice =
  | { readonly keyClass: 'owner'; readonly provider: ProviderId; readonly apiKey: string; readonly baseUrl?: string }
  | { readonly keyClass: 'platform'; readonly provider: ProviderId; readonly apiKey: string }
  | { readonly keyClass: 'bedrock'; readonly provider: 'bedrock' }
  | { readonly keyClass: 'local' };

/**
 * Which key pays for a call: the owner's key for the provider if present; else the
 * platform's key unless the account is BYOK-only; else the local answerer. Amazon
 * Bedrock needs no key: the operator's AWS account pays, for an approved `model`
 * (so BYOK-only does not stop it: no key of anyone's is used). A provider
 * the deployment does not allow (any more) is refused with `conflict` and its reason,
 * never called and never silently replaced.
 *
 * Not `async` on purpose: the provider-level refusal is thrown synchronously, so a
 * caller that starts other work alongside (chat reserves budget in the same
 * `Promise.all`) never starts it for a refused provider. Only an owner endpoint's
 * host is checked later, once its record is read.
 */
export const chooseKey = (deps: Pick<Deps, 'keys' | 'platformKeys' | 'residency' | 'secrets'>, tenant: TenantContext, account: Account, provider: ProviderId, purpose: ModelPurpose = 'chat', model?: string): Promise<KeyChoice> => {
  const verdict = deps.residency.check(provider, { purpose, model });
  if (!verdict.allowed) throw refuseUse(verdict);
  if (isKeyless(provider)) return Promise.resolve({ keyClass: 'bedrock', provider });
  return chooseAllowedKey(deps, tenant, account, provider, purpose);
};

const chooseAllowedKey = async (deps: Pick<Deps, 'keys' | 'platformKeys' | 'residency' | 'secrets'>, tenant: TenantContext, account: Account, provider: ProviderId, purpose: ModelPurpose): Promise<KeyChoice> => {
  const owner = await revealKey(deps, tenant, provider);
  if (owner) {
    if (owner.record.baseUrl) {
      const verdict = deps.residency.check(provider, { purpose, baseUrl: owner.record.baseUrl });
      if (!verdict.allowed) throw refuseUse(verdict);
    }
    return { keyClass: 'owner', provider, apiKey: owner.apiKey, ...(owner.record.baseUrl ? { baseUrl: owner.record.baseUrl } : {}) };
  }
  const platform = await usablePlatformKey(deps, account.byokOnly, provider);
  if (platform) return { keyClass: 'platform', provider, apiKey: platform };
  return { keyClass: 'local' };
};

/** The platform's key for a provider, if the account may use it: never for owner endpoints, never when BYOK-only. */
export const usablePlatformKey = async (deps: Pick<Deps, 'platformKeys'>, byokOnly: boolean, provider: ProviderId): Promise<string | undefined> =>
  !hasPlatformKey(provider) || byokOnly ? undefined : deps.platformKeys.get(provider);

/** Records that an owner key was used, and flags it when the provider refused it. */
export const noteKeyOutcome = async (deps: Pick<Deps, 'clock' | 'keys'>, tenant: TenantContext, provider: ProviderId, failure?: string): Promise<void> => {
  const now = deps.clock.now().toISOString();
  await deps.keys.update(tenant, provider, failure ? { status: 'failing', failure, lastUsedAt: now } : { lastUsedAt: now });
};
