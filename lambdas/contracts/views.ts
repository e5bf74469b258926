/**
 * What the API returns where that is not a stored record of
 * `lambdas/core/records.ts` as it is: views that core functions build. The
 * handlers' dispatch checks that each core function's result fits its route's
 * view, so these cannot drift from core without a type error.
 */
import type {
  Account, Citation, Conversation, ConversationTurn, DocumentRecord, ExportRecord, Invitation, KeyClass,
  ProviderKeyRecord, Role, TokenUsage, UsageRow, VisitorContact,
} from '../core/records.ts';

/** The account and the caller's role in it, so the panel can hide what they may not do. */
export interface AccountView {
  readonly account: Account;
  readonly role?: Role | undefined;
}

/** An account a person belongs to, as the panel's switcher lists it. */
export interface MyAccount {
  readonly accountId: string;
  readonly name: string;
  readonly role: Role;
  readonly status: Account['status'];
}

/** A download link of a ready export. */
export interface ExportDownload {
  readonly name: string;
  readonly bytes: number;
  readonly url: string;
}

export interface ExportView {
  readonly export: ExportRecord;
  readonly downloads: readonly ExportDownload[];
}

/** How an invitee hears of an invitation (see core/members.ts). */
export type InvitationDelivery = 'sent' | 'existing_sign_in' | 'self_sign_up';

export interface InvitationSent {
  readonly invitation: Invitation;
  readonly delivery: InvitationDelivery;
  /** The invitation link's token, for the inviter to pass on. */
  readonly token: string;
}

/** An owner key as the panel sees it: never the key, only its last four characters and state. */
export interface ProviderKeyView extends ProviderKeyRecord {
  /** Older than the account's rotation age. */
  readonly rotationDue: boolean;
}

/** A new document and where to PUT its file. */
export interface UploadTicket {
  readonly document: DocumentRecord;
  readonly upload: { readonly method: 'PUT'; readonly url: string; readonly headers: Record<string, string>; readonly expiresAt: string };
}

/** Where a bot's data goes, in the API's words (GET /v1/bots/{botId}/data-flow). */
export interface DataFlow {
  readonly answers: { readonly recipient: string; readonly keyClass: KeyClass; readonly summary: string; readonly refused?: string };
  readonly embeddings: { readonly recipient: string; readonly keyClass: KeyClass; readonly summary: string; readonly refused?: string };
  readonly residency: { readonly profile: 'none' | 'eu'; readonly region: string; readonly summary: string };
  readonly storage: { readonly region: string; readonly summary: string };
  readonly retention: { readonly conversationsDays: number; readonly contactsDays: number; readonly auditDays: number; readonly summary: string };
  readonly training: string;
}

export interface ConversationPage {
  readonly items: readonly Conversation[];
  readonly cursor?: string;
}

/** Where a text search found its text in a conversation. */
export interface SearchMatch {
  readonly turnId: string;
  readonly field: 'question' | 'answer';
  readonly snippet: string;
  /** Where the match is within `snippet` (UTF-16 offsets, end exclusive). */
  readonly start: number;
  readonly end: number;
}

export interface ConversationSearch {
  readonly items: ReadonlyArray<Conversation & { readonly match: SearchMatch }>;
  readonly searchedUpTo: number;
  readonly truncated: boolean;
}

export interface Transcript {
  readonly conversation: Conversation;
  readonly turns: readonly ConversationTurn[];
}

/** Everything kept of one visitor, found by id, e-mail or conversation. */
export interface VisitorData {
  readonly visitorIds: readonly string[];
  readonly conversations: ReadonlyArray<Conversation & { readonly turns: readonly ConversationTurn[] }>;
  readonly contacts: readonly VisitorContact[];
}

export interface Usage {
  readonly month: string;
  readonly rows: readonly UsageRow[];
  readonly totals: Omit<UsageRow, 'month' | 'botId' | 'keyClass'>;
}

/** A question the bot could not answer, asked one or more ways. */
export interface UnansweredGroup {
  /** The id of the group's first question; stays the same as the group grows. */
  readonly groupId: string;
  readonly question: string;
  readonly count: number;
  readonly firstAskedAt: string;
  readonly lastAskedAt: string;
  readonly phrasings: readonly string[];
  readonly asks: ReadonlyArray<{ readonly conversationId: string; readonly turnId: string; readonly askedAt: string }>;
  readonly dismissedAt?: string;
}

export interface UnansweredReport {
  readonly groups: readonly UnansweredGroup[];
  readonly total: number;
  readonly week: { readonly from: string; readonly to: string; readonly asked: number; readonly answered: number };
  readonly scanned: number;
  readonly truncated: boolean;
}

/** What the widget needs to draw itself: nothing about documents, keys or the account. */
export interface WidgetConfig {
  readonly name: string;
  readonly welcomeMessage: string;
  readonly suggestedQuestions: readonly string[];
  readonly theme: {
    readonly color: string;
    readonly position: string;
    readonly mode: string;
    readonly title?: string;
    readonly avatarUrl?: string;
  };
  readonly leadForm: {
    readonly when: 'before' | 'during';
    readonly fields: ReadonlyArray<{ readonly name: string; readonly label: string; readonly type: 'text' | 'email' | 'tel'; readonly required: boolean }>;
  } | null;
  readonly handoff: boolean;
  readonly available: boolean;
}

/** A visitor token bound to the bot and the page's origin. */
export interface VisitorSessionGrant {
  readonly token: string;
  readonly visitorId: string;
  /** Seconds. */
  readonly expiresIn: number;
}

/** What a visitor sees of a turn: no key class, provider, usage or owner-side errors. */
export interface VisitorTurn {
  readonly turnId: string;
  readonly question: string;
  readonly answer: string;
  readonly citations: readonly Citation[];
  readonly feedback?: 'up' | 'down';
  readonly createdAt: string;
}

export interface VisitorTranscript {
  readonly conversationId: string;
  readonly turns: readonly VisitorTurn[];
}

/** The server-sent events of a streamed answer, each `event: <type>` with the rest as JSON data. */
export type ChatStreamEvent =
  | { readonly type: 'sources'; readonly conversationId: string; readonly turnId: string; readonly sources: readonly Citation[] }
  | { readonly type: 'delta'; readonly text: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | {
    readonly type: 'done';
    /** False when the answer declined or failed. */
    readonly answered: boolean;
    /** The bot found nothing to answer from, or failed: the widget offers a human. */
    readonly offerHandoff: boolean;
    /** The answer is a quotation of the documents (Parley's own answerer), not a model's words. */
    readonly quoted: boolean;
    readonly keyClass: KeyClass;
    readonly usage: TokenUsage;
  };

/** Headers a preflight answers with (a 204 with no body). */
export type PreflightHeaders = Readonly<Record<string, string>>;
