// The Amazon Bedrock models a bot's settings page offers: the operator's approved
// list, named and placed, each with whether this deployment lets an owner choose it.
import { describe, expect, it } from 'vitest';
import { listBedrockModels, type BedrockCatalogueDeps } from '../../lambdas/core/bedrock-catalogue.ts';
import type { Embedder } from '../../lambdas/core/ports.ts';
import { PROVIDERS, type ProviderId } from '../../lambdas/core/providers.ts';
import { createResidencyPolicy, type ResidencySettings } from '../../lambdas/core/residency.ts';
import { tenantForMember, tenantForVisitor, type Role } from '../../lambdas/core/tenancy.ts';

const tenantForUser = (accountId: string, role: Role) => tenantForMember({ accountId, userId: 'user-1', role });

const ACC = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const SONNET_EU = 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-embed-text-v2:0';
const embedder: Embedder = { model: 'fake', dimensions: 3, embed: () => Promise.resolve([]) };

const deps = (settings: Partial<ResidencySettings> = {}, withEmbedder = true): BedrockCatalogueDeps => ({
  residency: createResidencyPolicy({ profile: 'none', allowedProviders: [...PROVIDERS], region: 'eu-central-1', egressAllowHosts: [], bedrockModels: [SONNET_EU, 'amazon.nova-pro-v1:0', 'vendor.new-model-v1:0', TITAN], ...settings }),
  embedders: { local: embedder, openai: () => embedder, ...(withEmbedder ? { bedrock: () => embedder } : {}) },
});

describe('the Bedrock catalogue', () => {
  it('names each approved model, says where it runs, and keeps answers and embeddings apart', () => {
    const catalogue = listBedrockModels(deps(), tenantForUser(ACC, 'viewer'));

    expect(catalogue.chat.map((m) => [m.id, m.name, m.allowed])).toEqual([
      [SONNET_EU, 'Claude Sonnet 4.5', true],
      ['amazon.nova-pro-v1:0', 'Amazon Nova Pro', true],
      // A model Parley has no name for is shown by its identifier.
      ['vendor.new-model-v1:0', 'vendor.new-model-v1:0', true],
    ]);
    expect(catalogue.chat[0]!.where).toMatch(/^within the EU, through Amazon Bedrock's eu\. cross-region inference profile/);
    expect(catalogue.chat[1]!.place).toEqual({ kind: 'region', region: 'eu-central-1' });
    expect(catalogue.embedding).toEqual([expect.objectContaining({ id: TITAN, name: 'Titan Text Embeddings V2', allowed: true, dimensions: [256, 512, 1024] })]);
  });

  it('lists approved models the operator does not let owners use as not allowed, with the reason', () => {
    const allowedProviders: ProviderId[] = ['openai'];
    const catalogue = listBedrockModels(deps({ allowedProviders }), tenantForUser(ACC, 'owner'));

    expect(catalogue.chat.every((m) => !m.allowed && /does not offer Amazon Bedrock/.test(m.reason ?? ''))).toBe(true);
    expect(catalogue.embedding[0]).toMatchObject({ allowed: false });
  });

  it('does not offer Bedrock embeddings where no Bedrock embedder is wired', () => {
    expect(listBedrockModels(deps({}, false), tenantForUser(ACC, 'admin')).embedding[0]).toMatchObject({ allowed: false, reason: expect.stringMatching(/cannot reach Amazon Bedrock/) as string });
  });

  it('is empty without approved models, and for no one but a member', () => {
    expect(listBedrockModels(deps({ bedrockModels: [] }), tenantForUser(ACC, 'viewer'))).toEqual({ chat: [], embedding: [] });
    expect(() => listBedrockModels(deps(), tenantForVisitor(ACC))).toThrow(/role/);
  });
});
