// Residency profiles and allowed providers: what the policy allows and refuses, with
// the reason an owner reads; and the deploy parameters, refused at start when the
// profile and the rest of the configuration disagree.
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lambdas/adapters/config.ts';
import { embedderForIndex, type BotEmbedderDeps } from '../../lambdas/core/embedding.ts';
import { AppError } from '../../lambdas/core/errors.ts';
import { chooseKey } from '../../lambdas/core/keys.ts';
import type { Account } from '../../lambdas/core/records.ts';
import type { ProviderId } from '../../lambdas/core/ports.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { createResidencyPolicy, EU_OPENAI_BASE_URL, type ResidencySettings } from '../../lambdas/core/residency.ts';
import { fakePort } from '../fakes/ports.ts';

const ALL: ProviderId[] = ['openai', 'anthropic', 'openai-compatible', 'bedrock'];
const policy = (overrides: Partial<ResidencySettings> = {}) =>
  createResidencyPolicy({ profile: 'none', allowedProviders: ALL, region: 'eu-west-1', egressAllowHosts: [], bedrockModels: ['amazon.nova-lite-v1:0'], ...overrides });
const eu = (overrides: Partial<ResidencySettings> = {}) => policy({ profile: 'eu', ...overrides });

describe('the residency policy', () => {
  it('without a profile, allows every provider the operator allows, wherever it runs', () => {
    const p = policy({ region: 'us-east-1' });
    for (const provider of ALL) expect(p.check(provider, { purpose: 'chat' })).toEqual({ allowed: true });
    expect(p.check('openai-compatible', { purpose: 'chat', baseUrl: 'https://llm.example.com/v1' })).toEqual({ allowed: true });
    expect(p.summary).toContain('us-east-1 (N. Virginia)');
    expect(p.summary).toContain('no residency profile');
    expect(p.endpointNote('openai')).toBeUndefined();
  });

  it('refuses a provider the operator did not allow, naming the ones it did', () => {
    const p = policy({ allowedProviders: ['openai', 'openai-compatible'] });
    expect(p.check('anthropic', { purpose: 'chat' })).toEqual({
      allowed: false,
      kind: 'provider_not_allowed',
      reason: 'This Parley deployment does not offer Anthropic: its operator allows only OpenAI and OpenAI-compatible endpoints.',
    });
    expect(p.check('openai', { purpose: 'embedding' }).allowed).toBe(true);
    const none = policy({ allowedProviders: [] });
    for (const provider of ALL) {
      const verdict = none.check(provider, { purpose: 'chat' });
      expect(verdict).toMatchObject({ allowed: false, kind: 'provider_not_allowed' });
      expect(!verdict.allowed && verdict.reason).toContain("Parley's own answerer and embedder still work");
    }
  });

  it('under eu, refuses Anthropic and says why', () => {
    const verdict = eu().check('anthropic', { purpose: 'chat' });
    expect(verdict).toMatchObject({ allowed: false, kind: 'outside_residency' });
    expect(!verdict.allowed && verdict.reason).toMatch(/^This Parley deployment keeps data in the EU\. Anthropic's API offers no way to keep requests inside the EU/);
    expect(!verdict.allowed && verdict.reason).toContain('Choose OpenAI, reached here through its EU data-residency endpoint');
    // Without OpenAI to fall back to, it does not suggest it.
    const onlyAnthropic = eu({ allowedProviders: ['anthropic'] }).check('anthropic');
    expect(!onlyAnthropic.allowed && onlyAnthropic.reason).not.toContain('Choose OpenAI');
  });

  it('under eu, allows OpenAI through its EU endpoint or an operator-declared host, and nothing else', () => {
    expect(eu().check('openai', { purpose: 'chat' })).toEqual({ allowed: true });
    expect(eu({ openaiBaseUrl: EU_OPENAI_BASE_URL }).check('openai', { purpose: 'embedding' })).toEqual({ allowed: true });
    expect(eu({ openaiBaseUrl: 'https://openai-proxy.internal.example/v1', egressAllowHosts: ['openai-proxy.internal.example'] }).check('openai')).toEqual({ allowed: true });
    const global = eu({ openaiBaseUrl: 'https://api.openai.com/v1' }).check('openai', { purpose: 'embedding' });
    expect(global).toMatchObject({ allowed: false, kind: 'outside_residency' });
    expect(!global.allowed && global.reason).toContain('It is set to reach OpenAI at api.openai.com');
    expect(!global.allowed && global.reason).toContain('cannot be used here to embed your documents');
    expect(!global.allowed && global.reason).toContain(EU_OPENAI_BASE_URL);
    expect(eu().endpointNote('openai')).toContain("OpenAI's EU data-residency endpoint (eu.api.openai.com)");
  });

  it('under eu, allows an owner endpoint only on a host of the operator’s egress allowlist', () => {
    const p = eu({ egressAllowHosts: ['llm.eu.example', 'gpu.eu.example:8443'] });
    expect(p.check('openai-compatible', { purpose: 'chat', baseUrl: 'https://llm.eu.example/v1' })).toEqual({ allowed: true });
    expect(p.check('openai-compatible', { purpose: 'chat', baseUrl: 'https://LLM.EU.EXAMPLE:9000/v1' })).toEqual({ allowed: true });
    expect(p.check('openai-compatible', { purpose: 'chat', baseUrl: 'https://gpu.eu.example:8443/v1' })).toEqual({ allowed: true });
    // Not known yet (no key saved): the host is checked when the key is.
    expect(p.check('openai-compatible', { purpose: 'chat' })).toEqual({ allowed: true });
    for (const baseUrl of ['https://gpu.eu.example/v1', 'https://llm.example.com/v1', 'https://llm.eu.example.attacker.test/v1', 'not a url']) {
      const verdict = p.check('openai-compatible', { purpose: 'chat', baseUrl });
      expect(verdict, baseUrl).toMatchObject({ allowed: false, kind: 'outside_residency' });
    }
    const other = p.check('openai-compatible', { baseUrl: 'https://llm.example.com/v1' });
    expect(!other.allowed && other.reason).toContain('llm.example.com is not one of the endpoints its operator has declared to be inside the EU');
    // With no host declared, no owner endpoint can be in the profile.
    const none = eu().check('openai-compatible', { purpose: 'chat' });
    expect(!none.allowed && none.reason).toContain('has not declared any endpoint to be inside the EU');
  });

  it('checks the operator’s list before the profile', () => {
    expect(eu({ allowedProviders: ['openai'] }).check('anthropic')).toMatchObject({ allowed: false, kind: 'provider_not_allowed' });
  });

  it('under eu, refuses to exist outside an eu-* region, and states the profile and region', () => {
    expect(() => eu({ region: 'us-east-1' })).toThrow(/AWS_REGION: PARLEY_RESIDENCY=eu keeps data in the EU, but this function runs in us-east-1/);
    const p = eu({ region: 'eu-central-1' });
    expect(p.profile).toBe('eu');
    expect(p.summary).toBe('This deployment keeps data in the EU: everything is stored in the AWS region eu-central-1 (Frankfurt), and model providers are called only through endpoints inside the EU.');
  });
});

const BASE = { PARLEY_TABLE: 'parley', PARLEY_KEYS_TABLE: 'parley-keys', PARLEY_BUCKET: 'parley-docs' };

describe('deploy parameters', () => {
  it('default to no profile, every provider, no secrets and the built-in retention', () => {
    const config = readConfig({ ...BASE });
    expect(config).toMatchObject({ PARLEY_RESIDENCY: 'none', PARLEY_ALLOWED_PROVIDERS: ALL, PARLEY_PLATFORM_KEY_SECRETS: {} });
    expect(config.PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS).toBeUndefined();
    expect(config.PARLEY_OPENAI_BASE_URL).toBeUndefined();
    // Empty strings, as a stack may pass them, mean unset.
    expect(readConfig({ ...BASE, PARLEY_RESIDENCY: '', PARLEY_ALLOWED_PROVIDERS: '', PARLEY_PLATFORM_KEY_SECRETS: '', PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS: '' }))
      .toMatchObject({ PARLEY_RESIDENCY: 'none', PARLEY_ALLOWED_PROVIDERS: ALL, PARLEY_PLATFORM_KEY_SECRETS: {} });
  });

  it('read the allowed providers, and refuse unknown ones', () => {
    expect(readConfig({ ...BASE, PARLEY_ALLOWED_PROVIDERS: ' openai , openai-compatible,openai' }).PARLEY_ALLOWED_PROVIDERS).toEqual(['openai', 'openai-compatible']);
    expect(readConfig({ ...BASE, PARLEY_ALLOWED_PROVIDERS: 'none' }).PARLEY_ALLOWED_PROVIDERS).toEqual([]);
    expect(() => readConfig({ ...BASE, PARLEY_ALLOWED_PROVIDERS: 'openai,mistral' })).toThrow(/PARLEY_ALLOWED_PROVIDERS: unknown provider "mistral"/);
  });

  it('read the platform-key secrets, and refuse anything but openai and anthropic names', () => {
    expect(readConfig({ ...BASE, PARLEY_PLATFORM_KEY_SECRETS: '{"openai":"parley/openai","anthropic":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/anthropic-AbCdEf"}' }).PARLEY_PLATFORM_KEY_SECRETS)
      .toEqual({ openai: 'parley/openai', anthropic: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/anthropic-AbCdEf' });
    expect(() => readConfig({ ...BASE, PARLEY_PLATFORM_KEY_SECRETS: 'parley/openai' })).toThrow(/PARLEY_PLATFORM_KEY_SECRETS: expected a JSON object/);
    expect(() => readConfig({ ...BASE, PARLEY_PLATFORM_KEY_SECRETS: '{"openai-compatible":"x"}' })).toThrow(/PARLEY_PLATFORM_KEY_SECRETS/);
    expect(() => readConfig({ ...BASE, PARLEY_PLATFORM_KEY_SECRETS: '{"openai":""}' })).toThrow(/PARLEY_PLATFORM_KEY_SECRETS/);
  });

  it('read the default conversation retention as whole days', () => {
    expect(readConfig({ ...BASE, PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS: '30' }).PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS).toBe(30);
    expect(readConfig({ ...BASE, PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS: '0' }).PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS).toBe(0);
    for (const bad of ['-1', '2.5', 'ninety', '4000']) {
      expect(() => readConfig({ ...BASE, PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS: bad }), bad).toThrow(/PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS/);
    }
  });

  it('under eu, refuse a region outside the EU and an OpenAI endpoint outside the profile, and default OpenAI to its EU endpoint', () => {
    expect(() => readConfig({ ...BASE, PARLEY_RESIDENCY: 'eu', AWS_REGION: 'us-east-1' })).toThrow(/AWS_REGION: PARLEY_RESIDENCY=eu keeps data in the EU, but this function runs in us-east-1/);
    expect(readConfig({ ...BASE, PARLEY_RESIDENCY: 'eu', AWS_REGION: 'eu-central-1' }).PARLEY_OPENAI_BASE_URL).toBe(EU_OPENAI_BASE_URL);
    // Without the profile the SDK's own default stays.
    expect(readConfig({ ...BASE, AWS_REGION: 'us-east-1' }).PARLEY_OPENAI_BASE_URL).toBeUndefined();
    expect(() => readConfig({ ...BASE, PARLEY_RESIDENCY: 'eu', PARLEY_OPENAI_BASE_URL: 'https://api.openai.com/v1' }))
      .toThrow(/PARLEY_OPENAI_BASE_URL: PARLEY_RESIDENCY=eu needs OpenAI's EU endpoint/);
    expect(readConfig({ ...BASE, PARLEY_RESIDENCY: 'eu', PARLEY_OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1', PARLEY_EGRESS_ALLOW_HOSTS: '127.0.0.1:9999' }).PARLEY_OPENAI_BASE_URL)
      .toBe('http://127.0.0.1:9999/v1');
    expect(() => readConfig({ ...BASE, PARLEY_RESIDENCY: 'us' })).toThrow(/PARLEY_RESIDENCY/);
  });
});

describe('core asking the policy', () => {
  // Keys, secrets and accounts have no method here: reaching any of them fails the test.
  const deps: BotEmbedderDeps = {
    residency: policy({ allowedProviders: ['anthropic'] }),
    meter: fakePort('meter'),
    keys: fakePort('keys'),
    secrets: fakePort('secrets'),
    platformKeys: fakePort('platformKeys'),
    accounts: fakePort('accounts'),
    embedders: { local: { model: 'parley-hashed-lexical-v1', dimensions: 512, embed: () => Promise.resolve([]) }, openai: () => { throw new Error('no OpenAI embedder'); } },
  };
  const tenant = tenantForSystem('01HZZZZZZZZZZZZZZZZZZZZZZZ');
  const account = { byokOnly: false } as Account;

  it('refuses a provider synchronously, before reading any key, so chat starts nothing alongside (no budget reserved)', () => {
    let thrown: unknown;
    try {
      void chooseKey(deps, tenant, account, 'openai');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'conflict', status: 409, details: { reason: 'provider_not_allowed' } });
  });

  it('embeds no question with a provider no longer allowed: no embedder, nothing read', async () => {
    expect(await embedderForIndex(deps, tenant, 'bot1', 'text-embedding-3-small@256')).toBeNull();
    expect(await embedderForIndex(deps, tenant, 'bot1', 'parley-hashed-lexical-v1@512')).toBe(deps.embedders.local);
  });
});
