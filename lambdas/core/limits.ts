/** Every limit is a named constant, and each answers with a clear error when crossed. */

/** Largest document an owner may upload. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** Document types accepted for upload, by declared content type. */
export type DocumentKind = 'markdown' | 'text' | 'pdf' | 'docx' | 'html' | 'csv';
export const UPLOAD_TYPES: Readonly<Record<string, { readonly kind: DocumentKind; readonly extensions: readonly string[] }>> = {
  'application/pdf': { kind: 'pdf', extensions: ['.pdf'] },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'docx', extensions: ['.docx'] },
  'text/html': { kind: 'html', extensions: ['.html', '.htm'] },
  'text/markdown': { kind: 'markdown', extensions: ['.md', '.markdown'] },
  'text/csv': { kind: 'csv', extensions: ['.csv'] },
  'text/plain': { kind: 'text', extensions: ['.txt', '.text'] },
};

/** How long a presigned upload URL stays valid. */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

/** Longest visitor question. */
export const MAX_QUESTION_CHARS = 2_000;

/** Longest JSON request body any admin or widget route reads. */
export const MAX_JSON_BODY_BYTES = 256 * 1024;

export const MAX_BOT_NAME_CHARS = 80;
export const MAX_INSTRUCTIONS_CHARS = 4_000;
export const MAX_DOCUMENT_NAME_CHARS = 200;
export const MAX_BOTS_PER_ACCOUNT = 50;

/** Passages handed to the answerer, and the least score a passage needs to count. */
export const RETRIEVAL_TOP_K = 5;
export const MIN_PASSAGE_SCORE = 0.05;

/** Pasted text sources, and question-and-answer sources. */
export const MAX_SOURCE_TEXT_CHARS = 200_000;
export const MAX_QA_PAIRS = 500;

/**
 * Deliveries of an ingest message before it moves to the dead-letter queue: at least 5, as
 * AWS advises for Lambda consumers, so throttled receives do not dead-letter a message.
 */
export const INGEST_MAX_RECEIVE_COUNT = 5;
/** Longest one ingest invocation may run (one message: a document, or one part of a crawl). */
export const INGEST_TIMEOUT_SECONDS = 5 * 60;
/** Longest one account export may run (every bot, document and conversation of an account): Lambda's most. */
export const EXPORT_TIMEOUT_SECONDS = 15 * 60;
/**
 * A document still `processing` this long after its processing began is marked `failed`
 * (the owner may process it again): its work was lost, or its failure could not be recorded.
 * Longer than the longest crawl (`MAX_CRAWL_MINUTES`) plus a retry of one part after the
 * queue's visibility timeout (6 x `INGEST_TIMEOUT_SECONDS`).
 */
export const PROCESSING_DEADLINE_MINUTES = 2 * 60;

/** Pages a website source keeps: the default, and the most an owner may ask for. */
export const DEFAULT_CRAWL_PAGES = 50;
export const MAX_CRAWL_PAGES = 200;
/** Longest a crawl may take, across its parts; then it keeps the pages it has (the rest: "time limit reached"). */
export const MAX_CRAWL_MINUTES = 60;

/** Memory a warm function may hold for opened index segments, across all bots (LRU). */
export const INDEX_CACHE_BYTES = 256 * 1024 * 1024;
/** Segments of one size tier merged into one; also the ratio between tiers. */
export const MERGE_FACTOR = 8;
/** Documents per bot. */
export const MAX_DOCUMENTS_PER_BOT = 10_000;
/** Dead runs an index head may list before compaction merges them away. */
export const MAX_DEAD_RUNS = 500;

/** Visitor tokens: how long one lasts; a widget renews it before then. */
export const VISITOR_TOKEN_TTL_SECONDS = 30 * 60;
/** How long after it lapsed a visitor token still renews into the same visitor (and conversation). */
export const VISITOR_RENEWAL_GRACE_SECONDS = 24 * 60 * 60;
/** Rate limits per visitor and per client address (fixed windows of a minute), and new sessions per address. */
export const VISITOR_MESSAGES_PER_MINUTE = 12;
export const ADDRESS_MESSAGES_PER_MINUTE = 60;
export const ADDRESS_SESSIONS_PER_MINUTE = 20;
/** Earlier turns the model sees, and turns one conversation may have. */
export const HISTORY_TURNS = 6;
export const MAX_CONVERSATION_TURNS = 50;
/** Longest answer a provider model may write, and the longest silence from it. */
export const MAX_OUTPUT_TOKENS = 1_024;
export const PROVIDER_IDLE_TIMEOUT_MS = 30_000;
/**
 * A streamed answer's timing chain, shortest first; each link ends the answer
 * with an `error` event before the next one could cut the stream silently:
 * - the stream sends an SSE comment after `SSE_HEARTBEAT_MS` without a record, so
 *   CloudFront's origin read timeout (60 s on the chat origin, its most without a
 *   quota increase; `infra/constructs/chat.ts`) never sees a silent origin while a
 *   model thinks;
 * - a provider silent for `PROVIDER_IDLE_TIMEOUT_MS` is stopped with an error event,
 *   which lands before that read timeout even if a heartbeat were lost;
 * - `MAX_ANSWER_MS` after the stream starts, an answer still going (a model that
 *   trickles and is never idle) is stopped with an error event and recorded
 *   unanswered, well before the chat function's timeout (3 minutes) would end
 *   the invocation and cut the stream with no word to the visitor.
 * `test/infra/chat-timing.test.ts` holds the deployed values to this order.
 */
export const SSE_HEARTBEAT_MS = 10_000;
export const MAX_ANSWER_MS = 90_000;
/** Budgets of a bot that has not set its own: tokens and list-price dollars (in millionths). */
export const DEFAULT_BOT_BUDGET = { dailyTokens: 2_000_000, monthlyTokens: 20_000_000, dailyCostMicros: 5_000_000, monthlyCostMicros: 50_000_000 } as const;
/** Suggested questions a bot may offer, and custom lead fields. */
export const MAX_SUGGESTED_QUESTIONS = 6;
export const MAX_LEAD_FIELDS = 8;
/** Conversations are kept this long when the account keeps none (0 days) but a visitor asked for a human. */
export const MIN_CONTACT_RETENTION_DAYS = 30;

/** Days an audit entry is kept. */
export const AUDIT_RETENTION_DAYS = 365;

/** Characters of a conversation search at most (the admin API's `q`). */
export const MAX_SEARCH_CHARS = 200;

/** Unanswered-question groups listed at most per request. */
export const MAX_UNANSWERED_GROUPS = 200;

/** The notify function's time limit: one event e-mailed to an account's members. */
export const NOTIFY_TIMEOUT_SECONDS = 60;

/**
 * Waits before each retry of a webhook delivery (seconds): 1 min, 5 min, 30 min, 2 h, 5 h, 16 h 24 min, 24 hours in
 * all, so an endpoint down for most of a day still gets its events. Waits beyond the queue's 15-minute delay are
 * reached by requeueing the job until its `dueAt`.
 */
export const WEBHOOK_RETRY_DELAYS_SECONDS: readonly number[] = [60, 300, 1_800, 7_200, 18_000, 59_040];

/** The longest a webhook endpoint may take to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * After a rotation, the previous signing secret still signs (a second `v1=`) for this long
 * unless the owner asks for less, so receivers can switch without losing events.
 */
export const WEBHOOK_SECRET_OVERLAP_HOURS = 24;

/** Webhooks a bot may have. */
export const MAX_WEBHOOKS_PER_BOT = 10;
