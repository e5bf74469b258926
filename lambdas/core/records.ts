/** The records core works with. Storage shapes live in the adapters. */
import type { EmbeddingProvider, ProviderId } from './providers.ts';

/** A member's role in an account. */
export type Role = 'owner' | 'admin' | 'viewer';

export interface Account {
  readonly accountId: string;
  readonly name: string;
  readonly createdAt: string;
  /** Days a conversation is kept; 0 means conversations are not stored. */
  readonly retentionDays: number;
  /** Never use the platform's provider keys for this account. */
  readonly byokOnly: boolean;
  /** Owner keys older than this many days are flagged for rotation. */
  readonly keyMaxAgeDays: number;
  /** `warn`: count likely personal data in documents; `redact`: also mask it before embedding and storage. */
  readonly piiHandling: 'warn' | 'redact';
  readonly status: 'active' | 'locked';
  /** Set by the operator: nothing of the account expires or is erased until it is lifted. */
  readonly legalHold?: { readonly since: string; readonly reason: string };
}

export interface CrawlProgress {
  readonly fetched: number;
  readonly queued: number;
  readonly skipped: number;
}

export interface Membership {
  readonly accountId: string;
  readonly userId: string;
  readonly role: Role;
}

/** A member as the team page lists them. */
export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly role: Role;
  readonly addedAt: string;
}

/** An invitation waiting for the person with its e-mail address to follow its link. */
export interface Invitation {
  readonly email: string;
  readonly role: Role;
  readonly invitedBy: string;
  /** The inviter's address, shown to the invitee ("invited to X by Y"); absent on invitations made before it was kept. */
  readonly invitedByEmail?: string;
  readonly invitedAt: string;
  readonly expiresAt: string;
}

/** An invitation as the invited person sees it: which account, who invited them, as what. */
export interface PendingInvitation {
  readonly accountId: string;
  readonly accountName: string;
  readonly role: Role;
  readonly invitedByEmail: string | null;
  readonly invitedAt: string;
  readonly expiresAt: string;
}

export interface Bot {
  readonly botId: string;
  /** The id the widget uses on the owner's site; resolved server-side to account and bot. */
  readonly publicId: string;
  readonly name: string;
  readonly instructions: string;
  readonly welcomeMessage: string;
  /** Exact origins (scheme://host[:port]) whose pages may use the widget. */
  readonly allowedOrigins: readonly string[];
  /** How passages are embedded; changing it re-embeds every document. Absent means local. */
  readonly embedding?: EmbeddingChoice;
  /** Which model answers. Absent means the local extractive answerer. */
  readonly model?: ModelChoice;
  /** Sampling temperature for provider models (0–1). */
  readonly temperature?: number;
  /** Questions the widget offers before the first one is asked. */
  readonly suggestedQuestions?: readonly string[];
  readonly theme?: BotTheme;
  /** The lead form the widget shows, if any. */
  readonly leadForm?: LeadForm;
  /** Whether the widget offers "talk to a human". Absent means yes. */
  readonly handoff?: boolean;
  /** Paused bots answer nothing until the owner resumes them. */
  readonly paused?: boolean;
  /** Spending limits; absent means the defaults. */
  readonly budget?: BotBudget;
  /** Whether reviewers' comments in Word documents are indexed; changing it re-reads them. Absent means no. */
  readonly documentComments?: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ModelChoice =
  | { readonly provider: 'local' }
  | { readonly provider: ProviderId; readonly model: string };

export interface BotTheme {
  /** `#rrggbb`. */
  readonly color: string;
  readonly position: 'right' | 'left';
  readonly mode: 'light' | 'dark' | 'auto';
  /** Shown in the panel's header; the bot's name when absent. */
  readonly title?: string;
  /** An https image URL for the bot's avatar. */
  readonly avatarUrl?: string;
}

export interface LeadField {
  /** Key in the stored lead: lower-case letters, digits, underscores. */
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'email' | 'tel';
  readonly required: boolean;
}

export interface LeadForm {
  /** `before`: the form comes before the first question; `during`: the widget offers it after an answer. */
  readonly when: 'before' | 'during';
  /** Name and e-mail are always asked; these come after them. */
  readonly fields: readonly LeadField[];
}

/** The local embedder (no key, no network), or OpenAI's with a chosen vector size. */
export type EmbeddingChoice =
  | { readonly provider: 'local' }
  | {
      readonly provider: EmbeddingProvider;
      readonly dimensions: 256 | 512 | 1024 | 1536;
      /** On Amazon Bedrock, the approved embedding model (Titan Text Embeddings V2 or Cohere Embed v3); absent: Titan V2. */
      readonly model?: string;
    };

export type DocumentStatus = 'awaiting_upload' | 'processing' | 'ready' | 'failed';

export interface DocumentRecord {
  readonly docId: string;
  readonly botId: string;
  readonly name: string;
  /**
   * The name visitors see in sources and citations, when it is not `name`: the
   * owner's title of typed text and Q&A (without the extension Parley gives it),
   * or the label the owner chose. See `visitorLabelOf`.
   */
  readonly label?: string;
  readonly contentType: string;
  /** Where it came from: an uploaded file, text pasted in the panel, question-and-answer pairs, or a crawled website. */
  readonly source?: 'upload' | 'text' | 'qa' | 'website';
  /** Website sources: where the crawl starts and how many pages it may keep. */
  readonly site?: { readonly url: string; readonly maxPages: number };
  /** Website sources: crawl progress, updated while it runs. */
  readonly crawl?: CrawlProgress;
  /** Website sources: the crawl part due next, `<run>:<part>`; any other part's message is stale or a duplicate. */
  readonly crawlStep?: string;
  /** Declared size in bytes; the upload URL is signed for exactly this size. */
  readonly size: number;
  readonly status: DocumentStatus;
  /** When its current processing began (status `processing`): the processing deadline counts from here. */
  readonly processingSince?: string;
  /** Why it failed, in words an owner can act on. */
  readonly error?: string;
  /** A failure processing again could mend (a refused key, a deadline, a site); false for one of the file itself. */
  readonly retryable?: boolean;
  readonly chunkCount: number;
  /** Pages, for paged formats (PDF). */
  readonly pageCount?: number;
  /** Likely personal data found while parsing, by kind. */
  readonly personalData?: Readonly<Partial<Record<'email' | 'phone' | 'card' | 'iban' | 'national_id', number>>>;
  /** SHA-256 of the ingested bytes, so a redelivered message does no work twice. */
  readonly sha256?: string;
  /** The ingest run whose chunks answer questions; a re-ingest writes a new run and switches in one update. */
  readonly indexedRun?: string;
  /** The embedding model and size of those chunks, e.g. `openai/text-embedding-3-small@512`. */
  readonly embeddedWith?: string;
  /** File name part of the object key (sanitised). */
  readonly objectName: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A structural piece of a parsed document, with offsets into the document text. */
export interface Block {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Headings above this block, outermost first. */
  readonly headings: readonly string[];
  readonly page?: number;
  /** The web page it came from (website sources). */
  readonly url?: string;
  readonly kind: 'heading' | 'paragraph' | 'code';
}

export interface ParsedDocument {
  readonly title: string;
  readonly text: string;
  readonly blocks: readonly Block[];
}

export interface ChunkDraft {
  readonly seq: number;
  readonly text: string;
  /** Heading path joined with " › ", or "" at top level. */
  readonly section: string;
  readonly page?: number;
  readonly url?: string;
  readonly start: number;
  readonly end: number;
}

export interface Chunk extends ChunkDraft {
  readonly docId: string;
  /** The ingest run that wrote it (see `DocumentRecord.indexedRun`). */
  readonly run: string;
  readonly vector: Float32Array;
}

/** A retrieved passage with what a citation needs. */
export interface Passage {
  readonly docId: string;
  readonly documentName: string;
  readonly section: string;
  readonly page?: number;
  readonly url?: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly score: number;
}

/** An owner's provider key as stored and listed: never the key itself. */
export interface ProviderKeyRecord {
  readonly provider: ProviderId;
  readonly lastFour: string;
  /** OpenAI-compatible endpoints only. */
  readonly baseUrl?: string;
  readonly addedAt: string;
  readonly validatedAt: string;
  readonly lastUsedAt?: string;
  /** `failing` once the provider refused it (revoked, out of credit); `failure` says why. */
  readonly status: 'valid' | 'failing';
  readonly failure?: string;
}

export type AuditOutcome = 'ok' | 'refused' | 'failed';

/** Who did what, when, from where. Holds ids and metadata, never content or secrets. */
export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: { readonly kind: 'user' | 'visitor' | 'system'; readonly userId?: string };
  readonly action: string;
  readonly target?: string;
  readonly outcome: AuditOutcome;
  readonly sourceIp?: string;
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * A bot's search index: immutable segments of packed codes and lexical postings,
 * and the runs whose entries no longer answer. One conditional write replaces the
 * whole head, so readers see one generation or the next, never a mix.
 */
export interface IndexHead {
  /** Bumped by every change; 0 for a bot with no index yet. */
  readonly generation: number;
  readonly segments: readonly SegmentRef[];
  /** Runs still stored in a merged segment that no longer answer (superseded or withdrawn), by run id. */
  readonly dead: ReadonlyMap<string, DeadRun>;
  /** Documents and chunks that answer. */
  readonly documents: number;
  readonly chunks: number;
}

export interface DeadRun {
  readonly chunks: number;
  /** The embedding of its entries (`model@dimensions`), so compaction knows whose segments to merge. */
  readonly embeddedWith: string;
}

export interface SegmentRef {
  readonly id: string;
  /** Stored items the sealed segment was split into (layout 1: one blob; 0 for a segment stored in sections). */
  readonly parts: number;
  /**
   * Layout 2: the segment is stored in sections read apart (index-segment.ts), these
   * with their item counts; the term buckets (`terms-<b>`, `buckets` of them) say theirs.
   */
  readonly sections?: Readonly<Record<string, number>>;
  readonly buckets?: number;
  /**
   * Layout 3: the sections stored in one object (an S3 object on AWS), each sealed apart;
   * byte ranges `[offset, length]` of its directory and of the sections read first.
   * `sections` then names them with one part each.
   */
  readonly object?: Readonly<Record<string, readonly [number, number]>>;
  /** Entries in it, dead ones (superseded runs) included until compaction drops them. */
  readonly chunks: number;
  /** The embedding its vectors come from (`model@dimensions`). */
  readonly embeddedWith: string;
}

/** A passage an answer cites, numbered as the answer text refers to it: [1]. */
export interface Citation {
  readonly n: number;
  readonly docId: string;
  readonly document: string;
  readonly section: string;
  readonly page?: number;
  /** The web page a website source's passage came from. */
  readonly url?: string;
  readonly quote: string;
  readonly score: number;
}

/** Which key paid for an answer. */
/** Who paid for a call: the owner's key, the platform's key, the operator's AWS account through Amazon Bedrock (no key), or nobody (Parley's own). */
export type KeyClass = 'local' | 'platform' | 'owner' | 'bedrock';

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** A visitor's conversation with a bot; it belongs to the visitor id in their token. */
export interface Conversation {
  readonly conversationId: string;
  readonly botId: string;
  readonly visitorId: string;
  /** The page origin it was started from. */
  readonly origin: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When it is erased (ISO time), from the account's retention setting. */
  readonly expiresAt: string;
  readonly turnCount: number;
  /** The first question, shortened, for lists in the panel. */
  readonly preview: string;
}

export interface Feedback {
  readonly rating: 'up' | 'down';
  readonly comment?: string;
  readonly at: string;
}

/** One question and its answer. Question and answer text are sealed at rest. */
export interface ConversationTurn {
  readonly turnId: string;
  readonly question: string;
  readonly answer: string;
  readonly citations: readonly Citation[];
  /** False when the bot said it did not know, or the answer failed. */
  readonly answered: boolean;
  readonly keyClass: KeyClass;
  readonly provider: string;
  readonly model: string;
  readonly usage: TokenUsage;
  /** Why the answer failed or was cut, in words for the owner. */
  readonly error?: string;
  readonly feedback?: Feedback;
  /** When the owner dismissed this unanswered question from the list of questions to improve. */
  readonly dismissedAt?: string;
  readonly createdAt: string;
}

/** What a visitor left for the owner: a "talk to a human" request, or the lead form. Sealed at rest. */
export interface VisitorContact {
  readonly contactId: string;
  readonly botId: string;
  readonly kind: 'handoff' | 'lead';
  readonly visitorId: string;
  readonly conversationId?: string;
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  /** Handoffs: the visitor's question for a human. */
  readonly message?: string;
  /** Leads: the owner's custom fields, by field name. */
  readonly fields?: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/**
 * Tokens and list-price cost of a month's answers, and of the embedding of documents and questions,
 * for one bot and key class. Rows written before embedding was counted read 0 for it.
 */
export interface UsageRow {
  readonly month: string;
  readonly botId: string;
  readonly keyClass: KeyClass;
  readonly messages: number;
  /** Of those, answers that declined ("not found") or failed. */
  readonly unanswered: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Of the answers, at the providers' list prices, in millionths of a US dollar. */
  readonly costMicros: number;
  /** Input tokens embedded (documents and questions): the provider's count, estimated from characters where it gives none. */
  readonly embeddingTokens: number;
  /** Of that embedding, at list price, in millionths of a US dollar. */
  readonly embeddingCostMicros: number;
}

/** Spending limits of one bot, per UTC day and per calendar month; 0 means no answers. */
export interface BotBudget {
  readonly dailyTokens: number;
  readonly monthlyTokens: number;
  readonly dailyCostMicros: number;
  readonly monthlyCostMicros: number;
}

/** An export of an account's data: asked for, built in the background, downloadable for a week. */
export interface ExportRecord {
  readonly exportId: string;
  readonly status: 'queued' | 'running' | 'ready' | 'failed';
  readonly requestedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the record and its files are erased. */
  readonly expiresAt: string;
  /** What has been gathered so far. */
  readonly progress: { readonly bots: number; readonly documents: number; readonly conversations: number };
  /** Ready: the files written, relative to the account's prefix. */
  readonly files?: ReadonlyArray<{ readonly path: string; readonly name: string; readonly bytes: number }>;
  readonly error?: string;
}

/** The kinds of event Parley tells people about, as webhooks and preferences name them (see core/events.ts). */
export const EVENT_TYPES = ['handoff.requested', 'lead.created', 'conversation.unanswered', 'feedback.negative', 'document.failed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/**
 * The events e-mailed as they happen: a visitor waiting for an answer. Unanswered
 * questions and negative feedback reach e-mail only in the opt-in daily digest, and
 * a failed document is shown in the panel; all five go to webhooks.
 */
export const EMAIL_EVENTS = ['handoff.requested', 'lead.created'] as const satisfies readonly EventType[];
export type EmailEvent = (typeof EMAIL_EVENTS)[number];

/** Which events are e-mailed, by event type. */
export type EmailChoices = Readonly<Record<EmailEvent, boolean>>;

/** A member's own choice of e-mails, in one account. */
export interface MemberNotificationPrefs {
  readonly email: EmailChoices;
  /** The daily digest e-mail (yesterday's unanswered questions and thumbs-down); off unless chosen. */
  readonly digest?: boolean;
  readonly updatedAt?: string;
}

/** A declined question or thumbs-down kept for the next daily digest (ids only), until `expiresAt`. */
export interface DigestEntry {
  readonly eventId: string;
  readonly type: 'conversation.unanswered' | 'feedback.negative';
  readonly botId: string;
  readonly conversationId: string;
  readonly turnId: string;
  readonly at: string;
  readonly expiresAt: string;
}

/** Which of a bot's events are e-mailed to the members who want them. */
export interface BotNotificationPrefs {
  readonly email: EmailChoices;
  readonly updatedAt?: string;
}

/**
 * One e-mail the notify function sent (or could not), kept 30 days: the panel's
 * list of recent notifications. Addresses and subject only; the text is not kept.
 */
export interface SentNotification {
  /** The event's id; for a digest, the day's digest id (`digestIdOf`); for a webhook Parley turned off, its `disabledNoticeId`. */
  readonly eventId: string;
  readonly type: EventType | 'digest' | 'webhook.disabled';
  /** The bot of the event (or of the webhook); none for a digest, which covers every bot. */
  readonly botId?: string;
  readonly userId: string;
  readonly to: string;
  readonly subject: string;
  /** `failed`: the mail service refused it for good (for example an unverified address). */
  readonly status: 'sent' | 'failed';
  readonly reason?: string;
  readonly messageId?: string;
  readonly at: string;
  readonly expiresAt: string;
}

/**
 * The version of the webhook bodies posted to generic endpoints (their `version` field). Any change to a body's
 * shape, a field added included, makes a new version, with its own published schemas; a version's schemas never change.
 */
export const WEBHOOK_PAYLOAD_VERSION = 1;

/** Where a webhook posts: any https endpoint, or a Slack incoming webhook (Slack's message format). */
export type WebhookKind = 'generic' | 'slack';

/**
 * A bot's webhook subscription. Its URL (which may itself hold a token, as Slack's do)
 * and its signing secret are sealed; `urlHint` is what the panel shows.
 */
export interface Webhook {
  readonly webhookId: string;
  readonly botId: string;
  readonly kind: WebhookKind;
  /** Scheme, host and path with long segments masked: enough to recognise it, not to use it. */
  readonly urlHint: string;
  readonly events: readonly EventType[];
  /** `disabled`: by its owner, or by Parley after an event could not be delivered for about a day. */
  readonly status: 'active' | 'disabled';
  readonly disabledReason?: string;
  /**
   * Set when Parley turns it off: the id its owners' and admins' e-mail is logged under (`MAIL#<id>#<sub>`), so
   * a retried job mails nobody twice. A ULID of the last attempt's due time, drawn from that job (`noticeIdOf`).
   */
  readonly disabledNoticeId?: string;
  /** After a rotation: until when the previous secret signs too (a second `v1=`). */
  readonly previousSecretUntil?: string;
  readonly lastSuccessAt?: string;
  readonly lastFailureAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One attempt to deliver an event to a webhook, kept 30 days. */
export interface WebhookDelivery {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly eventId: string;
  /** An event type, or `webhook.test` for a test event. */
  readonly type: EventType | 'webhook.test';
  readonly attempt: number;
  /** The endpoint's HTTP status, when it answered. */
  readonly statusCode?: number;
  readonly ok: boolean;
  /** Why it failed, when it did: a timeout, a refused address, a status. */
  readonly error?: string;
  readonly durationMs: number;
  /** When the next attempt is due, if there will be one. */
  readonly nextAttemptAt?: string;
  readonly at: string;
  readonly expiresAt: string;
}
