/**
 * The widget function's routes, one implementation per route of the widget
 * contract (the chat routes are the chat function's). The account comes only
 * from the public id lookup; the page's Origin is checked first, and every route
 * but config, sessions and preflights needs the visitor's token.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { routesOf } from '../../contracts/contract.ts';
import { widgetContract } from '../../contracts/widget.ts';
import { readOwnConversation } from '../../core/conversations.ts';
import type { Deps } from '../../core/ports.ts';
import { giveFeedback, requestHandoff, submitLead } from '../../core/visitor-actions.ts';
import { authenticateVisitor, openWidget, startSession, widgetConfig } from '../../core/visitor.ts';
import { clientAddress } from '../../http/client-address.ts';
import type { Implementations } from '../../http/dispatch.ts';
import { bearerToken, pathParam } from '../../http/request.ts';
import { noteAccount } from '../../http/request-log.ts';
import { allowOrigin, preflightHeaders } from '../../http/widget-cors.ts';

/** What a widget route gets: the event, the page's origin, and the function's deps. */
export interface WidgetContext {
  readonly event: APIGatewayProxyEventV2;
  readonly origin: string | undefined;
  readonly deps: Deps;
  readonly edgeSecret?: string | undefined;
}

/** The bot's widget, if this page may use it; the request's log line names its account from here on. */
const open = async ({ event, origin, deps }: WidgetContext) => {
  const widget = await openWidget(deps, pathParam(event, 'publicId'), origin);
  noteAccount(event, widget.tenant.accountId);
  return widget;
};

/** The visitor of an allowed page; its origin is allowed before the token is checked, so a 401 is readable. */
const visitor = async (ctx: WidgetContext) => {
  const widget = await open(ctx);
  allowOrigin(ctx.event, ctx.origin);
  return authenticateVisitor(ctx.deps, widget, pathParam(ctx.event, 'publicId'), bearerToken(ctx.event));
};

/** The widget contract's routes that the widget function serves. */
export const widgetApiRoutes = routesOf(widgetContract).filter((r) => r.fn === 'widget-api');

export const widgetRoutes = {
  getConfig: async (ctx) => {
    const { bot } = await open(ctx);
    allowOrigin(ctx.event, ctx.origin);
    return widgetConfig(bot);
  },
  startSession: async (ctx, { params }) => {
    const widget = await open(ctx);
    allowOrigin(ctx.event, ctx.origin);
    return startSession(ctx.deps, widget, params.publicId, clientAddress(ctx.event, ctx.edgeSecret), bearerToken(ctx.event));
  },
  giveFeedback: async (ctx, req) => giveFeedback(ctx.deps, await visitor(ctx), req.body),
  requestHandoff: async (ctx, req) => requestHandoff(ctx.deps, await visitor(ctx), req.body),
  submitLead: async (ctx, req) => submitLead(ctx.deps, await visitor(ctx), req.body),
  readOwnConversation: async (ctx, { params }) => readOwnConversation(ctx.deps, await visitor(ctx), params.conversationId),
  preflight: async (ctx) => {
    await open(ctx);
    return ctx.origin ? preflightHeaders(ctx.origin) : {};
  },
} satisfies Implementations<Omit<typeof widgetContract, 'chat' | 'chatPreflight'>, WidgetContext>;
