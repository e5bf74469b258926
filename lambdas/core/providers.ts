/**
 * The model providers Parley can call, said once: which there are, what each
 * serves (answers, embeddings), which have a platform key, which take an
 * owner's endpoint address, which need no key at all, and which API each speaks. Core (keys, pricing,
 * residency, data flow), the adapters (chat models, platform keys, config), the
 * CDK parameters and the admin panel read it. It imports nothing, so the
 * browser bundles can import it too.
 *
 * `local` is not a provider: it names Parley's own answerer and embedder, which
 * need no key and send nothing out.
 */

/** Every model provider, in the order people are shown them. */
export const PROVIDERS = ['openai', 'anthropic', 'openai-compatible', 'bedrock'] as const;

export type ProviderId = (typeof PROVIDERS)[number];

/** Parley's own models (the extractive answerer, the hashed lexical embedder): no provider, no key. */
export const LOCAL = 'local';

/** Who writes an answer or makes a vector: a provider, or Parley itself. */
export type ModelSource = ProviderId | typeof LOCAL;

/** What a provider is used for: answering visitors, or embedding documents and questions. */
export type ModelPurpose = 'chat' | 'embedding';

/** The providers that answer visitors' questions (a bot's `model`). */
export const ANSWER_PROVIDERS = PROVIDERS;

/** The providers that embed documents and questions (a bot's `embedding`). */
export const EMBEDDING_PROVIDERS = ['openai', 'bedrock'] as const satisfies readonly ProviderId[];

export type EmbeddingProvider = (typeof EMBEDDING_PROVIDERS)[number];

/** The providers the operator may hold a key for; an owner's own endpoint never has a platform key. */
export const PLATFORM_KEY_PROVIDERS = ['openai', 'anthropic'] as const satisfies readonly ProviderId[];

export type PlatformKeyProvider = (typeof PLATFORM_KEY_PROVIDERS)[number];

/**
 * Amazon Bedrock: called in the operator's own AWS account with the function's
 * role, so there is no key, neither the owner's nor the platform's; only the
 * models and inference profiles the operator approved may be used.
 */
export const KEYLESS_PROVIDER = 'bedrock' satisfies ProviderId;

/** Whether a provider is called without any key (Bedrock, through IAM). */
export const isKeyless = (provider: ModelSource): provider is typeof KEYLESS_PROVIDER => provider === KEYLESS_PROVIDER;

/** The providers an owner may hold a key for. */
export const OWNER_KEY_PROVIDERS = ['openai', 'anthropic', 'openai-compatible'] as const satisfies readonly ProviderId[];

/** The provider reached at an address the owner gives (self-hosted or regional endpoints). */
export const OWNER_ENDPOINT_PROVIDER = 'openai-compatible' satisfies ProviderId;

/** The API each provider speaks: OpenAI-compatible endpoints speak OpenAI's (and are priced by its list). */
export const PROVIDER_API = {
  openai: 'openai',
  anthropic: 'anthropic',
  'openai-compatible': 'openai',
  bedrock: 'bedrock',
} as const satisfies Record<ProviderId, PlatformKeyProvider | 'bedrock'>;

/** The providers that speak one API, e.g. the ones the OpenAI SDK serves. */
export type ProvidersSpeaking<A extends PlatformKeyProvider | 'bedrock'> = { [P in ProviderId]: (typeof PROVIDER_API)[P] extends A ? P : never }[ProviderId];

/** Each provider's name, as people read it. */
export const PROVIDER_NAMES: Readonly<Record<ProviderId, string>> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  'openai-compatible': 'OpenAI-compatible endpoint',
  bedrock: 'Amazon Bedrock',
};

export const isProvider = (value: string): value is ProviderId => (PROVIDERS as readonly string[]).includes(value);

/** Whether a provider serves a purpose: every provider answers; only some embed. */
export const servesPurpose = (provider: ProviderId, purpose: ModelPurpose): boolean =>
  purpose === 'chat' ? (ANSWER_PROVIDERS as readonly string[]).includes(provider) : (EMBEDDING_PROVIDERS as readonly string[]).includes(provider);

/** Whether the operator may hold a key for this provider. */
export const hasPlatformKey = (provider: ProviderId): provider is PlatformKeyProvider =>
  (PLATFORM_KEY_PROVIDERS as readonly string[]).includes(provider);

/** Whether this provider is reached at the owner's address: it needs a base URL, and only it may have one. */
export const takesOwnerEndpoint = (provider: ModelSource): provider is typeof OWNER_ENDPOINT_PROVIDER => provider === OWNER_ENDPOINT_PROVIDER;
