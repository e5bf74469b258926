/** Bots: create, read, change, delete — always within one tenant. */
import { requireRole } from './roles.ts';
import { audited, type AuditSource } from './audit.ts';
import { getBot } from './bot-lookup.ts';
import { AppError, notFound } from './errors.ts';
import { newId } from './ids.ts';
import { MAX_BOTS_PER_ACCOUNT, UPLOAD_TYPES } from './limits.ts';
import { reingestUnaudited } from './documents.ts';
import { checkEmbeddingChoice, defaultEmbedding, sameEmbedding } from './embedding.ts';
import { requireProviderAllowed } from './keys.ts';
import { requireNoHold } from './legal-hold.ts';
import type { Bot, DocumentRecord, ModelChoice } from './records.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';

export type BotSettings = Pick<Bot,
  'name' | 'instructions' | 'welcomeMessage' | 'allowedOrigins'> & Required<Pick<Bot,
  'embedding' | 'model' | 'temperature' | 'suggestedQuestions' | 'theme' | 'leadForm' | 'handoff' | 'paused' | 'budget' | 'documentComments'>>;

export const DEFAULT_INSTRUCTIONS = 'Answer questions using only the documents provided. If they do not contain the answer, say so.';
export const DEFAULT_WELCOME = 'Hi! Ask me anything about our documentation.';

/**
 * An allowed origin is exactly `scheme://host[:port]`: https anywhere, http only
 * for loopback hosts (which the widget accepts only on the local platform).
 */
export const normaliseOrigin = (value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError('invalid_request', `"${value}" is not a website origin such as https://www.example.com`);
  }
  // Origins match exactly: a wildcard could never match, so it is refused rather than kept silently.
  if (url.hostname.includes('*')) throw new AppError('invalid_request', `"${value}": list each website origin exactly; wildcards are not supported.`);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  const okScheme = url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  if (!okScheme || url.origin === 'null' || url.origin !== value.replace(/\/$/, '')) {
    throw new AppError('invalid_request', `"${value}" is not a website origin such as https://www.example.com (https, no path)`);
  }
  return url.origin;
};

/**
 * Refuses a model the deployment does not allow (its residency profile, or the
 * operator's allowed providers) with the reason, before the bot is saved. For an
 * OpenAI-compatible model the owner's endpoint, when already saved with its key, is
 * checked too; one saved later is checked then.
 */
const checkModelChoice = async (deps: Pick<Deps, 'keys' | 'residency'>, tenant: TenantContext, model: ModelChoice): Promise<void> => {
  if (model.provider === 'local') return;
  requireProviderAllowed(deps, model.provider, { purpose: 'chat', model: model.model, field: 'model' });
  if (model.provider === 'openai-compatible') {
    const baseUrl = (await deps.keys.get(tenant, model.provider))?.record.baseUrl;
    if (baseUrl) requireProviderAllowed(deps, model.provider, { purpose: 'chat', baseUrl, field: 'model' });
  }
};

export const listBots = (deps: Pick<Deps, 'bots'>, tenant: TenantContext): Promise<Bot[]> => deps.bots.list(tenant);

/** The ports createBot uses, directly and through what it calls. */
export type CreateBotDeps = Pick<Deps, 'accounts' | 'audit' | 'bots' | 'clock' | 'embedders' | 'keys' | 'platformKeys' | 'residency' | 'secrets'>;

/** Creates a bot (admin), recorded in the audit log under the new bot's id. */
export const createBot = (deps: CreateBotDeps, tenant: TenantContext, input: Partial<BotSettings> & { name: string }, source: AuditSource): Promise<Bot> =>
  audited(deps, tenant, source, 'bot.create', {}, () => saveNewBot(deps, tenant, input), (bot) => ({ target: bot.botId }));

/** The ports saveNewBot uses, directly and through what it calls. */
type SaveNewBotDeps = Pick<Deps, 'accounts' | 'bots' | 'clock' | 'embedders' | 'keys' | 'platformKeys' | 'residency' | 'secrets'>;

const saveNewBot = async (deps: SaveNewBotDeps, tenant: TenantContext, input: Partial<BotSettings> & { name: string }): Promise<Bot> => {
  requireRole(tenant, 'admin');
  if (input.model) await checkModelChoice(deps, tenant, input.model);
  if (input.embedding) await checkEmbeddingChoice(deps, tenant, input.embedding);
  const existing = await deps.bots.list(tenant);
  if (existing.length >= MAX_BOTS_PER_ACCOUNT) {
    throw new AppError('conflict', `An account can have at most ${MAX_BOTS_PER_ACCOUNT} bots.`);
  }
  const now = deps.clock.now().toISOString();
  const { name, instructions, welcomeMessage, allowedOrigins, ...options } = input;
  // On AWS with Bedrock embeddings approved, a new bot searches by meaning with no key anywhere.
  const embedding = input.embedding ?? defaultEmbedding(deps);
  const bot: Bot = {
    ...(embedding ? { embedding } : {}),
    ...options,
    botId: newId(),
    publicId: newId(),
    name,
    instructions: instructions ?? DEFAULT_INSTRUCTIONS,
    welcomeMessage: welcomeMessage ?? DEFAULT_WELCOME,
    allowedOrigins: (allowedOrigins ?? []).map(normaliseOrigin),
    createdAt: now,
    updatedAt: now,
  };
  await deps.bots.create(tenant, bot);
  return bot;
};

/** A change of settings; `leadForm: null` switches the contact form off. */
export type BotPatch = Omit<Partial<BotSettings>, 'leadForm'> & { readonly leadForm?: Bot['leadForm'] | null };

/** The ports updateBot uses, directly and through what it calls. */
export type UpdateBotDeps = Pick<Deps, 'accounts' | 'audit' | 'bots' | 'chunks' | 'clock' | 'documents' | 'embedders' | 'events' | 'index' | 'ingestTrigger' | 'keys' | 'platformKeys' | 'residency' | 'secrets'>;

/**
 * Changes a bot's settings (admin), recorded in the audit log; a new embedding re-embeds its documents,
 * and switching comments on or off reads its Word documents again.
 */
export const updateBot = (deps: UpdateBotDeps, tenant: TenantContext, botId: string, change: BotPatch, source: AuditSource): Promise<Bot> =>
  audited(deps, tenant, source, 'bot.update', { target: botId }, () => saveBotChange(deps, tenant, botId, change));

/** The ports saveBotChange uses, directly and through what it calls. */
type SaveBotChangeDeps = Pick<Deps, 'accounts' | 'bots' | 'chunks' | 'clock' | 'documents' | 'embedders' | 'events' | 'index' | 'ingestTrigger' | 'keys' | 'platformKeys' | 'residency' | 'secrets'>;

const saveBotChange = async (deps: SaveBotChangeDeps, tenant: TenantContext, botId: string, change: BotPatch): Promise<Bot> => {
  requireRole(tenant, 'admin');
  const bot = await getBot(deps, tenant, botId);
  const { leadForm, ...patch } = change;
  if (patch.model) await checkModelChoice(deps, tenant, patch.model);
  const { leadForm: _previousForm, ...withoutForm } = bot;
  const next: Bot = {
    ...(leadForm === null ? withoutForm : bot),
    ...patch,
    ...(leadForm ? { leadForm } : {}),
    ...(patch.allowedOrigins ? { allowedOrigins: patch.allowedOrigins.map(normaliseOrigin) } : {}),
    updatedAt: deps.clock.now().toISOString(),
  };
  const reembed = patch.embedding !== undefined && !sameEmbedding(patch.embedding, bot.embedding);
  if (reembed && patch.embedding) await checkEmbeddingChoice(deps, tenant, patch.embedding);
  // Comments are read at ingest only, so a change reaches the index by reading the Word files again.
  const rereadComments = patch.documentComments !== undefined && patch.documentComments !== (bot.documentComments === true);
  const saved = await deps.bots.update(tenant, next);
  if (!saved) throw notFound('bot');
  if (reembed) await reingestBot(deps, tenant, botId, () => true);
  else if (rereadComments) await reingestBot(deps, tenant, botId, isWordDocument);
  return saved;
};

const isWordDocument = (doc: DocumentRecord): boolean => UPLOAD_TYPES[doc.contentType.split(';')[0]!.trim().toLowerCase()]?.kind === 'docx';

/**
 * Reads the chosen documents of a bot again, with its new settings. Each document
 * keeps answering from its current chunks and vectors (questions are embedded its
 * way) until its new run switches in.
 */
const reingestBot = async (deps: Pick<Deps, 'chunks' | 'clock' | 'documents' | 'events' | 'index' | 'ingestTrigger'>, tenant: TenantContext, botId: string, which: (doc: DocumentRecord) => boolean): Promise<void> => {
  for (const doc of await deps.documents.list(tenant, botId)) {
    if (doc.status === 'awaiting_upload' || !which(doc)) continue;
    await reingestUnaudited(deps, tenant, botId, doc.docId);
  }
};

/** The ports deleteBot uses, directly and through what it calls. */
export type DeleteBotDeps = Pick<Deps, 'accounts' | 'audit' | 'bots' | 'chunks' | 'clock' | 'conversations' | 'documents' | 'index' | 'notifications' | 'objects' | 'webhooks'>;

/** Deletes the bot (admin) with its documents, chunks, conversations and stored files; recorded in the audit log. */
export const deleteBot = (deps: DeleteBotDeps, tenant: TenantContext, botId: string, source: AuditSource): Promise<void> =>
  audited(deps, tenant, source, 'bot.delete', { target: botId }, async () => {
    requireRole(tenant, 'admin');
    const bot = await getBot(deps, tenant, botId);
    await requireNoHold(deps, tenant);
    // The public id goes first, so the widget stops answering at once.
    await deps.bots.delete(tenant, bot);
    await deleteBotContents(deps, tenant, botId);
  });

/** The ports deleteBotContents uses, directly and through what it calls. */
export type DeleteBotContentsDeps = Pick<Deps, 'chunks' | 'conversations' | 'documents' | 'index' | 'notifications' | 'objects' | 'webhooks'>;

/**
 * Deletes what a bot holds once it is unlisted: documents, chunks, conversations and stored
 * files. Erasing an account does this for each bot (the account's erasure is its audit record).
 */
export const deleteBotContents = async (deps: DeleteBotContentsDeps, tenant: TenantContext, botId: string): Promise<void> => {
  const docs = await deps.documents.list(tenant, botId);
  await deps.index.deleteForBot(tenant, botId);
  await deps.chunks.deleteForBot(tenant, botId);
  await deps.conversations.deleteForBot(tenant, botId);
  await deps.documents.forgetContent(tenant, botId);
  await deps.notifications.deleteBotPrefs(tenant, botId);
  await deps.webhooks.deleteForBot(tenant, botId);
  await Promise.all(docs.map((d) => deps.documents.delete(tenant, botId, d.docId)));
  await deps.objects.deletePrefix(tenant, `bots/${botId}/`);
};
