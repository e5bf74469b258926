/** The records core works with. Storage shapes live in the adapters. */
import type { Role } from './tenancy.ts';

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
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The local embedder (no key, no network), or OpenAI's with a chosen vector size. */
export type EmbeddingChoice =
  | { readonly provider: 'local' }
  | { readonly provider: 'openai'; readonly dimensions: 256 | 512 | 1024 | 1536 };

export type DocumentStatus = 'awaiting_upload' | 'processing' | 'ready' | 'failed';

export interface DocumentRecord {
  readonly docId: string;
  readonly botId: string;
  readonly name: string;
  readonly contentType: string;
  /** Where it came from: an uploaded file, text pasted in the panel, question-and-answer pairs, or a crawled website. */
  readonly source?: 'upload' | 'text' | 'qa' | 'website';
  /** Website sources: where the crawl starts and how many pages it may keep. */
  readonly site?: { readonly url: string; readonly maxPages: number };
  /** Website sources: crawl progress, updated while it runs. */
  readonly crawl?: CrawlProgress;
  /** Declared size in bytes; the upload URL is signed for exactly this size. */
  readonly size: number;
  readonly status: DocumentStatus;
  /** Why it failed, in words an owner can act on. */
  readonly error?: string;
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
  readonly provider: 'openai' | 'anthropic' | 'openai-compatible';
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
 * and the run of each document that answers. One conditional write replaces the
 * whole head, so readers see one generation or the next, never a mix.
 */
export interface IndexHead {
  /** Bumped by every change; 0 for a bot with no index yet. */
  readonly generation: number;
  readonly segments: readonly SegmentRef[];
  /** docId → the run that answers, and how many chunks it has. */
  readonly live: ReadonlyMap<string, LiveRun>;
}

export interface LiveRun {
  readonly run: string;
  readonly chunks: number;
}

export interface SegmentRef {
  readonly id: string;
  /** Stored items the sealed segment was split into. */
  readonly parts: number;
  /** Entries in it, dead ones (superseded runs) included until compaction drops them. */
  readonly chunks: number;
  /** The embedding its vectors come from (`model@dimensions`). */
  readonly embeddedWith: string;
}
