/**
 * Ports: what core needs from the outside world. Adapters in lambdas/adapters
 * implement them (DynamoDB, S3, model providers, parsers); tests may fake them.
 * Every tenant-data port takes a TenantContext and builds its keys itself.
 */
import type {
  Account, AuditEntry, Bot, BotBudget, Chunk, Conversation, ConversationTurn, CrawlProgress, DocumentRecord, ExportRecord, Feedback, IndexHead, Invitation, KeyClass, Member,
  Membership, ParsedDocument, Passage, ProviderKeyRecord, SegmentRef, TokenUsage, UsageRow, VisitorContact,
} from './records.ts';
import type { ParleyEvent } from './events.ts';
import type { BotNotificationPrefs, DigestEntry, MemberNotificationPrefs, SentNotification, Webhook, WebhookDelivery } from './records.ts';
import type { ModelPurpose, ModelSource, ProviderId } from './providers.ts';
import type { Role, TenantContext } from './tenancy.ts';

/** The provider list lives in providers.ts; these names are re-exported for the ports that take them. */
export type { ModelPurpose, ProviderId } from './providers.ts';

export interface AccountRepository {
  /** Creates account, owner membership and user lookup at once; `conflict` if the user already owns one. */
  create(input: { account: Account; userId: string; email: string }): Promise<void>;
  /** Memberships of a verified user id (the JWT `sub`). */
  membershipsOf(userId: string): Promise<Membership[]>;
  get(tenant: TenantContext): Promise<Account | null>;
  /** Replaces the account's settings; null when it does not exist. */
  update(tenant: TenantContext, account: Account): Promise<Account | null>;
  /**
   * Erases what is left of the account once its bots are gone: every item of its own and
   * its meter partitions, members' links to it, and then records the erasure (ids and time only).
   */
  erase(tenant: TenantContext, erasedAt: string): Promise<void>;
  listMembers(tenant: TenantContext): Promise<Member[]>;
  /** Adds or changes a member, with the user's link to the account. */
  putMember(tenant: TenantContext, member: Member): Promise<void>;
  /** Removes a member and their link at once; false when there was none. */
  removeMember(tenant: TenantContext, userId: string): Promise<boolean>;
  /** Stores an invitation with the hash of its link's secret, replacing any earlier one (and so its secret). */
  putInvitation(tenant: TenantContext, invitation: Invitation, secretHash: string): Promise<void>;
  listInvitations(tenant: TenantContext): Promise<Invitation[]>;
  /** One unexpired invitation with its secret's hash (absent on invitations made before links had one); null when none. */
  getInvitation(tenant: TenantContext, email: string): Promise<{ invitation: Invitation; secretHash: string | null } | null>;
  deleteInvitation(tenant: TenantContext, email: string): Promise<boolean>;
  /** Accounts that invited this e-mail address (unexpired): ids and roles only. */
  invitationsFor(email: string): Promise<Array<{ accountId: string; role: Role }>>;
}

/** A sign-in in the identity provider's directory, found by e-mail address. */
export interface DirectoryUser {
  /** The user's `sub`, as their tokens carry it. */
  readonly userId: string;
  /** Created by an administrator and not yet signed in (Cognito's FORCE_CHANGE_PASSWORD): nobody has used it. */
  readonly awaitingFirstSignIn: boolean;
}

/**
 * The identity provider's users (Cognito on AWS, a fake Cognito on loopback
 * locally), for pools where only invited people may sign in. Addresses are
 * created already verified: an owner vouches for them by inviting.
 */
export interface SignInDirectory {
  /** Creates a sign-in for `email` and has the provider e-mail its invitation; `exists` when the address has one. */
  createUser(email: string): Promise<'created' | 'exists'>;
  findUser(email: string): Promise<DirectoryUser | null>;
  /** Sends the invitation again with a new temporary password; only for a user awaiting their first sign-in. */
  resendInvitation(email: string): Promise<void>;
  deleteUser(email: string): Promise<void>;
}

export interface BotRepository {
  /** Creates the bot and its public-id lookup together. */
  create(tenant: TenantContext, bot: Bot): Promise<void>;
  get(tenant: TenantContext, botId: string): Promise<Bot | null>;
  list(tenant: TenantContext): Promise<Bot[]>;
  /** Replaces the bot's settings; returns null when the bot does not exist in this account. */
  update(tenant: TenantContext, bot: Bot): Promise<Bot | null>;
  delete(tenant: TenantContext, bot: Bot): Promise<void>;
  /** Server-side lookup of a widget's public id: the only way a visitor reaches an account. */
  resolvePublicId(publicId: string): Promise<{ accountId: string; botId: string } | null>;
}

export type DocumentPatch = Partial<Pick<DocumentRecord,
  'status' | 'error' | 'chunkCount' | 'updatedAt' | 'personalData' | 'sha256' | 'pageCount' | 'indexedRun' | 'embeddedWith' | 'crawl' | 'processingSince' | 'crawlStep'>>;

/** One part of one crawl: the crawl's run id and the part's number (0 first). */
export interface CrawlStep {
  readonly run: string;
  readonly part: number;
}

export interface DocumentRepository {
  create(tenant: TenantContext, doc: DocumentRecord): Promise<void>;
  get(tenant: TenantContext, botId: string, docId: string): Promise<DocumentRecord | null>;
  list(tenant: TenantContext, botId: string): Promise<DocumentRecord[]>;
  /**
   * Applies `patch` if the document still exists (never resurrects a deleted one) and,
   * with `ifIndexedRun`, if its indexed run is still that one (null: none), with `ifCrawlStep`,
   * if its crawl is still at that step; returns whether it did.
   */
  update(tenant: TenantContext, botId: string, docId: string, patch: DocumentPatch, options?: { ifIndexedRun: string | null } | { ifCrawlStep: string }): Promise<boolean>;
  delete(tenant: TenantContext, botId: string, docId: string): Promise<void>;
  /** The document that last indexed content with this SHA-256, if any: a hint, to be checked against the document. */
  contentHolder(tenant: TenantContext, botId: string, sha256: string): Promise<string | null>;
  rememberContent(tenant: TenantContext, botId: string, sha256: string, docId: string): Promise<void>;
  /** Forgets every content mark of a bot (the bot is being deleted). */
  forgetContent(tenant: TenantContext, botId: string): Promise<void>;
  /** Forgets the mark of this content if it still names this document (the document is being deleted). */
  forgetContentOf(tenant: TenantContext, botId: string, sha256: string, docId: string): Promise<void>;
}

export interface ChunkRepository {
  /** Writes all chunks of a document (batched, with retries of unprocessed items). */
  put(tenant: TenantContext, botId: string, chunks: readonly Chunk[]): Promise<void>;
  listForBot(tenant: TenantContext, botId: string): Promise<Chunk[]>;
  /** The chunks at these keys, in the same order; missing ones are left out. */
  getMany(tenant: TenantContext, botId: string, keys: readonly ChunkKey[]): Promise<Chunk[]>;
  /** Deletes a document's chunks: all of them, or one ingest run's. */
  deleteForDocument(tenant: TenantContext, botId: string, docId: string, run?: string): Promise<void>;
  deleteForBot(tenant: TenantContext, botId: string): Promise<void>;
}

/** The chunk a search entry points at. */
export interface ChunkKey {
  readonly docId: string;
  readonly run: string;
  readonly seq: number;
}

/** What a bot-index commit does to a document in the same transaction. */
export type DocumentChange =
  | { readonly docId: string; readonly patch: DocumentPatch; readonly ifIndexedRun: string | null }
  | { readonly docId: string; readonly delete: true; readonly ifIndexedRun: string | null };

/** A bot's search index: the head item, and sealed segments under the bot partition. */
export interface IndexRepository {
  /** The current head (strongly consistent); generation 0 and nothing in it when the bot has none. */
  getHead(tenant: TenantContext, botId: string): Promise<IndexHead>;
  /** The generation in force: the one small, strongly consistent read a warm query makes. */
  getGeneration(tenant: TenantContext, botId: string): Promise<number>;
  /** The head of a generation (immutable), or null once it is two generations old and removed. */
  getHeadAt(tenant: TenantContext, botId: string, generation: number): Promise<IndexHead | null>;
  /**
   * Seals and stores each section of a segment on its own (sealed with the segment and
   * section named), so that one can be read alone: in one object where the repository has
   * an object store (layout 3), else in DynamoDB items (layout 2). Returns what the
   * segment's reference keeps of where they are: items of each section, and the object's ranges.
   */
  putSections(tenant: TenantContext, botId: string, id: string, sections: ReadonlyMap<string, Uint8Array>): Promise<Pick<SegmentRef, 'object'> & { sections: Record<string, number> }>;
  /** The named sections of a segment written by `putSections`, opened; throws if one is missing or incomplete. */
  getSections(tenant: TenantContext, botId: string, ref: SegmentRef, names: readonly string[]): Promise<Map<string, Uint8Array>>;
  /** A segment stored whole (layout 1, before sections): its bytes, opened. */
  getSegment(tenant: TenantContext, botId: string, ref: SegmentRef): Promise<Uint8Array>;
  deleteSegment(tenant: TenantContext, botId: string, ref: SegmentRef): Promise<void>;
  /**
   * Replaces the head if its generation is still `expected`, and applies the document
   * change in the same transaction: `stale` when the head moved on, `document` when
   * the document's condition failed (deleted, or another run switched in first).
   */
  commit(tenant: TenantContext, botId: string, expected: number, next: IndexHead, change?: DocumentChange): Promise<'ok' | 'stale' | 'document'>;
  deleteForBot(tenant: TenantContext, botId: string): Promise<void>;
}

/** Object storage; paths are relative to the account's prefix `accounts/<accountId>/`. */
export interface ObjectStore {
  /** A URL the browser PUTs to, signed for exactly this content type and size. */
  presignPut(tenant: TenantContext, path: string, contentType: string, size: number, ttlSeconds: number): Promise<{ url: string; headers: Record<string, string> }>;
  /** Reads an object, refusing more than `maxBytes`; null when absent. */
  get(tenant: TenantContext, path: string, maxBytes: number): Promise<Uint8Array | null>;
  /** `retention: 'export'`: deleted by the bucket's lifecycle after the export period, whatever else happens. */
  put(tenant: TenantContext, path: string, bytes: Uint8Array, contentType: string, options?: { retention?: 'export' }): Promise<void>;
  /** Deletes one object, every version of it where the bucket keeps versions. */
  delete(tenant: TenantContext, path: string): Promise<void>;
  deletePrefix(tenant: TenantContext, path: string): Promise<void>;
  /** A short-lived URL that downloads the object under `downloadName`. */
  presignGet(tenant: TenantContext, path: string, ttlSeconds: number, downloadName: string): Promise<string>;
}

/** Export records under the account partition (`EXPORT#<id>`), with `expiresAt`. */
export interface ExportRepository {
  put(tenant: TenantContext, record: ExportRecord): Promise<void>;
  get(tenant: TenantContext, exportId: string): Promise<ExportRecord | null>;
  /** Newest first. */
  list(tenant: TenantContext, limit: number): Promise<ExportRecord[]>;
}

/** What a bot's settings change in how its files are read. */
export interface ParseOptions {
  /** Reviewers' comments in Word documents are read too. @default false */
  readonly documentComments?: boolean;
}

export interface DocumentParser {
  /** Parses bytes whose type was declared as `contentType`; throws `UnreadableDocument` with an owner-readable reason. */
  parse(bytes: Uint8Array, contentType: string, name: string, options?: ParseOptions): Promise<ParsedDocument>;
}

/** Hears the input tokens of each provider request an embedder makes, as each is answered. */
export type EmbeddingTokens = (tokens: number) => void;

export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  /**
   * Its vectors are mostly zeros (the local hashed embedder's): sign bits say nothing of them,
   * so a cold query reads its segments whole rather than their sign bits first.
   */
  readonly sparse?: boolean;
  /**
   * Unit-length vectors, one per text, in order. `onTokens` hears what each provider request
   * used (the provider's count where its answer gives one), also when a later request fails;
   * the local embedder makes none.
   */
  embed(texts: readonly string[], onTokens?: EmbeddingTokens): Promise<Float32Array[]>;
}

/** The embedders an index can be built with. */
export interface Embedders {
  /** The local hashed lexical embedder: no key, no network. */
  readonly local: Embedder;
  /** OpenAI embeddings, called with the given key. */
  openai(options: { apiKey: string; dimensions: number }): Embedder;
  /**
   * Amazon Bedrock embeddings (Titan Text Embeddings V2, Cohere Embed v3), with the function's role; absent
   * where Bedrock cannot be reached. `input`: what the texts are, for models that embed documents and
   * questions differently (Cohere's `search_document` and `search_query`). @default document
   */
  readonly bedrock?: ((options: { model: string; dimensions: number; input?: 'document' | 'query' }) => Embedder) | undefined;
}

/** A crawled page: its address, title and HTML. */
export interface CrawledPage {
  readonly url: string;
  readonly title?: string;
  readonly html: string;
}

/** What a crawl part asks of the crawler. */
export interface CrawlPartOptions {
  readonly maxPages: number;
  readonly onProgress?: (progress: CrawlProgress) => void;
  /** The `paused` state of the part before, to go on from. */
  readonly resume?: string | undefined;
  /** Time this part may take to start requests; past it the crawl pauses. */
  readonly budgetMs?: number | undefined;
  /** Longest the whole crawl may take, across parts; then it keeps what it has. */
  readonly maxDurationMs?: number | undefined;
}

/**
 * Crawls one website politely (robots.txt, same site, limits), every request through
 * the egress guard, in parts: a crawl that does not finish within its budget returns
 * `paused`, an opaque state (tenant data: store it sealed) to resume from.
 */
export interface SiteCrawler {
  crawl(start: string, options: CrawlPartOptions): Promise<{
    pages: CrawledPage[];
    skipped: ReadonlyArray<{ url: string; reason: string }>;
    paused?: string;
  }>;
}

/** One turn of the conversation as a provider model receives it. */
export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRequest {
  readonly question: string;
  /** The retrieved passages, numbered from 1 in this order; the local answerer quotes them. */
  readonly passages: readonly Passage[];
  /** The question's terms weighed by their BM25 idf over the bot's index (see core/quoting.ts); absent, all weigh the same. */
  readonly termWeights?: ReadonlyMap<string, number>;
  /** For the local answerer: the sentences of `passages[0]` that core/quoting.ts chose; absent, it plans its own quotation. */
  readonly quote?: readonly string[];
  /** The prompt a provider model receives: system text, then the turns, the last one the visitor's. */
  readonly system: string;
  readonly messages: readonly ChatMessage[];
  readonly maxOutputTokens: number;
  readonly temperature: number;
}

export type ChatModelEvent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'usage'; readonly inputTokens: number; readonly outputTokens: number };

export interface ChatCallOptions {
  /** Aborting it stops the provider call (the HTTP request is cancelled). */
  readonly signal?: AbortSignal;
  /** The longest wait for the response to start, and between two streamed events. */
  readonly idleTimeoutMs?: number;
}

/**
 * A language model that streams an answer. Failures are thrown as `ProviderCallFailed`;
 * an aborted call ends without an error event.
 */
export interface ChatModel {
  readonly provider: ModelSource;
  readonly model: string;
  stream(request: ChatRequest, options: ChatCallOptions): AsyncIterable<ChatModelEvent>;
}

/** Builds provider chat models for a key; the local answerer needs none. */
export interface ChatModels {
  readonly local: ChatModel;
  create(options: { provider: ProviderId; model: string; apiKey: string; baseUrl?: string }): ChatModel;
}

/** What a sealed blob holds; part of its authenticated data, so a blob cannot be moved between purposes. */
export type ContentPurpose = 'chunk' | 'document' | 'vector-page' | 'conversation' | 'contact' | 'crawl';

/**
 * Tenant content at rest, sealed under the account's own data key (crypto-shredding):
 * once the account key is destroyed, no copy of anything sealed for it can be read,
 * backups included.
 */
export interface ContentCipher {
  /** `context`, if given, binds the blob to what it is within its purpose (opening needs the same). */
  seal(tenant: TenantContext, purpose: ContentPurpose, plaintext: Uint8Array, context?: string): Promise<Uint8Array>;
  /** Throws `ContentKeyUnavailable` once the account key is destroyed, and on any tampering. */
  open(tenant: TenantContext, purpose: ContentPurpose, sealed: Uint8Array, context?: string): Promise<Uint8Array>;
  destroyAccountKey(tenant: TenantContext): Promise<void>;
}


/** Owner provider keys, encrypted with context {accountId, purpose, provider} and checked on decrypt. */
export interface SecretBox {
  sealProviderKey(tenant: TenantContext, provider: ProviderId, key: string): Promise<Uint8Array>;
  openProviderKey(tenant: TenantContext, provider: ProviderId, sealed: Uint8Array): Promise<string>;
  /** A webhook's URL and signing secret, bound to its id as well (context {accountId, purpose, webhookId}). */
  sealWebhook(tenant: TenantContext, webhookId: string, secrets: WebhookSecrets): Promise<Uint8Array>;
  openWebhook(tenant: TenantContext, webhookId: string, sealed: Uint8Array): Promise<WebhookSecrets>;
}

/** Owner provider keys: sealed blobs with the metadata an owner sees. */
export interface KeyVault {
  put(tenant: TenantContext, record: ProviderKeyRecord, sealed: Uint8Array): Promise<void>;
  get(tenant: TenantContext, provider: ProviderId): Promise<{ record: ProviderKeyRecord; sealed: Uint8Array } | null>;
  list(tenant: TenantContext): Promise<ProviderKeyRecord[]>;
  update(tenant: TenantContext, provider: ProviderId, patch: Partial<Pick<ProviderKeyRecord, 'validatedAt' | 'lastUsedAt' | 'status' | 'failure'>>): Promise<boolean>;
  /** Returns whether there was a key to delete. */
  delete(tenant: TenantContext, provider: ProviderId): Promise<boolean>;
}

export type ProbeResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'rejected' | 'rate_limited' | 'unreachable' | 'blocked'; readonly reason: string };

/** Checks a provider key with the provider's cheapest call (listing models). */
export interface ProviderProbe {
  check(provider: ProviderId, apiKey: string, baseUrl?: string): Promise<ProbeResult>;
}

/**
 * The platform's own provider keys, when the operator configured them (Secrets
 * Manager on AWS, environment variables locally). Asynchronous: a key may have to
 * be fetched; a key that is configured but cannot be read now throws `unavailable`.
 */
export interface PlatformKeys {
  get(provider: ProviderId): Promise<string | undefined>;
}

/** The operator's residency profile: `none`, or `eu` (data and model calls stay in the EU). */
export type ResidencyProfile = 'none' | 'eu';

/** Whether a provider may be configured or called here; when not, why, in words an owner understands. */
export type ProviderVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly kind: 'provider_not_allowed' | 'outside_residency'; readonly reason: string };

/**
 * The deployment's residency profile and the providers its operator allows, fixed
 * at start from deploy parameters. Core asks it before an owner configures a
 * provider and again before each call (the profile may have changed since).
 */
export interface ResidencyPolicy {
  readonly profile: ResidencyProfile;
  /** The AWS region every byte of tenant data is stored in. */
  readonly region: string;
  /**
   * `baseUrl`: an owner's OpenAI-compatible endpoint, when known; `model`: the Bedrock model
   * or inference profile, when known. `purpose` changes the wording, and for Bedrock the list
   * of approved models.
   */
  check(provider: ProviderId, use?: { readonly purpose?: ModelPurpose | undefined; readonly baseUrl?: string | undefined; readonly model?: string | undefined }): ProviderVerdict;
  /** The Bedrock models and inference profiles the operator approved for a purpose, that the profile allows; empty without Bedrock. */
  bedrockModels(purpose: ModelPurpose): readonly string[];
  /** Every Bedrock model and inference profile the operator approved for a purpose, whether or not the profile allows it. */
  approvedBedrockModels(purpose: ModelPurpose): readonly string[];
  /** The profile and region in plain words, for the data-flow statement. */
  readonly summary: string;
  /** Where a provider is reached, in plain words, when the profile makes it worth saying (EU endpoints). */
  endpointNote(provider: ProviderId): string | undefined;
}

/** Defaults the operator chose for new accounts' settings (deploy parameters). */
export interface DeploymentDefaults {
  /** Days conversations are kept; undefined: the built-in default. */
  readonly conversationRetentionDays: number | undefined;
}

export interface AuditLog {
  record(tenant: TenantContext, entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(tenant: TenantContext, filter: { action?: string; limit: number }): Promise<AuditEntry[]>;
}

/** Puts a document back on the ingest queue (re-ingest). `path` is relative to the account prefix. */
export interface IngestTrigger {
  requestIngest(tenant: TenantContext, path: string): Promise<void>;
  /** Queues a part of a crawl of a website source: the first, or the next one (`part`) of crawl `run`. */
  requestCrawl(tenant: TenantContext, botId: string, docId: string, step: CrawlStep): Promise<void>;
  /** Queues the building of an account export. */
  requestExport(tenant: TenantContext, exportId: string): Promise<void>;
}

/**
 * Conversations under `A#<acc>#C#<bot>`: a record per conversation and one item per
 * turn, question and answer sealed under the account's key, every item with the
 * conversation's `expiresAt`. Reads ignore expired items.
 */
export interface ConversationRepository {
  create(tenant: TenantContext, conversation: Conversation): Promise<void>;
  get(tenant: TenantContext, botId: string, conversationId: string): Promise<Conversation | null>;
  /** Adds a turn and bumps the conversation's turn count, update time and expiry. */
  appendTurn(tenant: TenantContext, botId: string, conversationId: string, turn: ConversationTurn, expiresAt: string): Promise<void>;
  /** Oldest first. */
  listTurns(tenant: TenantContext, botId: string, conversationId: string): Promise<ConversationTurn[]>;
  /** False when there is no such turn. */
  setFeedback(tenant: TenantContext, botId: string, conversationId: string, turnId: string, feedback: Feedback): Promise<boolean>;
  /** Marks turns dismissed from the unanswered questions (`dismissedAt`); returns how many still lived to be marked. */
  dismissTurns(tenant: TenantContext, botId: string, turns: ReadonlyArray<{ conversationId: string; turnId: string }>, at: string): Promise<number>;
  /** Newest first, a page at a time. */
  list(tenant: TenantContext, botId: string, page: { limit: number; cursor?: string }): Promise<{ items: Conversation[]; cursor?: string }>;
  /** False when there was nothing to delete. */
  delete(tenant: TenantContext, botId: string, conversationId: string): Promise<boolean>;
  deleteForBot(tenant: TenantContext, botId: string): Promise<void>;
}

/** Handoff requests and leads under `A#<acc>#C#<bot>`, sealed, with `expiresAt`. */
export interface ContactRepository {
  put(tenant: TenantContext, contact: VisitorContact): Promise<void>;
  /** Newest first. */
  list(tenant: TenantContext, botId: string, kind: VisitorContact['kind'], limit: number): Promise<VisitorContact[]>;
  /** One contact; null when there is none (deleted, expired, or never made). */
  get(tenant: TenantContext, botId: string, kind: VisitorContact['kind'], contactId: string): Promise<VisitorContact | null>;
  /** False when there was no such contact. */
  delete(tenant: TenantContext, botId: string, kind: VisitorContact['kind'], contactId: string): Promise<boolean>;
}

/**
 * Queues an event for the notify function, outside the request that raised it. Never
 * throws: the visitor's request has already succeeded, so a failure to queue is logged
 * by the adapter (and counted by its alarm), not returned to the visitor.
 */
export interface EventQueue {
  publish(tenant: TenantContext, event: ParleyEvent): Promise<void>;
  /**
   * Queues one attempt to deliver an event to a webhook, `delaySeconds` from now (at most
   * 900, SQS's limit; a later attempt carries its `dueAt` and is queued again until then).
   * Throws when it cannot: the notify function's message is then tried again.
   */
  scheduleWebhook(tenant: TenantContext, job: WebhookJob, delaySeconds: number): Promise<void>;
  /** Queues the sending of an account's digest of `day` (`YYYY-MM-DD`). Throws when it cannot: the daily run is then tried again. */
  queueDigest(tenant: TenantContext, day: string): Promise<void>;
}

/** One attempt of one event's delivery to one webhook. */
export interface WebhookJob {
  readonly webhookId: string;
  readonly botId: string;
  readonly event: ParleyEvent;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Not before this time (ISO 8601). */
  readonly dueAt: string;
}

/**
 * What a webhook endpoint answered, or why it could not be reached. `reason`: the error code Slack answers a refused
 * post with (`channel_is_archived`, `no_service`, …, its whole text/plain body), for Slack's endpoints only.
 */
export type WebhookResponse = { readonly statusCode: number; readonly reason?: string } | { readonly error: string };

/**
 * Posts to owners' webhook endpoints, every request through the egress guard (no
 * private addresses; https on AWS), following no redirect, within a time limit.
 */
export interface WebhookSender {
  post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<WebhookResponse>;
}

/** A change to a webhook's fields; one given as undefined is removed. */
export type WebhookPatch = { readonly [K in Exclude<keyof Webhook, 'webhookId' | 'botId' | 'createdAt'>]?: Webhook[K] | undefined };

/** A webhook's URL and secret sealed again, and the revision of the sealed part they were read from. */
export interface ResealedWebhook {
  readonly blob: Uint8Array;
  readonly basedOn: number;
}

/** What a webhook keeps sealed: its endpoint and its signing secret. */
export interface WebhookSecrets {
  readonly url: string;
  readonly secret: string;
  /** The secret before the last rotation, which still signs until `until` (ISO 8601). */
  readonly previous?: { readonly secret: string; readonly until: string };
}

/**
 * Webhooks under `A#<acc>`: `HOOK#<bot>#<id>` (the subscription, its URL and secret sealed)
 * and `HOOKLOG#<id>#<deliveryId>` (attempts, 30 days).
 */
export interface WebhookRepository {
  /** Stores a new webhook at revision 1 of its sealed part. */
  put(tenant: TenantContext, webhook: Webhook, sealed: Uint8Array): Promise<void>;
  /** The webhook, its sealed URL and secret, and that sealed part's revision (0 for one stored before revisions). */
  get(tenant: TenantContext, botId: string, webhookId: string): Promise<{ webhook: Webhook; sealed: Uint8Array; revision: number } | null>;
  list(tenant: TenantContext, botId: string): Promise<Webhook[]>;
  /**
   * Changes only what `patch` names (a field given as undefined is removed), and the sealed part if given, leaving
   * every other attribute as it is now; null when there is no such webhook, or when `onlyIfStatus` is given and the
   * webhook's status is not that (so a transition such as turning off happens once). A new sealed part is written
   * only over the revision it was made from (`basedOn`), and bumps it: otherwise nothing is written and
   * `StaleWebhookError` (core/errors.ts) is thrown, so of two edits that each re-sealed what they read, one cannot undo the other.
   */
  update(tenant: TenantContext, botId: string, webhookId: string, patch: WebhookPatch, sealed?: ResealedWebhook, onlyIfStatus?: Webhook['status']): Promise<Webhook | null>;
  delete(tenant: TenantContext, botId: string, webhookId: string): Promise<boolean>;
  deleteForBot(tenant: TenantContext, botId: string): Promise<void>;
  logDelivery(tenant: TenantContext, delivery: WebhookDelivery): Promise<void>;
  /** Newest first. */
  listDeliveries(tenant: TenantContext, webhookId: string, limit: number): Promise<WebhookDelivery[]>;
}

/** A plain-text e-mail: the visitor's words are never rendered as HTML. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** `ok: false`: refused for good (retrying cannot help); a passing failure throws instead. */
export type MailResult = { readonly ok: true; readonly messageId: string } | { readonly ok: false; readonly reason: string };

/** Sends e-mail from the operator's sender identity (Amazon SES; locally an outbox on loopback). */
export interface Mailer {
  /** The sender's address, as recipients see it. */
  readonly from: string;
  send(message: MailMessage): Promise<MailResult>;
}

/**
 * The text of e-mails as sent, where something keeps it: the local outbox only. On AWS nothing
 * does (SES keeps no copy Parley could read, and the sent log holds addresses and subjects only).
 */
export interface MailCopies {
  /** The text of the message the mail service answered `messageId` for; null when no copy is kept. */
  textOf(messageId: string): Promise<string | null>;
}

/**
 * Notification preferences and the log of sent notifications, under `A#<acc>`:
 * `NOTIFY#M#<sub>`, `NOTIFY#B#<bot>` and `MAIL#<eventId>#<sub>` (30 days).
 */
export interface NotificationRepository {
  getMemberPrefs(tenant: TenantContext, userId: string): Promise<MemberNotificationPrefs | null>;
  putMemberPrefs(tenant: TenantContext, userId: string, prefs: MemberNotificationPrefs): Promise<void>;
  /** Every member's stored preferences, by user id (members who never chose have none). */
  listMemberPrefs(tenant: TenantContext): Promise<ReadonlyMap<string, MemberNotificationPrefs>>;
  getBotPrefs(tenant: TenantContext, botId: string): Promise<BotNotificationPrefs | null>;
  putBotPrefs(tenant: TenantContext, botId: string, prefs: BotNotificationPrefs): Promise<void>;
  deleteBotPrefs(tenant: TenantContext, botId: string): Promise<void>;
  /** Whether this event was already e-mailed to this member (a redelivered event sends nothing twice). */
  wasSent(tenant: TenantContext, eventId: string, userId: string): Promise<boolean>;
  recordSent(tenant: TenantContext, entry: SentNotification): Promise<void>;
  /** Newest first. */
  listSent(tenant: TenantContext, limit: number): Promise<SentNotification[]>;
  /** One logged e-mail of this account, or null (none, expired, or another account's). */
  getSent(tenant: TenantContext, eventId: string, userId: string): Promise<SentNotification | null>;
  /** Keeps an entry for its day's digest, and marks the account as having one that day (a platform item, ids only). */
  recordDigestEntry(tenant: TenantContext, day: string, entry: DigestEntry): Promise<void>;
  /** A day's entries (`YYYY-MM-DD`, UTC), oldest first. */
  listDigestEntries(tenant: TenantContext, day: string): Promise<DigestEntry[]>;
  /** The accounts marked for a day's digest. */
  listDigestAccounts(day: string): Promise<string[]>;
  /** Removes the account's marks for these days (erasure: they name the account). */
  forgetDigestDays(tenant: TenantContext, days: readonly string[]): Promise<void>;
}

/** The result of counting a request against a rate limit. */
export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/** What a reservation against a bot's budgets asks for. */
export interface BudgetAmount {
  readonly tokens: number;
  readonly costMicros: number;
}

/**
 * Rate limits, budgets and usage, each counter one DynamoDB item under the
 * account partition, changed by conditional updates so every function instance
 * sees the same counts.
 */
export interface Meter {
  /** Counts a request in the current fixed window of `windowSeconds` under `key`; refused past `limit`. */
  hit(tenant: TenantContext, key: string, limit: number, windowSeconds: number): Promise<RateDecision>;
  /**
   * Reserves `amount` against the bot's budgets for the current UTC day and month,
   * both or neither (one transaction): `daily` or `monthly` names the budget that has no room.
   */
  reserve(tenant: TenantContext, botId: string, amount: BudgetAmount, budget: BotBudget): Promise<'ok' | 'daily' | 'monthly'>;
  /** Corrects a reservation made at `reservedAt` to what the answer really used (may be less, or more). */
  settle(tenant: TenantContext, botId: string, reservedAt: Date, reserved: BudgetAmount, actual: BudgetAmount): Promise<void>;
  /** Adds one answer's usage to the month's row for the bot and key class; an answer that declined or failed counts as unanswered too. */
  recordUsage(tenant: TenantContext, botId: string, keyClass: KeyClass, usage: TokenUsage & { costMicros: number; answered: boolean }): Promise<void>;
  /**
   * Adds embedding (of documents or of questions) to the month's row for the bot and key class, and its
   * cost to the bot's day and month cost budgets: counted after the calls were made, never refused.
   */
  recordEmbedding(tenant: TenantContext, botId: string, keyClass: KeyClass, usage: { tokens: number; costMicros: number }): Promise<void>;
  /** Whether the bot's cost budgets of the current UTC day and month have room left: `daily` or `monthly` names one that has none. */
  costRoom(tenant: TenantContext, botId: string, budget: BotBudget): Promise<'ok' | 'daily' | 'monthly'>;
  /** Usage rows of a month (`YYYY-MM`), all bots. */
  usage(tenant: TenantContext, month: string): Promise<UsageRow[]>;
}

/** Claims of a visitor token: who the visitor is, for which bot, from which page origin. */
export interface VisitorClaims {
  readonly visitorId: string;
  readonly publicId: string;
  readonly origin: string;
}

/** Signs and checks short-lived visitor tokens with a server-held key. */
export interface VisitorTokens {
  issue(claims: VisitorClaims, ttlSeconds: number): Promise<string>;
  /** The claims of a valid token, unexpired or lapsed less than `graceSeconds` ago; null for anything else. */
  verify(token: string, options?: { graceSeconds?: number }): Promise<VisitorClaims | null>;
}

/**
 * Expiry of an account's data under legal hold: `suspend` moves each item's `expiresAt`
 * aside (so neither TTL nor the sweeper deletes it), `restore` puts it back; the list of
 * held accounts is kept apart, for the sweeper to re-suspend what was written since.
 */
export interface RetentionControl {
  /** Over the account's own partition and the conversation partitions of `botIds`; returns how many items moved. */
  suspend(tenant: TenantContext, botIds: readonly string[]): Promise<number>;
  restore(tenant: TenantContext, botIds: readonly string[]): Promise<number>;
  markHeld(accountId: string, held: boolean): Promise<void>;
  heldAccounts(): Promise<string[]>;
}

/** Deletes items whose `expiresAt` has passed but which TTL has not removed yet. */
export interface Sweeper {
  deleteExpired(now: Date, limit: number): Promise<{ deleted: number; more: boolean }>;
}

export interface Clock {
  now(): Date;
}

/** Everything core's use cases need, wired once per cold start. */
export interface Deps {
  readonly accounts: AccountRepository;
  /** Who may sign in, where only invited people may (self sign-up off); null where people sign themselves up. */
  readonly signIns: SignInDirectory | null;
  readonly bots: BotRepository;
  readonly documents: DocumentRepository;
  readonly chunks: ChunkRepository;
  readonly index: IndexRepository;
  readonly objects: ObjectStore;
  readonly parser: DocumentParser;
  readonly embedders: Embedders;
  readonly crawler: SiteCrawler;
  readonly cipher: ContentCipher;
  readonly secrets: SecretBox;
  readonly keys: KeyVault;
  readonly probe: ProviderProbe;
  readonly platformKeys: PlatformKeys;
  /** The residency profile and allowed providers every provider use is checked against. */
  readonly residency: ResidencyPolicy;
  readonly defaults: DeploymentDefaults;
  readonly audit: AuditLog;
  readonly ingestTrigger: IngestTrigger;
  readonly chatModels: ChatModels;
  readonly conversations: ConversationRepository;
  readonly contacts: ContactRepository;
  /** Events for the notify function (e-mail notifications). */
  readonly events: EventQueue;
  /** Null where the operator gave no sender identity: e-mail is off. */
  readonly mailer: Mailer | null;
  /** Copies of sent e-mails to read in the panel: the local outbox; null on AWS, where none are kept. */
  readonly mailCopies: MailCopies | null;
  readonly notifications: NotificationRepository;
  readonly webhooks: WebhookRepository;
  readonly webhookSender: WebhookSender;
  readonly meter: Meter;
  readonly visitorTokens: VisitorTokens;
  readonly exports: ExportRepository;
  readonly sweeper: Sweeper;
  readonly retention: RetentionControl;
  readonly clock: Clock;
  /** `local` allows loopback widget origins. */
  readonly stage: 'local' | 'aws';
  /** The AWS region every byte of tenant data is stored in. */
  readonly region: string;
}
