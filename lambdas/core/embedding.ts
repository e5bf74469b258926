/**
 * Which embedder a bot's index uses. The bot's setting chooses local, OpenAI or
 * Amazon Bedrock (Titan Text Embeddings V2 or Cohere Embed v3, whichever the
 * operator approved; no key: the operator's AWS account);
 * OpenAI is called with the owner's key, else the platform's unless the account
 * is BYOK-only. A new bot embeds with Bedrock when the operator approved Titan V2
 * (semantic search with no key anywhere), else locally. Every document records the model and size it was embedded with
 * (`embeddedWith`), so questions are embedded the same way, and a change of
 * setting re-embeds the bot's documents. OpenAI embeddings are also subject to the
 * deployment's residency profile and allowed providers: refused when an owner
 * chooses them, when documents are indexed, and (no call, lexical search only)
 * when questions are embedded.
 *
 * Every provider embedder made here for a bot is metered (embedding-spend.ts): usage
 * rows and the bot's cost budgets count its documents and its questions, and a bot
 * whose cost budget has no room left embeds no more documents until it has.
 */
import { getAccount } from './accounts.ts';
import { BEDROCK_EMBEDDING_MODEL, bedrockEmbeddingModelOf, embeddingSizesOf, isEmbeddingModel } from './bedrock-models.ts';
import { meteredEmbedder, requireCostRoom } from './embedding-spend.ts';
import { AppError, UnreadableDocument } from './errors.ts';
import { chooseKey, requireProviderAllowed } from './keys.ts';
import type { Bot, EmbeddingChoice } from './records.ts';
import { MIN_PASSAGE_SCORE } from './limits.ts';
import type { Deps, Embedder } from './ports.ts';
import type { TenantContext } from './tenancy.ts';

export const LOCAL_EMBEDDING: EmbeddingChoice = { provider: 'local' };
export const OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

/** How an index's vectors were made: `<model>@<dimensions>`. */
export const embeddingId = (embedder: Pick<Embedder, 'model' | 'dimensions'>): string => `${embedder.model}@${embedder.dimensions}`;

export const sameEmbedding = (a: EmbeddingChoice | undefined, b: EmbeddingChoice | undefined): boolean => {
  const x = a ?? LOCAL_EMBEDDING;
  const y = b ?? LOCAL_EMBEDDING;
  if (x.provider !== y.provider) return false;
  if (x.provider === 'local' || y.provider === 'local') return true;
  return x.dimensions === y.dimensions && (x.provider !== 'bedrock' || bedrockEmbeddingModelOf(x) === bedrockEmbeddingModelOf(y));
};

/** The ports choosing an embedder uses: the embedders, and the account, residency and keys that decide which one. */
export type EmbedderDeps = Pick<Deps, 'accounts' | 'embedders' | 'keys' | 'platformKeys' | 'residency' | 'secrets'>;

/** Choosing an embedder for a bot, and the meter its use is counted on. */
export type BotEmbedderDeps = EmbedderDeps & Pick<Deps, 'meter'>;

/**
 * How a new bot embeds when its owner does not say: with the first Bedrock embedding model the
 * operator approved (Titan V2 first), at its largest size (1,024, each model's own default); else
 * undefined, locally. Titan is recorded without its name, as bots made before Cohere were.
 */
export const defaultEmbedding = (deps: Pick<Deps, 'residency' | 'embedders'>): EmbeddingChoice | undefined => {
  if (!deps.embedders.bedrock) return undefined;
  const approved = deps.residency.bedrockModels('embedding');
  const model = approved.includes(BEDROCK_EMBEDDING_MODEL) ? BEDROCK_EMBEDDING_MODEL : approved[0];
  if (model === undefined || !deps.residency.check('bedrock', { purpose: 'embedding', model }).allowed) return undefined;
  return { provider: 'bedrock', dimensions: 1024, ...(model === BEDROCK_EMBEDDING_MODEL ? {} : { model }) };
};

const NO_BEDROCK = 'This bot embeds its documents with Amazon Bedrock, which this deployment does not offer. Switch the bot to the local embedder.';

const NO_KEY = 'This bot embeds its documents with OpenAI, but there is no OpenAI key it may use. Add an OpenAI key, or switch the bot to the local embedder.';

/** An OpenAI embedder paid for by the owner's key or the platform's, and which; null when neither may be used. Callers check residency first. */
const openAiEmbedder = async (deps: EmbedderDeps, tenant: TenantContext, dimensions: number): Promise<{ embedder: Embedder; keyClass: 'owner' | 'platform' } | null> => {
  const key = await chooseKey(deps, tenant, await getAccount(deps, tenant), 'openai', 'embedding');
  return 'apiKey' in key ? { embedder: deps.embedders.openai({ apiKey: key.apiKey, dimensions }), keyClass: key.keyClass } : null;
};

/** Refuses a setting the bot could not use now (OpenAI outside the deployment's profile, or without a usable key). */
export const checkEmbeddingChoice = async (deps: EmbedderDeps, tenant: TenantContext, choice: EmbeddingChoice): Promise<void> => {
  if (choice.provider === 'bedrock') {
    const model = bedrockEmbeddingModelOf(choice);
    requireProviderAllowed(deps, 'bedrock', { purpose: 'embedding', model, field: 'embedding' });
    const sizes = embeddingSizesOf(model);
    if (!sizes.includes(choice.dimensions)) {
      throw new AppError('invalid_request', `On Amazon Bedrock, ${model} embeds at ${sizes.join(', ')} dimensions, not ${choice.dimensions}.`, { field: 'embedding' });
    }
    if (!deps.embedders.bedrock) throw new AppError('invalid_request', NO_BEDROCK, { field: 'embedding' });
    return;
  }
  if (choice.provider !== 'openai') return;
  requireProviderAllowed(deps, 'openai', { purpose: 'embedding', field: 'embedding' });
  if (!(await openAiEmbedder(deps, tenant, choice.dimensions))) {
    throw new AppError('invalid_request', NO_KEY, { field: 'embedding' });
  }
};

/**
 * The embedder new documents of this bot are indexed with, metered for the bot; an owner-readable failure
 * without a key or outside the profile, and `BudgetExhausted` when the bot's cost budget has no room left.
 */
export const embedderForBot = async (deps: BotEmbedderDeps, tenant: TenantContext, bot: Bot): Promise<Embedder> => {
  const choice = bot.embedding ?? LOCAL_EMBEDDING;
  if (choice.provider === 'local') return deps.embedders.local;
  if (choice.provider === 'bedrock') {
    const model = bedrockEmbeddingModelOf(choice);
    const allowed = deps.residency.check('bedrock', { purpose: 'embedding', model });
    if (!allowed.allowed) throw new UnreadableDocument(allowed.reason);
    if (!deps.embedders.bedrock) throw new UnreadableDocument(NO_BEDROCK);
    await requireCostRoom(deps, tenant, bot);
    const embedder = deps.embedders.bedrock({ model, dimensions: choice.dimensions, input: 'document' });
    return meteredEmbedder(deps, tenant, { botId: bot.botId, keyClass: 'bedrock', provider: 'bedrock' }, embedder);
  }
  const verdict = deps.residency.check('openai', { purpose: 'embedding' });
  if (!verdict.allowed) throw new UnreadableDocument(verdict.reason);
  const paid = await openAiEmbedder(deps, tenant, choice.dimensions);
  if (!paid) throw new UnreadableDocument(NO_KEY);
  await requireCostRoom(deps, tenant, bot);
  return meteredEmbedder(deps, tenant, { botId: bot.botId, keyClass: paid.keyClass, provider: 'openai' }, paid.embedder);
};

/** Questions are charged without holding up the answer, which waits for the charge when it settles. */
const QUESTION = { defer: true } as const;

/**
 * The embedder that made an index of bot `botId` (by its `embeddingId`), to embed questions the
 * same way, metered for the bot (never refused for its budget); null if it cannot be used now (no
 * key, or OpenAI no longer allowed here): the question is then not sent anywhere, and search is
 * lexical for those documents.
 */
export const embedderForIndex = async (deps: BotEmbedderDeps, tenant: TenantContext, botId: string, id: string): Promise<Embedder | null> => {
  if (id === embeddingId(deps.embedders.local)) return deps.embedders.local;
  const [model, dimensions] = id.split('@');
  if (model !== undefined && isEmbeddingModel(model) && Number(dimensions) > 0) {
    if (!deps.embedders.bedrock || !deps.residency.check('bedrock', { purpose: 'embedding', model }).allowed) return null;
    const embedder = deps.embedders.bedrock({ model, dimensions: Number(dimensions), input: 'query' });
    return meteredEmbedder(deps, tenant, { botId, keyClass: 'bedrock', provider: 'bedrock' }, embedder, QUESTION);
  }
  if (model !== OPENAI_EMBEDDING_MODEL || !(Number(dimensions) > 0)) return null;
  if (!deps.residency.check('openai', { purpose: 'embedding' }).allowed) return null;
  const paid = await openAiEmbedder(deps, tenant, Number(dimensions));
  return paid && meteredEmbedder(deps, tenant, { botId, keyClass: paid.keyClass, provider: 'openai' }, paid.embedder, QUESTION);
};

/**
 * The least similarity a passage needs to count as relevant, by embedding: the
 * local embedder's vectors share no component unless texts share terms, while
 * OpenAI's place unrelated texts at roughly 0.0 to 0.2.
 *
 * For Bedrock's models (Titan Text Embeddings V2, Cohere Embed v3) the same 0.25 is
 * borrowed from OpenAI and has NOT been measured: the tests and the eval run Bedrock
 * through a fake whose vectors hash words (like the local embedder's), so the
 * similarities they produce say nothing about Titan's or Cohere's. Measuring the floor
 * needs the real models over a labelled set (say, `npm run eval:retrieval -- --embedder
 * bedrock` against a deployed account, not the fake), which no test here can do.
 */
export const relevanceFloor = (id: string): number => {
  const model = id.slice(0, id.lastIndexOf('@'));
  return model === OPENAI_EMBEDDING_MODEL || isEmbeddingModel(model) ? 0.25 : MIN_PASSAGE_SCORE;
};
