/**
 * Where a bot's data goes, in plain words, computed from its configuration and
 * the account's: which provider receives visitors' questions and the passages
 * retrieved for them, paid by which key; where documents are embedded; where
 * everything is stored, sealed under what; how long each kind of data is kept;
 * the deployment's residency profile, and any provider it refuses.
 * Nothing here reveals a key: only whether the owner has one.
 */
import { getAccount } from './accounts.ts';
import { BEDROCK_EMBEDDING_MODEL, bedrockEmbeddingModelOf, modelNameOf } from './bedrock-models.ts';
import { requireRole } from './roles.ts';
import { getBot } from './bot-lookup.ts';
import { usablePlatformKey } from './keys.ts';
import { AUDIT_RETENTION_DAYS, MIN_CONTACT_RETENTION_DAYS } from './limits.ts';
import type { KeyClass } from './records.ts';
import type { Deps } from './ports.ts';
import { isKeyless, PROVIDER_NAMES, takesOwnerEndpoint, type ProviderId } from './providers.ts';
import { bedrockPlaceInWords, regionInWords } from './residency.ts';
import type { TenantContext } from './tenancy.ts';
import type { DataFlow } from './views.ts';

/** Who receives the questions: an owner's endpoint is theirs. */
const recipientOf = (provider: ProviderId): string => (takesOwnerEndpoint(provider) ? `your ${PROVIDER_NAMES[provider]}` : PROVIDER_NAMES[provider]);

/** Which key would pay (as `chooseKey` decides), without unsealing one. */
const keyClassFor = async (deps: Pick<Deps, 'keys' | 'platformKeys'>, tenant: TenantContext, byokOnly: boolean, provider: ProviderId): Promise<{ keyClass: KeyClass; baseUrl?: string }> => {
  if (isKeyless(provider)) return { keyClass: 'bedrock' };
  const owner = await deps.keys.get(tenant, provider);
  if (owner) return { keyClass: 'owner', ...(owner.record.baseUrl ? { baseUrl: owner.record.baseUrl } : {}) };
  if (await usablePlatformKey(deps, byokOnly, provider)) return { keyClass: 'platform' };
  return { keyClass: 'local' };
};

const paidBy = (keyClass: KeyClass) => (keyClass === 'owner' ? 'paid with your own key' : keyClass === 'bedrock' ? "paid by this Parley deployment's own AWS account (no key is used)" : "paid with Parley's key");

/** Where Bedrock is, in the statement: the operator's account, and the region or geography the model runs in. */
const bedrockWhere = (deps: Pick<Deps, 'region'>, model: string) => `inside this Parley deployment's own AWS account, ${bedrockPlaceInWords(model, deps.region)}`;

const BEDROCK_TRAINING = ' Amazon Bedrock does not use requests to train models, and does not share them with the models\' makers.';

/** The ports dataFlowOf uses, directly and through what it calls. */
export type DataFlowDeps = Pick<Deps, 'accounts' | 'bots' | 'keys' | 'platformKeys' | 'region' | 'residency' | 'stage'>;

export const dataFlowOf = async (deps: DataFlowDeps, tenant: TenantContext, botId: string): Promise<DataFlow> => {
  requireRole(tenant, 'viewer');
  const [bot, account] = await Promise.all([getBot(deps, tenant, botId), getAccount(deps, tenant)]);
  const model = bot.model ?? { provider: 'local' as const };
  const answerKey = model.provider === 'local' ? { keyClass: 'local' as const } : await keyClassFor(deps, tenant, account.byokOnly, model.provider);
  // As chat decides: a provider the deployment does not allow is never called.
  const answerVerdict = model.provider === 'local' ? { allowed: true as const } : deps.residency.check(model.provider, { purpose: 'chat', baseUrl: answerKey.baseUrl, model: model.model });
  const answerRecipient = answerKey.keyClass === 'local' || model.provider === 'local'
    ? 'Parley only'
    : takesOwnerEndpoint(model.provider) && answerKey.baseUrl ? new URL(answerKey.baseUrl).host : recipientOf(model.provider);
  const answerVia = model.provider === 'local' ? undefined : isKeyless(model.provider) ? bedrockWhere(deps, model.model) : deps.residency.endpointNote(model.provider);
  const answers = !answerVerdict.allowed
    ? {
      recipient: 'Parley only',
      keyClass: 'local' as const,
      summary: `Nothing is sent: this bot's model is not allowed in this deployment, so visitors get an error until you choose another model. ${answerVerdict.reason}`,
      refused: answerVerdict.reason,
    }
    : answerKey.keyClass === 'local' || model.provider === 'local'
      ? { recipient: answerRecipient, keyClass: 'local' as const, summary: 'Answers are written by Parley itself, quoting your documents: no question or passage leaves Parley.' }
      : {
        recipient: answerRecipient,
        keyClass: answerKey.keyClass,
        summary: `Each visitor question, the passages of your documents found for it and the last few turns of the conversation are sent to ${answerRecipient}${answerVia ? ` ${answerVia}` : ''} (model ${model.model}), ${paidBy(answerKey.keyClass)}.${answerKey.keyClass === 'bedrock' ? BEDROCK_TRAINING : ''}`,
      };
  const bedrockEmbeddings = bot.embedding?.provider === 'bedrock';
  const bedrockEmbedder = bot.embedding ? bedrockEmbeddingModelOf(bot.embedding) : BEDROCK_EMBEDDING_MODEL;
  const openAiEmbeddings = bot.embedding?.provider === 'openai';
  const embeddingVerdict = openAiEmbeddings
    ? deps.residency.check('openai', { purpose: 'embedding' })
    : bedrockEmbeddings ? deps.residency.check('bedrock', { purpose: 'embedding', model: bedrockEmbedder }) : { allowed: true as const };
  const embeddingKey = openAiEmbeddings && embeddingVerdict.allowed ? await keyClassFor(deps, tenant, account.byokOnly, 'openai') : { keyClass: 'local' as const };
  const embeddingVia = deps.residency.endpointNote('openai');
  const embeddings = !embeddingVerdict.allowed
    ? {
      recipient: 'Parley only',
      keyClass: 'local' as const,
      summary: `Nothing is sent to be embedded: this bot embeds with ${bedrockEmbeddings ? 'Amazon Bedrock' : 'OpenAI'}, which is not allowed in this deployment, so new documents cannot be indexed and questions are searched by their words only until you switch to the local embedder. ${embeddingVerdict.reason}`,
      refused: embeddingVerdict.reason,
    }
    : bedrockEmbeddings
      ? { recipient: PROVIDER_NAMES.bedrock, keyClass: 'bedrock' as const, summary: `The text of your documents, and each visitor question, is sent to Amazon Bedrock ${bedrockWhere(deps, bedrockEmbedder)} to be embedded (${modelNameOf(bedrockEmbedder)}), ${paidBy('bedrock')}.` }
    : openAiEmbeddings && embeddingKey.keyClass !== 'local'
      ? { recipient: 'OpenAI', keyClass: embeddingKey.keyClass, summary: `The text of your documents, and each visitor question, is sent to OpenAI${embeddingVia ? ` ${embeddingVia}` : ''} to be embedded (text-embedding-3-small), ${paidBy(embeddingKey.keyClass)}.` }
      : { recipient: 'Parley only', keyClass: 'local' as const, summary: 'Documents and questions are indexed by Parley itself: nothing is sent out to index them.' };
  const conversationsDays = account.retentionDays;
  const contactsDays = Math.max(conversationsDays, MIN_CONTACT_RETENTION_DAYS);
  return {
    answers,
    embeddings,
    residency: { profile: deps.residency.profile, region: deps.region, summary: deps.residency.summary },
    storage: {
      region: deps.region,
      summary: `Documents, their passages and index, conversations and visitors' contact details are stored ${deps.stage === 'local' ? "on this computer, by Parley's local platform (on AWS: in the deployment's region)" : `in ${regionInWords(deps.region)}`}, sealed with a key of this account's own; erasing the account destroys that key.`,
    },
    retention: {
      conversationsDays,
      contactsDays,
      auditDays: AUDIT_RETENTION_DAYS,
      summary: `${conversationsDays === 0 ? 'Conversations are not stored.' : `Conversations are kept ${conversationsDays} days.`} Requests for a person and leads are kept ${contactsDays} days; the audit log ${AUDIT_RETENTION_DAYS} days.`,
    },
    training: answers.keyClass === 'bedrock'
      ? `Parley never uses your data to train models.${BEDROCK_TRAINING}`
      : takesOwnerEndpoint(model.provider) && answers.keyClass !== 'local'
      ? `Parley never uses your data to train models. What ${answerRecipient} does with the requests it receives is up to whoever runs it.`
      : 'Parley never uses your data to train models. OpenAI and Anthropic are called through their APIs, whose terms exclude training on API data by default; OpenAI is also asked not to store the answers it writes (store: false).',
  };
};
