/** What the admin API returns, as far as the panel reads it (see lambdas/core/records.ts). */
import type { EmbeddingProvider, ProviderId } from '../../lambdas/core/providers.ts';

export type Provider = ProviderId;
export type KeyClass = 'local' | 'platform' | 'owner';

export interface Account {
  accountId: string;
  name: string;
  createdAt: string;
  retentionDays: number;
  byokOnly: boolean;
  keyMaxAgeDays: number;
  piiHandling: 'warn' | 'redact';
}

export interface Theme { color: string; position: 'right' | 'left'; mode: 'light' | 'dark' | 'auto'; title?: string }

export type ModelChoice = { provider: 'local' } | { provider: Provider; model: string };

export interface Bot {
  botId: string;
  publicId: string;
  name: string;
  instructions: string;
  welcomeMessage: string;
  allowedOrigins: string[];
  embedding?: { provider: 'local' } | { provider: EmbeddingProvider; dimensions: number };
  model?: ModelChoice;
  temperature?: number;
  suggestedQuestions?: string[];
  theme?: Theme;
  leadForm?: LeadForm | null;
  handoff?: boolean;
  paused?: boolean;
  budget?: BotBudget;
  createdAt: string;
  updatedAt: string;
}

export type EmbeddingChoice = NonNullable<Bot['embedding']>;

export interface LeadField { name: string; label: string; type: 'text' | 'email' | 'tel'; required: boolean }
/** `before`: asked before the first question; `during`: offered after an answer. Name and e-mail are always asked. */
export interface LeadForm { when: 'before' | 'during'; fields: LeadField[] }

export interface BotBudget { dailyTokens: number; monthlyTokens: number; dailyCostMicros: number; monthlyCostMicros: number }
/** What a bot may spend when it has no budget of its own (lambdas/core/limits.ts). */
export const DEFAULT_BOT_BUDGET: BotBudget = { dailyTokens: 2_000_000, monthlyTokens: 20_000_000, dailyCostMicros: 5_000_000, monthlyCostMicros: 50_000_000 };

export type DocumentStatus = 'awaiting_upload' | 'processing' | 'ready' | 'failed';

export interface DocumentRecord {
  docId: string;
  name: string;
  /** The name visitors see in citations, where it differs from `name` (typed text and Q&A). */
  label?: string;
  contentType: string;
  source?: 'upload' | 'text' | 'qa' | 'website';
  site?: { url: string; maxPages: number };
  crawl?: { fetched: number; queued: number; skipped: number };
  size: number;
  status: DocumentStatus;
  error?: string;
  /** False for a failure of the file itself: processing it again would fail the same way. */
  retryable?: boolean;
  chunkCount: number;
  pageCount?: number;
  personalData?: Partial<Record<'email' | 'phone' | 'card' | 'iban' | 'national_id', number>>;
  createdAt: string;
  updatedAt: string;
}

export interface UploadTicket {
  document: DocumentRecord;
  upload: { method: 'PUT'; url: string; headers: Record<string, string>; expiresAt: string };
}

export interface ProviderKey {
  provider: Provider;
  lastFour: string;
  baseUrl?: string;
  addedAt: string;
  validatedAt: string;
  lastUsedAt?: string;
  status: 'valid' | 'failing';
  failure?: string;
  rotationDue?: boolean;
}

export interface Conversation {
  conversationId: string;
  origin: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  turnCount: number;
  preview: string;
}

/** A conversation found by a text search, with where the text was found. */
export interface ConversationMatch extends Conversation {
  match: { turnId: string; field: 'question' | 'answer'; snippet: string; start: number; end: number };
}

export interface Citation { n: number; document: string; section: string; page?: number; url?: string; quote: string }

export interface Turn {
  turnId: string;
  question: string;
  answer: string;
  citations: Citation[];
  answered: boolean;
  keyClass: KeyClass;
  provider: string;
  model: string;
  usage: { inputTokens: number; outputTokens: number };
  error?: string;
  feedback?: { rating: 'up' | 'down'; comment?: string; at: string };
  createdAt: string;
}

export interface Contact {
  contactId: string;
  kind: 'handoff' | 'lead';
  conversationId?: string;
  name?: string;
  email?: string;
  phone?: string;
  message?: string;
  fields?: Record<string, string>;
  createdAt: string;
}

export interface UsageRow { month: string; botId: string; keyClass: KeyClass; messages: number; unanswered: number; inputTokens: number; outputTokens: number; costMicros: number }
export interface Usage { month: string; rows: UsageRow[]; totals: { messages: number; unanswered: number; inputTokens: number; outputTokens: number; costMicros: number } }

export interface AuditEntry {
  id: string;
  at: string;
  actor: { kind: 'user' | 'visitor' | 'system'; userId?: string };
  action: string;
  target?: string;
  outcome: 'ok' | 'refused' | 'failed';
  sourceIp?: string;
  /** Metadata of the event, e.g. a document's name and kind of source. */
  detail?: Record<string, string | number | boolean>;
}

/** The widget's accent colour when a bot has no theme (widget/src/theme.ts). */
export const WIDGET_DEFAULT_COLOR = '#2563eb';

/** Where a bot's data goes, in the API's words (GET /v1/bots/{botId}/data-flow). */
export interface DataFlow {
  answers: { recipient: string; keyClass: KeyClass; summary: string };
  embeddings: { recipient: string; keyClass: KeyClass; summary: string };
  storage: { region: string; summary: string };
  retention: { conversationsDays: number; contactsDays: number; auditDays: number; summary: string };
  training: string;
}

export interface AccountExport {
  exportId: string;
  status: 'queued' | 'running' | 'ready' | 'failed';
  progress: { bots: number; documents: number; conversations: number };
  createdAt: string;
  expiresAt: string;
  error?: string;
}

export interface ExportDownload { name: string; bytes: number; url: string }

export type Role = 'owner' | 'admin' | 'viewer';
export interface Member { userId: string; email: string; role: Role; addedAt: string }
export interface Invitation { email: string; role: Role; invitedAt: string; expiresAt: string }
/** An account the signed-in person belongs to (GET /v1/me/accounts). */
export interface MyAccount { accountId: string; name: string; role: Role; status: 'active' | 'locked' }
/** An invitation waiting for the signed-in person (GET /v1/me/invitations). */
export interface PendingInvitation { accountId: string; accountName: string; role: Role; invitedByEmail: string | null; invitedAt: string; expiresAt: string }
/** How an invitee hears of an invitation (see core/members.ts). */
export type InvitationDelivery = 'sent' | 'existing_sign_in' | 'self_sign_up';

/** A question the bot could not answer, asked one or more ways (see lambdas/core/unanswered.ts). */
export interface UnansweredGroup {
  groupId: string;
  question: string;
  count: number;
  firstAskedAt: string;
  lastAskedAt: string;
  phrasings: string[];
  asks: Array<{ conversationId: string; turnId: string; askedAt: string }>;
  dismissedAt?: string;
}

export interface UnansweredReport {
  groups: UnansweredGroup[];
  total: number;
  week: { from: string; to: string; asked: number; answered: number };
  scanned: number;
  truncated: boolean;
}
