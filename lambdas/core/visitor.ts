/**
 * Who a widget visitor is, server-side: the bot comes from its public id, the
 * page's `Origin` must be one the owner allowed, and a visitor token (signed,
 * short-lived, bound to bot and origin) names the visitor. The Origin check
 * stops other sites' browsers; the token stops scripts that fake the header.
 */
import { createHash } from 'node:crypto';
import { AppError, notFound } from './errors.ts';
import { isId, newId } from './ids.ts';
import { ADDRESS_SESSIONS_PER_MINUTE, VISITOR_RENEWAL_GRACE_SECONDS, VISITOR_TOKEN_TTL_SECONDS } from './limits.ts';
import type { Bot } from './records.ts';
import type { Deps, RateDecision, VisitorClaims } from './ports.ts';
import { tenantForVisitor, type TenantContext } from './tenancy.ts';

const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** The origin a request without an `Origin` header is bound to (curl on the local platform only). */
export const NO_ORIGIN = 'none';

export interface WidgetBot {
  readonly tenant: TenantContext;
  readonly bot: Bot;
  /** The page origin, checked: the request's `Origin`, or `none` locally. */
  readonly origin: string;
}

export interface VisitorSession extends WidgetBot {
  readonly visitorId: string;
}

/** Whether pages of `origin` may use the bot. Loopback pages and header-less clients only on the local platform. */
export const isAllowedOrigin = (deps: Pick<Deps, 'stage'>, bot: Bot, origin: string | undefined): boolean => {
  if (origin === undefined) return deps.stage === 'local';
  return bot.allowedOrigins.includes(origin) || (deps.stage === 'local' && LOOPBACK_ORIGIN.test(origin));
};

/**
 * Public ids never move to another bot, so a warm function remembers what they
 * resolved to; a deleted bot is still found missing by the bot read that follows.
 */
const publicIds = new Map<string, { accountId: string; botId: string }>();
const PUBLIC_ID_CACHE = 10_000;

const resolvePublicId = async (deps: Pick<Deps, 'bots'>, publicId: string) => {
  const hit = publicIds.get(publicId);
  if (hit) return hit;
  const ref = await deps.bots.resolvePublicId(publicId);
  if (ref) {
    if (publicIds.size >= PUBLIC_ID_CACHE) publicIds.delete(publicIds.keys().next().value!);
    publicIds.set(publicId, ref);
  }
  return ref;
};

/** The bot behind a public id, for a page of `origin`; another account's or a missing bot is 404, a disallowed page 403. */
export const openWidget = async (deps: Pick<Deps, 'bots' | 'stage'>, publicId: string, origin: string | undefined): Promise<WidgetBot> => {
  const ref = isId(publicId) ? await resolvePublicId(deps, publicId) : null;
  if (!ref) throw notFound('bot');
  const tenant = tenantForVisitor(ref.accountId);
  const bot = await deps.bots.get(tenant, ref.botId);
  if (!bot) throw notFound('bot');
  if (!isAllowedOrigin(deps, bot, origin)) throw new AppError('forbidden', 'This website is not allowed to use this bot.');
  return { tenant, bot, origin: origin ?? NO_ORIGIN };
};

/** What the widget needs to draw itself: nothing about documents, keys or the account. */
export const widgetConfig = (bot: Bot) => ({
  name: bot.name,
  welcomeMessage: bot.welcomeMessage,
  suggestedQuestions: bot.suggestedQuestions ?? [],
  theme: { color: '#2563eb', position: 'right', mode: 'auto', ...bot.theme },
  leadForm: bot.leadForm ?? null,
  handoff: bot.handoff ?? true,
  available: !bot.paused,
});

/** A client address as a rate-limit key: hashed with the account, so it is not stored and not linkable across accounts. */
export const addressKey = (tenant: TenantContext, sourceIp: string): string =>
  createHash('sha256').update(`${tenant.accountId}|${sourceIp}`).digest('base64url').slice(0, 22);

export const rateLimited = (decision: RateDecision, message: string): void => {
  if (!decision.ok) throw new AppError('rate_limited', message, undefined, decision.retryAfterSeconds);
};

/**
 * Starts (or renews) a visitor session for an opened widget: a fresh visitor id, or
 * the same one when `previous` is a valid token for this bot and origin, in a new token.
 */
export const startSession = async (
  deps: Pick<Deps, 'meter' | 'visitorTokens'>,
  widget: WidgetBot,
  publicId: string,
  sourceIp: string,
  previous?: string,
): Promise<{ token: string; visitorId: string; expiresIn: number }> => {
  const { tenant, origin } = widget;
  rateLimited(
    await deps.meter.hit(tenant, `S#${addressKey(tenant, sourceIp)}`, ADDRESS_SESSIONS_PER_MINUTE, 60),
    'Too many new chats from this network. Please wait a minute.',
  );
  // A visitor back after their token lapsed keeps their id (and conversation) for a while.
  const claims = previous ? await deps.visitorTokens.verify(previous, { graceSeconds: VISITOR_RENEWAL_GRACE_SECONDS }) : null;
  const boundHere = claims && claims.publicId === publicId && claims.origin === origin;
  const visitorId = boundHere ? claims.visitorId : newId();
  const token = await deps.visitorTokens.issue({ visitorId, publicId, origin }, VISITOR_TOKEN_TTL_SECONDS);
  return { token, visitorId, expiresIn: VISITOR_TOKEN_TTL_SECONDS };
};

/**
 * The visitor behind a request to an opened widget: the token must be valid and bound to
 * this bot and this page origin.
 */
export const authenticateVisitor = async (deps: Pick<Deps, 'visitorTokens'>, widget: WidgetBot, publicId: string, token: string | undefined): Promise<VisitorSession> => {
  if (!token) throw new AppError('unauthorized', 'Start a chat session first (POST /widget/v1/{publicId}/sessions) and send its token.');
  const claims: VisitorClaims | null = await deps.visitorTokens.verify(token);
  if (!claims || claims.publicId !== publicId || claims.origin !== widget.origin) {
    throw new AppError('unauthorized', 'Your chat session has expired or is not valid here. Reload the page to start a new one.');
  }
  return { ...widget, visitorId: claims.visitorId };
};
