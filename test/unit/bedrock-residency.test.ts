// Amazon Bedrock under the residency policy: only the models the operator approved,
// for the purpose asked; under `eu`, only models of the (EU) region or `eu.`
// inference profiles; and the function refuses to start with an approved model
// the profile could not use.
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lambdas/adapters/config.ts';
import { foundationModelOf, placeOf, staysInEu } from '../../lambdas/core/bedrock-models.ts';
import { priceOf } from '../../lambdas/core/pricing.ts';
import { PROVIDERS } from '../../lambdas/core/providers.ts';
import { bedrockPlaceInWords, createResidencyPolicy, type ResidencySettings } from '../../lambdas/core/residency.ts';

const SONNET_EU = 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0';
const SONNET_US = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-embed-text-v2:0';
const policy = (overrides: Partial<ResidencySettings> = {}) =>
  createResidencyPolicy({ profile: 'none', allowedProviders: [...PROVIDERS], region: 'eu-west-1', egressAllowHosts: [], bedrockModels: [SONNET_EU, 'amazon.nova-lite-v1:0', TITAN], ...overrides });
const BASE = { PARLEY_TABLE: 'parley', PARLEY_KEYS_TABLE: 'parley-keys', PARLEY_BUCKET: 'parley-docs' };

describe('Bedrock model identifiers', () => {
  it('tell a foundation model (this region) from a geography\'s inference profile', () => {
    expect(placeOf('amazon.nova-lite-v1:0', 'eu-central-1')).toEqual({ kind: 'region', region: 'eu-central-1' });
    expect(placeOf(SONNET_EU, 'eu-central-1')).toMatchObject({ kind: 'geography', prefix: 'eu' });
    expect(placeOf('global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu-west-1')).toMatchObject({ kind: 'geography', prefix: 'global' });
    expect(placeOf('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0', 'eu-west-1')).toEqual({ kind: 'region', region: 'us-east-1' });
    expect(foundationModelOf(SONNET_EU)).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  it('stay in the EU only in an EU region or through an eu. profile', () => {
    expect(staysInEu('amazon.nova-lite-v1:0', 'eu-west-1')).toBe(true);
    expect(staysInEu(SONNET_EU, 'eu-west-1')).toBe(true);
    expect(staysInEu(SONNET_US, 'eu-west-1')).toBe(false);
    expect(staysInEu('global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu-west-1')).toBe(false);
    expect(staysInEu('amazon.nova-lite-v1:0', 'us-east-1')).toBe(false);
  });

  it('are priced by their foundation model, and a model missing from the list as the dearest', () => {
    expect(priceOf('bedrock', SONNET_EU)).toEqual(priceOf('bedrock', 'anthropic.claude-sonnet-4-5-20250929-v1:0'));
    expect(priceOf('bedrock', 'amazon.nova-lite-v1:0')[0]).toBeLessThan(1);
    expect(priceOf('bedrock', 'vendor.unknown-model-v1:0')).toEqual([15, 75]);
  });
});

describe('Bedrock under the residency policy', () => {
  it('allows only the models the operator approved, for answers and for embeddings apart', () => {
    const p = policy();
    expect(p.check('bedrock', { purpose: 'chat', model: SONNET_EU })).toEqual({ allowed: true });
    expect(p.check('bedrock', { purpose: 'embedding', model: TITAN })).toEqual({ allowed: true });
    expect(p.check('bedrock', { purpose: 'chat', model: TITAN })).toMatchObject({ allowed: false, kind: 'provider_not_allowed' });
    const other = p.check('bedrock', { purpose: 'chat', model: 'meta.llama3-3-70b-instruct-v1:0' });
    expect(other).toMatchObject({ allowed: false, kind: 'provider_not_allowed' });
    expect(other.allowed ? '' : other.reason).toContain('approved only');
    expect(p.bedrockModels('chat')).toEqual([SONNET_EU, 'amazon.nova-lite-v1:0']);
    expect(p.bedrockModels('embedding')).toEqual([TITAN]);
  });

  it('refuses Bedrock altogether where the operator approved no model', () => {
    const p = policy({ bedrockModels: [] });
    const none = p.check('bedrock', { purpose: 'chat' });
    expect(none).toMatchObject({ allowed: false, kind: 'provider_not_allowed' });
    expect(none.allowed ? '' : none.reason).toContain('approved no Bedrock model');
    expect(p.bedrockModels('chat')).toEqual([]);
  });

  it('under eu, allows EU profiles and this region\'s models, and refuses other geographies', () => {
    const p = policy({ profile: 'eu', bedrockModels: [SONNET_EU, SONNET_US, 'amazon.nova-lite-v1:0'] });
    expect(p.check('bedrock', { purpose: 'chat', model: SONNET_EU })).toEqual({ allowed: true });
    expect(p.check('bedrock', { purpose: 'chat', model: 'amazon.nova-lite-v1:0' })).toEqual({ allowed: true });
    const us = p.check('bedrock', { purpose: 'chat', model: SONNET_US });
    expect(us).toMatchObject({ allowed: false, kind: 'outside_residency' });
    expect(us.allowed ? '' : us.reason).toContain('the United States');
    expect(p.bedrockModels('chat')).toEqual([SONNET_EU, 'amazon.nova-lite-v1:0']);
    expect(p.endpointNote('bedrock')).toMatch(/EU inference profile/);
  });

  it('says where a model runs, in words', () => {
    expect(bedrockPlaceInWords('amazon.nova-lite-v1:0', 'eu-central-1')).toBe('in the AWS region eu-central-1 (Frankfurt)');
    expect(bedrockPlaceInWords(SONNET_EU, 'eu-central-1')).toMatch(/^within the EU, through Amazon Bedrock's eu\. cross-region inference profile/);
  });
});

describe('the Bedrock deploy parameters', () => {
  it('read the approved list, and none by default', () => {
    expect(readConfig({ ...BASE }).PARLEY_BEDROCK_MODELS).toEqual([]);
    expect(readConfig({ ...BASE, PARLEY_BEDROCK_MODELS: ` ${SONNET_EU}, ${TITAN} ,` }).PARLEY_BEDROCK_MODELS).toEqual([SONNET_EU, TITAN]);
    expect(() => readConfig({ ...BASE, PARLEY_BEDROCK_MODELS: 'not a model' })).toThrow(/PARLEY_BEDROCK_MODELS: not a Bedrock model/);
  });

  it('refuse to start under eu with a model served outside the EU', () => {
    expect(() => readConfig({ ...BASE, PARLEY_RESIDENCY: 'eu', PARLEY_BEDROCK_MODELS: `${SONNET_EU},${SONNET_US}` })).toThrow(/PARLEY_BEDROCK_MODELS: .*us\.anthropic/);
    expect(readConfig({ ...BASE, PARLEY_RESIDENCY: 'eu', PARLEY_BEDROCK_MODELS: `${SONNET_EU},${TITAN}` }).PARLEY_BEDROCK_MODELS).toHaveLength(2);
  });
});
