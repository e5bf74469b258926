/**
 * The audit trail of admin actions whose core functions do not record themselves
 * (keys, members, account settings, exports and erasures do): who changed which
 * bot, document or conversation, from where, and whether it was allowed.
 */
import { audit } from '../../core/audit.ts';
import { getDocument } from '../../core/documents.ts';
import { AppError } from '../../core/errors.ts';
import type { AuditEntry, DocumentRecord } from '../../core/records.ts';
import type { HttpResult } from '../../http/responses.ts';
import type { AdminContext, AdminRoute } from './context.ts';

/** Route key → audit action. */
export const AUDITED_ROUTES: Readonly<Record<string, string>> = {
  'POST /v1/bots': 'bot.create',
  'PATCH /v1/bots/{botId}': 'bot.update',
  'DELETE /v1/bots/{botId}': 'bot.delete',
  'POST /v1/bots/{botId}/documents': 'document.upload',
  'POST /v1/bots/{botId}/sources': 'document.source',
  'POST /v1/bots/{botId}/documents/{docId}/reingest': 'document.reingest',
  'DELETE /v1/bots/{botId}/documents/{docId}': 'document.delete',
  'DELETE /v1/bots/{botId}/conversations/{conversationId}': 'conversation.delete',
  'DELETE /v1/bots/{botId}/leads/{contactId}': 'contact.delete',
  'DELETE /v1/bots/{botId}/handoffs/{contactId}': 'contact.delete',
  'POST /v1/bots/{botId}/unanswered/{groupId}/dismiss': 'unanswered.dismiss',
};

const targetOf = (ctx: AdminContext, result?: HttpResult): string | undefined => {
  const p = ctx.event.pathParameters ?? {};
  const named = p.conversationId ?? p.contactId ?? p.docId ?? p.groupId ?? p.botId;
  if (named) return named;
  // A created bot is named by what the route returned.
  try {
    return (JSON.parse(result?.body ?? '{}') as { bot?: { botId?: string } }).bot?.botId;
  } catch {
    return undefined;
  }
};

type Detail = NonNullable<AuditEntry['detail']>;
type Named = Pick<DocumentRecord, 'name' | 'source'>;

/**
 * What the log keeps of a document: its name, so the entry still says which one after it is deleted,
 * and what kind of source it is (`upload`, `text`, `qa`, `website`, or `improved_answer` for a Q&A
 * taught from an unanswered question). Metadata only, like the rest of the log.
 */
const documentDetail = (doc: Named | undefined, improved = false): Detail | undefined =>
  doc && typeof doc.name === 'string' ? { document: doc.name, source: improved ? 'improved_answer' : (doc.source ?? 'upload') } : undefined;

/** The document a route names in its path, read before the route runs: a delete leaves nothing to read after. */
const documentBefore = async (ctx: AdminContext): Promise<Named | undefined> => {
  const p = ctx.event.pathParameters ?? {};
  if (!p.botId || !p.docId) return undefined;
  try {
    return await getDocument(ctx.deps, await ctx.tenant(), p.botId, p.docId);
  } catch {
    // Missing or another account's: the route answers 404 and nothing is recorded.
    return undefined;
  }
};

/** The document a route created, from what it returned (and, for a Q&A, whether it improves an answer). */
const documentCreated = (ctx: AdminContext, result: HttpResult): Detail | undefined => {
  try {
    const created = (JSON.parse(result.body ?? '{}') as { document?: Named }).document;
    const raw = ctx.event.body ? (ctx.event.isBase64Encoded ? Buffer.from(ctx.event.body, 'base64').toString('utf8') : ctx.event.body) : '{}';
    return documentDetail(created, (JSON.parse(raw) as { improvedAnswer?: unknown }).improvedAnswer === true);
  } catch {
    return undefined;
  }
};

const withDetail = (target: string | undefined, detail: Detail | undefined) => ({ ...(target ? { target } : {}), ...(detail ? { detail } : {}) });

/** Runs `route`, recording the action as done, or as refused when the caller may not do it. */
export const audited = (action: string, route: AdminRoute): AdminRoute => async (ctx) => {
  const isDocument = action.startsWith('document.');
  const before = isDocument ? await documentBefore(ctx) : undefined;
  try {
    const result = await route(ctx);
    const target = targetOf(ctx, result);
    const detail = isDocument ? documentDetail(before) ?? documentCreated(ctx, result) : undefined;
    await audit(ctx.deps, await ctx.tenant(), ctx.source, action, 'ok', withDetail(target, detail));
    return result;
  } catch (err) {
    if (err instanceof AppError && (err.status === 403 || err.status === 409)) {
      const tenant = await ctx.tenant().catch(() => undefined);
      const target = targetOf(ctx);
      if (tenant) await audit(ctx.deps, tenant, ctx.source, action, 'refused', withDetail(target, documentDetail(before)));
    }
    throw err;
  }
};
