/**
 * What the admin API returns, as the contracts say it (lambdas/contracts and
 * the records of lambdas/core/records.ts). Type-only imports: nothing of the
 * server enters the panel's bundle.
 */
import type { RequestOf } from '../../lambdas/contracts/contract.ts';
import type { documentsContract } from '../../lambdas/contracts/documents.ts';
import type { ProviderId } from '../../lambdas/core/providers.ts';
import type { BotBudget } from '../../lambdas/core/records.ts';

export type {
  Account, AuditEntry, Bot, BotBudget, BotTheme as Theme, Citation, Conversation, ConversationTurn as Turn, DocumentRecord,
  DocumentStatus, EmbeddingChoice, Invitation, KeyClass, LeadField, LeadForm, Member, ModelChoice, PendingInvitation, Role,
  VisitorContact as Contact, BotNotificationPrefs, EmailEvent, EventType, SentNotification, Webhook, WebhookDelivery,
} from '../../lambdas/core/records.ts';
export type {
  ConversationPage, ConversationSearch, DataFlow, ExportDownload, InvitationDelivery, MyAccount, ProviderKeyView as ProviderKey, SearchMatch, UnansweredGroup,
  UnansweredReport, UploadTicket, Usage, MyNotificationsView, SentMailView,
} from '../../lambdas/contracts/views.ts';
import type { Conversation, ExportRecord, UsageRow } from '../../lambdas/core/records.ts';
import type { SearchMatch } from '../../lambdas/contracts/views.ts';

export type Provider = ProviderId;

/** A text, Q&A or website source as the panel sends it. */
export type NewSource = RequestOf<typeof documentsContract.addSource>;

/** A conversation found by a text search, with where the text was found. */
export interface ConversationMatch extends Conversation {
  readonly match: SearchMatch;
}

export type { UsageRow };
export type AccountExport = ExportRecord;

/** What a bot may spend when it has no budget of its own (lambdas/core/limits.ts). */
export const DEFAULT_BOT_BUDGET: BotBudget = { dailyTokens: 2_000_000, monthlyTokens: 20_000_000, dailyCostMicros: 5_000_000, monthlyCostMicros: 50_000_000 };

/** The widget's accent colour when a bot has no theme (widget/src/theme.ts). */
export const WIDGET_DEFAULT_COLOR = '#2563eb';
