/**
 * What the API returns where that is not a stored record of `records.ts` as it
 * is: the views core functions build, said once. Types only, importing nothing
 * but records, so the browser bundles read them too (through
 * `lambdas/contracts/views.ts`). The handlers' dispatch checks that each core
 * function's result fits its route's view.
 */
import type {
  Account, Citation, Conversation, ConversationTurn, DocumentRecord, ExportRecord, Invitation, KeyClass,
  MemberNotificationPrefs, ProviderKeyRecord, Role, SentNotification, TokenUsage, UsageRow, VisitorContact,
} from './records.ts';

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

/**
 * How an invitee hears of their invitation. `sent`: the identity provider e-mailed
 * them a sign-in with a temporary password. `existing_sign_in`: the address can
 * already sign in, so nothing is sent. `self_sign_up`: the deployment lets people
 * sign themselves up, so nothing is sent: tell them to sign up. In every case they
 * join only by following the invitation's link, which the owner is given to pass on.
 */
export type InvitationDelivery = 'sent' | 'existing_sign_in' | 'self_sign_up';

/**
 * A stored invitation, how its address hears of it, and the token of its link: the
 * only time the secret is seen (the account keeps its hash), for the owner to pass on.
 */
export interface InvitationSent {
  readonly invitation: Invitation;
  readonly delivery: InvitationDelivery;
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
  /** Set when the deployment refuses the configured provider: why, in the owner's words. Nothing is then sent. */
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
  /** A short piece of the text around the match, with `…` where it was cut. */
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
  /** The group's most typical phrasing. */
  readonly question: string;
  /** Times asked (since the last dismissal, if any). */
  readonly count: number;
  readonly firstAskedAt: string;
  readonly lastAskedAt: string;
  /** Other wordings of it, newest first. */
  readonly phrasings: readonly string[];
  /** The newest asks, to open their conversations. */
  readonly asks: ReadonlyArray<{ readonly conversationId: string; readonly turnId: string; readonly askedAt: string }>;
  /** When earlier asks were dismissed: the question was asked again since. */
  readonly dismissedAt?: string;
}

/** Questions asked in a window, and of those the ones answered. */
export interface AnswerRate {
  readonly from: string;
  readonly to: string;
  readonly asked: number;
  readonly answered: number;
}

export interface UnansweredReport {
  readonly groups: readonly UnansweredGroup[];
  /** Groups in all, `groups` holding the newest `limit` of them. */
  readonly total: number;
  readonly week: AnswerRate;
  /** Conversations read, and whether older ones were left unread. */
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
    /** False when the answer declined ("not found", from Parley's answerer or a model) or failed. */
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

/** A member's notification settings: whether e-mail works in this deployment, and their choices. */
export interface MyNotificationsView {
  readonly email: { readonly enabled: boolean; readonly from?: string };
  readonly preferences: MemberNotificationPrefs;
}

/**
 * One notification e-mail of the account's sent log, with its text where a copy is kept: the local outbox only.
 * `not_kept`: this deployment keeps no copy (on AWS, only the address, subject and status are logged);
 * `gone`: the outbox no longer has it; `not_sent`: the mail service refused it, so there is no message.
 */
export interface SentMailView {
  readonly sent: SentNotification;
  readonly copy: { readonly kept: true; readonly text: string } | { readonly kept: false; readonly why: 'not_kept' | 'gone' | 'not_sent' };
}

/** Where a model identifier sends requests: one region, or a geography's regions. */
export type BedrockPlace =
  | { readonly kind: 'region'; readonly region: string }
  | { readonly kind: 'geography'; readonly prefix: string; readonly name: string };

/** One approved Bedrock model or inference profile. */
export interface BedrockModelView {
  /** The identifier as the operator approved it, and as a bot's setting names it. */
  readonly id: string;
  /** Its name as people know it: `Claude Sonnet 4.5`. */
  readonly name: string;
  /** The region that serves it, or the geography its inference profile routes within. */
  readonly place: BedrockPlace;
  /** Where requests are processed, in words: `in the AWS region eu-west-1 (Ireland)`, `within the EU, …`. */
  readonly where: string;
  /** Whether an owner may choose it here. */
  readonly allowed: boolean;
  /** Why not, when not. */
  readonly reason?: string;
  /** For an embedding model: the sizes it makes. */
  readonly dimensions?: readonly number[];
}

/** What Amazon Bedrock offers in this deployment: models that answer, and models that embed. Both empty without Bedrock. */
export interface BedrockCatalogue {
  readonly chat: readonly BedrockModelView[];
  readonly embedding: readonly BedrockModelView[];
}
