/**
 * The audit trail of admin actions whose core functions do not record themselves
 * (keys, members, account settings, exports and erasures do): who changed which
 * bot, document or conversation, from where, and whether it was allowed.
 */
import { audit } from '../../core/audit.ts';
import { AppError } from '../../core/errors.ts';
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

/** Runs `route`, recording the action as done, or as refused when the caller may not do it. */
export const audited = (action: string, route: AdminRoute): AdminRoute => async (ctx) => {
  try {
    const result = await route(ctx);
    const target = targetOf(ctx, result);
    await audit(ctx.deps, await ctx.tenant(), ctx.source, action, 'ok', target ? { target } : {});
    return result;
  } catch (err) {
    if (err instanceof AppError && (err.status === 403 || err.status === 409)) {
      const tenant = await ctx.tenant().catch(() => undefined);
      const target = targetOf(ctx);
      if (tenant) await audit(ctx.deps, tenant, ctx.source, action, 'refused', target ? { target } : {});
    }
    throw err;
  }
};
