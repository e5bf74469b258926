/** One bot: its header (with the week's answered share), a tab bar, and the chosen tab (training data, try it, conversations, unanswered questions, settings). */
import { api } from '../api.ts';
import type { PageContext } from '../context.ts';
import { h, icon, mount, type IconName } from '../dom.ts';
import { badge, failure, loading } from '../ui.ts';
import { renderConversations, type ConversationFocus } from './conversations.ts';
import { renderDocuments } from './documents.ts';
import { renderSettings } from './settings.ts';
import { renderTry } from './try-it.ts';
import { renderUnanswered, weekSummary } from './unanswered.ts';

export type BotTab = 'data' | 'try' | 'conversations' | 'unanswered' | 'settings';

const TABS: Array<{ id: BotTab; label: string; icon: IconName }> = [
  { id: 'data', label: 'Training data', icon: 'file' },
  { id: 'try', label: 'Try it', icon: 'chat' },
  { id: 'conversations', label: 'Conversations', icon: 'user' },
  { id: 'unanswered', label: 'Unanswered', icon: 'warn' },
  { id: 'settings', label: 'Settings', icon: 'bot' },
];

export const renderBot = (main: HTMLElement, ctx: PageContext, botId: string, tab: BotTab, focus?: ConversationFocus): void => {
  mount(main, loading('your bot'));
  api('GET', '/v1/bots/{botId}', { params: { botId } }).then(({ bot }) => {
    const current = TABS.find((t) => t.id === tab) ?? TABS[0]!;
    document.title = `${current.label} · ${bot.name} · Parley`;
    const body = h('div', { class: 'tab-body' });
    mount(main,
      h('a', { class: 'back', href: '#/' }, icon('back'), 'All bots'),
      h('header', { class: 'page-header' },
        h('div', null,
          h('h1', { tabindex: '-1' }, bot.name, ' ', bot.paused ? badge('Paused', 'warn') : null),
          h('p', { class: 'lead' }, current.id === 'data' ? (ctx.can('admin') ? 'What your bot knows. Upload files, paste text or add your website.' : 'What your bot knows: the documents it answers from.')
            : current.id === 'try' ? 'Ask your bot a question, exactly as a visitor would.'
              : current.id === 'conversations' ? 'What visitors asked and what your bot answered.'
                : current.id === 'unanswered' ? 'What your bot could not answer, so you can teach it.'
                  : 'How your bot speaks, looks and where it may appear.'),
          weekSummary(bot))),
      h('nav', { class: 'tabs', 'aria-label': `${bot.name} sections` },
        ...TABS.map((t) => h('a', { href: `#/bots/${bot.botId}/${t.id}`, class: 'tab', 'aria-current': t.id === current.id ? 'page' : null }, icon(t.icon), h('span', null, t.label)))),
      body);
    if (current.id === 'data') renderDocuments(body, ctx, bot);
    else if (current.id === 'try') renderTry(body, ctx, bot);
    else if (current.id === 'conversations') renderConversations(body, ctx, bot, focus);
    else if (current.id === 'unanswered') renderUnanswered(body, ctx, bot);
    else {
      // The Bedrock models on offer come first, so the page never shows a choice it would then take back.
      mount(body, loading('the settings'));
      api('GET', '/v1/bedrock/models')
        .then((catalogue) => renderSettings(body, ctx, bot, catalogue))
        .catch(() => renderSettings(body, ctx, bot));
    }
    // On a narrow screen the tab bar scrolls: the current tab is brought into it.
    const tabs = main.querySelector<HTMLElement>('nav.tabs');
    const here = tabs?.querySelector<HTMLElement>('[aria-current="page"]');
    if (tabs && here && here.offsetLeft + here.offsetWidth > tabs.scrollLeft + tabs.clientWidth) tabs.scrollLeft = here.offsetLeft + here.offsetWidth - tabs.clientWidth;
    main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  }).catch((err: unknown) => {
    mount(main, (err as { status?: number }).status === 404
      ? h('div', { class: 'state empty' }, h('h1', { tabindex: '-1' }, 'This bot no longer exists'), h('p', null, 'It may have been deleted.'), h('a', { href: '#/', class: 'btn primary' }, 'Back to your bots'))
      : failure(err, () => renderBot(main, ctx, botId, tab, focus)));
  });
};
