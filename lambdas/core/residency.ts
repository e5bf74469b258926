/**
 * Residency profiles and the operator's allowed providers: deploy parameters the
 * code enforces, not only the docs. One decision, `check`, answers for a provider
 * (with an owner's endpoint when there is one) and a purpose whether it may be
 * configured or called here, and if not, why, in words an owner understands.
 *
 * Profile `none`: data is stored in the deployment's region; the providers the
 * operator allows may process requests anywhere.
 *
 * Profile `eu`: data is stored in an `eu-*` region (the function refuses to start
 * elsewhere), and model calls stay in the EU:
 * - OpenAI only through its EU data-residency endpoint (`eu.api.openai.com`, the
 *   adapters' default under this profile), or through a host the operator lists
 *   in `PARLEY_EGRESS_ALLOW_HOSTS`;
 * - Anthropic is refused: its API offers no EU-only processing;
 * - Amazon Bedrock only for models served in the (EU) region or through `eu.`
 *   inference profiles, which route requests among EU regions only;
 * - an owner's OpenAI-compatible endpoint only on a host of the operator's egress
 *   allowlist. The operator declares, by listing a host there, that it is inside
 *   the profile (Parley cannot tell where a host processes requests); with an
 *   empty allowlist no owner endpoint is accepted.
 */
import { isEmbeddingModel, placeOf, staysInEu } from './bedrock-models.ts';
import type { ProviderVerdict, ResidencyPolicy, ResidencyProfile } from './ports.ts';
import { PROVIDER_NAMES, takesOwnerEndpoint, type ModelPurpose, type ProviderId } from './providers.ts';

/** OpenAI's EU data-residency endpoint (a project created with European data residency). */
export const EU_OPENAI_BASE_URL = 'https://eu.api.openai.com/v1';
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface ResidencySettings {
  readonly profile: ResidencyProfile;
  /** The providers the operator lets owners use. */
  readonly allowedProviders: readonly ProviderId[];
  /** The AWS region the functions run in and store data in. */
  readonly region: string;
  /** The operator's egress allowlist (`host` or `host:port`): hosts declared to be inside the profile. */
  readonly egressAllowHosts: readonly string[];
  /** The OpenAI base URL the adapters use: the operator's override, else the profile's default. */
  readonly openaiBaseUrl?: string | undefined;
  /** The Bedrock models and inference profiles the operator approved (Titan V2 among them enables Bedrock embeddings). @default none: no Bedrock */
  readonly bedrockModels?: readonly string[] | undefined;
}

/** A provider in a sentence, and in a list of what is offered: an owner's endpoint is theirs, and there are many. */
const nameOf = (provider: ProviderId): string => (takesOwnerEndpoint(provider) ? `your own ${PROVIDER_NAMES[provider]}` : PROVIDER_NAMES[provider]);
const listNameOf = (provider: ProviderId): string => (takesOwnerEndpoint(provider) ? `${PROVIDER_NAMES[provider]}s` : PROVIDER_NAMES[provider]);

/** AWS region names, for statements an owner reads. */
const REGION_PLACES: Readonly<Record<string, string>> = {
  'eu-west-1': 'Ireland',
  'eu-west-2': 'London',
  'eu-west-3': 'Paris',
  'eu-central-1': 'Frankfurt',
  'eu-central-2': 'Zurich',
  'eu-north-1': 'Stockholm',
  'eu-south-1': 'Milan',
  'eu-south-2': 'Spain',
  'us-east-1': 'N. Virginia',
  'us-east-2': 'Ohio',
  'us-west-1': 'N. California',
  'us-west-2': 'Oregon',
  'ca-central-1': 'Canada',
  'ap-southeast-2': 'Sydney',
  'ap-northeast-1': 'Tokyo',
};

/** `the AWS region eu-west-1 (Ireland)`. */
export const regionInWords = (region: string): string => {
  const place = REGION_PLACES[region];
  return `the AWS region ${region}${place ? ` (${place})` : ''}`;
};

/** Why a region cannot hold a profile's data; undefined when it can. */
export const regionProblem = (profile: ResidencyProfile, region: string): string | undefined =>
  profile === 'eu' && !region.startsWith('eu-')
    ? `PARLEY_RESIDENCY=eu keeps data in the EU, but this function runs in ${region}; deploy to an eu-* region`
    : undefined;

/** Whether a URL's host is an entry (`host` or `host:port`) of the operator's allowlist, as the egress guard matches it. */
export const onAllowlist = (url: URL, allowHosts: readonly string[]): boolean => {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowHosts.some((entry) => {
    // Parsed under both schemes: each hides its own default port.
    const asHttp = URL.parse(`http://${entry}`);
    const asHttps = URL.parse(`https://${entry}`);
    if (!asHttp || !asHttps) return false;
    const entryPort = asHttp.port || asHttps.port;
    return asHttp.hostname === url.hostname.toLowerCase() && (entryPort === '' || entryPort === port);
  });
};

const listOf = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;

const forPurpose = (purpose: ModelPurpose | undefined) => (purpose === 'chat' ? ' to answer questions' : purpose === 'embedding' ? ' to embed your documents' : '');

const refused = (kind: 'provider_not_allowed' | 'outside_residency', reason: string): ProviderVerdict => ({ allowed: false, kind, reason });

/** Where a Bedrock model processes requests, in words: `in the AWS region eu-west-1 (Ireland)`, `within the EU`. */
export const bedrockPlaceInWords = (model: string, region: string): string => {
  const place = placeOf(model, region);
  return place.kind === 'region'
    ? `in ${regionInWords(place.region)}`
    : `within ${place.name}, through Amazon Bedrock's ${place.prefix}. cross-region inference profile, which routes each request to one of ${place.prefix === 'global' ? 'them' : 'its regions only'}`;
};

/** Why an approved Bedrock model cannot be used under a profile; undefined when it can. */
export const bedrockModelProblem = (profile: ResidencyProfile, region: string, model: string): string | undefined =>
  profile === 'eu' && !staysInEu(model, region)
    ? `PARLEY_RESIDENCY=eu keeps data in the EU, but ${model} is served ${bedrockPlaceInWords(model, region)}; approve models of this region or eu. inference profiles`
    : undefined;

/** Builds the policy; throws when the region cannot hold the profile's data (the function must not start). */
export const createResidencyPolicy = (settings: ResidencySettings): ResidencyPolicy => {
  const problem = regionProblem(settings.profile, settings.region);
  if (problem) throw new Error(`Invalid Parley configuration: AWS_REGION: ${problem}`);
  const allowed = new Set(settings.allowedProviders);
  const openaiUrl = new URL(settings.openaiBaseUrl ?? (settings.profile === 'eu' ? EU_OPENAI_BASE_URL : DEFAULT_OPENAI_BASE_URL));
  const euOpenAiHost = new URL(EU_OPENAI_BASE_URL).hostname;
  const openaiInEu = openaiUrl.hostname === euOpenAiHost || onAllowlist(openaiUrl, settings.egressAllowHosts);
  const where = regionInWords(settings.region);
  const bedrockModels = settings.bedrockModels ?? [];
  const bedrockFor = (purpose: ModelPurpose | undefined) => bedrockModels.filter((m) => (purpose === undefined ? true : isEmbeddingModel(m) === (purpose === 'embedding')));

  /** Only what the operator approved, for the purpose asked. */
  const checkBedrock = (purpose: ModelPurpose | undefined, model: string | undefined): ProviderVerdict => {
    const approved = bedrockFor(purpose);
    if (approved.length === 0) {
      return refused('provider_not_allowed', `This Parley deployment does not offer Amazon Bedrock${forPurpose(purpose)}: its operator has approved no Bedrock model for it.`);
    }
    if (model !== undefined && !approved.includes(model)) {
      return refused('provider_not_allowed', `This Parley deployment does not offer ${model} on Amazon Bedrock: its operator approved only ${listOf(approved)}.`);
    }
    return { allowed: true };
  };

  const checkEu = (provider: ProviderId, purpose: ModelPurpose | undefined, baseUrl: string | undefined, model: string | undefined): ProviderVerdict => {
    const lead = 'This Parley deployment keeps data in the EU.';
    switch (provider) {
      case 'openai':
        return openaiInEu
          ? { allowed: true }
          : refused('outside_residency', `${lead} It is set to reach OpenAI at ${openaiUrl.host}, which may process requests outside the EU, so OpenAI cannot be used here${forPurpose(purpose)}. Its operator can switch to OpenAI's EU data-residency endpoint (${EU_OPENAI_BASE_URL}).`);
      case 'anthropic': {
        const instead = allowed.has('openai') && openaiInEu ? ' Choose OpenAI, reached here through its EU data-residency endpoint, or Parley’s own answerer instead.' : ' Choose Parley’s own answerer instead.';
        return refused('outside_residency', `${lead} Anthropic's API offers no way to keep requests inside the EU (they may be processed in the US or elsewhere), so Anthropic cannot be used here.${instead}`);
      }
      case 'openai-compatible': {
        if (settings.egressAllowHosts.length === 0) {
          return refused('outside_residency', `${lead} Its operator has not declared any endpoint to be inside the EU, so your own OpenAI-compatible endpoint cannot be used here.`);
        }
        if (baseUrl === undefined) return { allowed: true };
        const url = URL.parse(baseUrl);
        if (url && onAllowlist(url, settings.egressAllowHosts)) return { allowed: true };
        return refused('outside_residency', `${lead} ${url ? url.host : 'This endpoint'} is not one of the endpoints its operator has declared to be inside the EU, so it cannot be used here. Ask the operator to declare it, or use another endpoint.`);
      }
      case 'bedrock':
        return model === undefined || staysInEu(model, settings.region)
          ? { allowed: true }
          : refused('outside_residency', `${lead} On Amazon Bedrock, ${model} is served ${bedrockPlaceInWords(model, settings.region)}, so it cannot be used here. Choose a model of this region or an eu. inference profile.`);
    }
  };

  return {
    profile: settings.profile,
    region: settings.region,
    bedrockModels: (purpose) => bedrockFor(purpose).filter((m) => !(settings.profile === 'eu' && !staysInEu(m, settings.region))),
    approvedBedrockModels: (purpose) => bedrockFor(purpose),
    check(provider, use) {
      if (!allowed.has(provider)) {
        const offered = settings.allowedProviders.map(listNameOf);
        return refused('provider_not_allowed', offered.length === 0
          ? `This Parley deployment does not send data to any model provider: its operator has turned them off, so ${nameOf(provider)} cannot be used here. Parley's own answerer and embedder still work.`
          : `This Parley deployment does not offer ${nameOf(provider)}: its operator allows only ${listOf(offered)}.`);
      }
      if (provider === 'bedrock') {
        const verdict = checkBedrock(use?.purpose, use?.model);
        if (!verdict.allowed) return verdict;
      }
      return settings.profile === 'eu' ? checkEu(provider, use?.purpose, use?.baseUrl, use?.model) : { allowed: true };
    },
    summary: settings.profile === 'eu'
      ? `This deployment keeps data in the EU: everything is stored in ${where}, and model providers are called only through endpoints inside the EU.`
      : `Everything is stored in ${where}. This deployment has no residency profile: a model provider you choose may process requests outside that region.`,
    endpointNote(provider) {
      if (settings.profile !== 'eu') return undefined;
      if (provider === 'openai' && openaiInEu) {
        return openaiUrl.hostname === euOpenAiHost
          ? `through OpenAI's EU data-residency endpoint (${euOpenAiHost}); your key must belong to an OpenAI project created with European data residency`
          : `through ${openaiUrl.host}, an endpoint this deployment's operator declared to be inside the EU`;
      }
      if (takesOwnerEndpoint(provider)) return 'on a host this deployment\'s operator declared to be inside the EU';
      if (provider === 'bedrock') return 'inside this deployment\'s own AWS account, in an EU region or through an EU inference profile';
      return undefined;
    },
  };
};
