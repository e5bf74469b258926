/**
 * Links into the admin panel, for e-mails: the deployment's panel address (from the
 * stack, `PARLEY_PANEL_URL`) and a hash route the panel understands. Ids only: no
 * visitor text, name or address ever goes into a URL (it would end up in browser
 * history, proxies' logs and referrers).
 */
import { isId } from './ids.ts';

const base = (panelUrl: string): string => panelUrl.replace(/\/?$/, '/');

/** The bot's Conversations tab. */
export const conversationsLink = (panelUrl: string, botId: string): string => `${base(panelUrl)}#/bots/${botId}/conversations`;

/** The bot's Unanswered tab, where the owner teaches it the answers. */
export const unansweredLink = (panelUrl: string, botId: string): string => `${base(panelUrl)}#/bots/${botId}/unanswered`;

/** One conversation, opened at `turnId` when given (`#/bots/<bot>/conversations/<conversation>[/<turn>]`); the tab when an id is malformed. */
export const conversationLink = (panelUrl: string, botId: string, conversationId: string, turnId?: string): string =>
  (isId(botId) && isId(conversationId)
    ? `${conversationsLink(panelUrl, botId)}/${conversationId}${turnId && isId(turnId) ? `/${turnId}` : ''}`
    : conversationsLink(panelUrl, botId));
