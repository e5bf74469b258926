/** The live widget for this bot, inline in the panel, and the snippet for the owner's website. */
import type { PageContext } from '../context.ts';
import { h, icon } from '../dom.ts';
import type { Bot } from '../types.ts';
import { badge, button, card, notify } from '../ui.ts';

declare global {
  interface Window {
    Parley?: { destroy(): void };
  }
}

const PREVIEW_ID = 'parley-preview';

/** The script tag owners paste into their site: the widget is served by Parley itself. */
export const snippetFor = (bot: Bot): string => `<script src="${location.origin}/widget.js" data-bot="${bot.publicId}" async></script>`;

export const renderTry = (body: HTMLElement, ctx: PageContext, bot: Bot): void => {
  const preview = h('div', { id: PREVIEW_ID, class: 'widget-preview' });
  const code = h('code', null, snippetFor(bot));
  const copy = button('Copy', () => {
    navigator.clipboard.writeText(snippetFor(bot)).then(
      () => notify('Copied. Paste it before </body> on every page where the chat should appear.'),
      () => {
        getSelection()?.selectAllChildren(code);
        notify('Press Ctrl+C (or ⌘C) to copy the selected snippet.', 'error');
      },
    );
  }, { kind: 'primary', icon: 'copy', label: 'Copy the embed snippet' });

  body.replaceChildren(h('div', { class: 'try-grid' },
    card('Preview',
      bot.paused ? h('p', { class: 'notice' }, badge('Paused', 'warn'), ' This bot is paused: it answers nothing until you resume it in Settings.') : null,
      preview,
      h('p', { class: 'muted small' }, 'Conversations here are real: they count toward your usage and appear under Conversations.')),
    h('div', { class: 'stack' },
      card('Put it on your website',
        h('p', null, 'Paste this line into your website’s pages, just before ', h('code', null, '</body>'), '. A chat bubble appears in the corner.'),
        h('pre', { class: 'snippet' }, code),
        copy),
      card('Before you go live',
        h('ul', { class: 'checklist' },
          h('li', null, icon('globe'), bot.allowedOrigins.length
            ? `Your bot may appear on ${bot.allowedOrigins.join(', ')}.`
            : 'Add your website’s address under Settings, or the chat will not appear there.'),
          h('li', null, icon('file'), 'Upload the documents your customers ask about under Training data.'),
          h('li', null, icon('shield'), 'Check where your data goes under Keys & privacy.'))))));

  const script = h('script', { src: '/widget.js', 'data-bot': bot.publicId, 'data-target': `#${PREVIEW_ID}`, async: true });
  window.Parley?.destroy();
  document.body.append(script);
  ctx.onLeave(() => {
    window.Parley?.destroy();
    script.remove();
  });
};

