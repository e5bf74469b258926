// The model providers are said once, in lambdas/core/providers.ts: what each serves
// is consistent, the configuration and the prices read it, and no other source file
// spells the list again (a second list is how a new provider gets half-added).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lambdas/adapters/config.ts';
import { priceOf } from '../../lambdas/core/pricing.ts';
import {
  ANSWER_PROVIDERS, EMBEDDING_PROVIDERS, hasPlatformKey, isKeyless, isProvider, KEYLESS_PROVIDER, LOCAL, OWNER_ENDPOINT_PROVIDER, OWNER_KEY_PROVIDERS, PLATFORM_KEY_PROVIDERS,
  PROVIDER_API, PROVIDER_NAMES, PROVIDERS, servesPurpose, takesOwnerEndpoint,
} from '../../lambdas/core/providers.ts';

const root = path.resolve(import.meta.dirname, '../..');
const BASE = { PARLEY_TABLE: 'parley', PARLEY_KEYS_TABLE: 'parley-keys', PARLEY_BUCKET: 'parley-docs' };

describe('the provider list', () => {
  it('names openai, anthropic, openai-compatible and bedrock, and not local', () => {
    expect(PROVIDERS).toEqual(['openai', 'anthropic', 'openai-compatible', 'bedrock']);
    expect(isProvider(LOCAL)).toBe(false);
    expect(isProvider('mistral')).toBe(false);
    for (const p of PROVIDERS) expect(isProvider(p)).toBe(true);
  });

  it('has every provider answer, and only OpenAI and Bedrock embed', () => {
    expect(ANSWER_PROVIDERS).toEqual(PROVIDERS);
    expect(EMBEDDING_PROVIDERS).toEqual(['openai', 'bedrock']);
    expect(PROVIDERS.filter((p) => servesPurpose(p, 'chat'))).toEqual(PROVIDERS);
    expect(PROVIDERS.filter((p) => servesPurpose(p, 'embedding'))).toEqual(['openai', 'bedrock']);
  });

  it('gives a platform key to every provider but the owner endpoint, which alone takes an address, and Bedrock, which takes no key', () => {
    expect(PLATFORM_KEY_PROVIDERS).toEqual(PROVIDERS.filter((p) => p !== OWNER_ENDPOINT_PROVIDER && p !== KEYLESS_PROVIDER));
    expect(OWNER_KEY_PROVIDERS).toEqual(PROVIDERS.filter((p) => !isKeyless(p)));
    expect(PROVIDERS.filter(isKeyless)).toEqual(['bedrock']);
    expect(PROVIDERS.filter(hasPlatformKey)).toEqual(PLATFORM_KEY_PROVIDERS);
    expect(PROVIDERS.filter(takesOwnerEndpoint)).toEqual(['openai-compatible']);
    expect(takesOwnerEndpoint(LOCAL)).toBe(false);
  });

  it('says which API each speaks, always one with an adapter of its own, and names each', () => {
    expect(PROVIDER_API).toEqual({ openai: 'openai', anthropic: 'anthropic', 'openai-compatible': 'openai', bedrock: 'bedrock' });
    for (const p of PROVIDERS) {
      expect([...PLATFORM_KEY_PROVIDERS, KEYLESS_PROVIDER]).toContain(PROVIDER_API[p]);
      expect(PROVIDER_NAMES[p]).toMatch(/^[A-Z]/);
    }
  });
});

describe('what reads the provider list', () => {
  it('lets the operator allow exactly these providers, all by default', () => {
    expect(readConfig({ ...BASE }).PARLEY_ALLOWED_PROVIDERS).toEqual([...PROVIDERS]);
    expect(() => readConfig({ ...BASE, PARLEY_ALLOWED_PROVIDERS: 'local' })).toThrow(/unknown provider "local": expected a comma-separated list of openai, anthropic, openai-compatible, bedrock, or none/);
  });

  it('takes platform-key secrets for the providers with platform keys only', () => {
    const secrets = Object.fromEntries(PLATFORM_KEY_PROVIDERS.map((p) => [p, `parley/${p}`]));
    expect(readConfig({ ...BASE, PARLEY_PLATFORM_KEY_SECRETS: JSON.stringify(secrets) }).PARLEY_PLATFORM_KEY_SECRETS).toEqual(secrets);
    expect(() => readConfig({ ...BASE, PARLEY_PLATFORM_KEY_SECRETS: `{"${OWNER_ENDPOINT_PROVIDER}":"x"}` }))
      .toThrow(/expected a JSON object from openai and\/or anthropic to a secret name/);
  });

  it('prices an OpenAI-compatible model by the list of the API it speaks, and the local answerer at nothing', () => {
    expect(priceOf('openai-compatible', 'gpt-4.1-mini')).toEqual(priceOf('openai', 'gpt-4.1-mini'));
    expect(priceOf('openai', 'gpt-4.1-mini')).toEqual([0.4, 1.6]);
    expect(priceOf(LOCAL, 'anything')).toEqual([0, 0]);
    expect(priceOf('anthropic', 'a-model-not-listed')).toEqual([15, 75]);
  });
});

/** Two provider names in a row, in an array or a union: a list of providers spelled again. */
const SPELLED_LIST = /'(?:openai|anthropic|openai-compatible|bedrock)'\s*[,|]\s*'(?:openai|anthropic|openai-compatible|bedrock)'/;
const THE_LIST = 'lambdas/core/providers.ts';

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(rel);
    return /\.tsx?$/.test(entry.name) ? [rel] : [];
  });

describe('the provider list, said once', () => {
  it('is spelled nowhere else in the functions, the stack, the panel or the widget', () => {
    const files = ['lambdas', 'infra', 'admin/src', 'widget/src'].flatMap(sourceFiles);
    expect(files).toContain(THE_LIST);
    const spelled = files
      .filter((f) => f !== THE_LIST)
      .flatMap((f) => fs.readFileSync(path.join(root, f), 'utf8').split('\n').flatMap((line, i) => (SPELLED_LIST.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));
    expect(spelled).toEqual([]);
    expect(SPELLED_LIST.test(fs.readFileSync(path.join(root, THE_LIST), 'utf8'))).toBe(true);
  });
});
