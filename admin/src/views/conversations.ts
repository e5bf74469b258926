/**
 * A bot's conversations: what visitors left for the owner (handoffs, leads)
 * first, then the list and one transcript at a time, with feedback, export and
 * delete. Every visitor and model string becomes a text node.
 */
import { api, messageOf } from '../api.ts';
import type { PageContext } from '../context.ts';
import { conversationStart } from '../describe.ts';
import { h, icon, mount } from '../dom.ts';
import type { Bot, Contact, Conversation, ConversationMatch, ConversationPage, ConversationSearch, Turn } from '../types.ts';
import { badge, busy, button, card, confirmAction, download, empty, failure, field, formatDate, formatNumber, loadInto, loading, notify, plural } from '../ui.ts';

const KEY_CLASS: Record<string, string> = { owner: 'your key', platform: 'Parley’s key', bedrock: 'Amazon Bedrock, no key' };

/** Who wrote an answer, and what it cost when an AI provider wrote it. */
const answeredBy = (t: Turn): string => t.keyClass === 'local' || t.provider === 'local'
  ? 'answered by Parley (no AI provider)'
  : `${t.model ? `${t.provider} ${t.model}, ` : ''}${KEY_CLASS[t.keyClass] ?? t.keyClass} · ${plural(t.usage.inputTokens + t.usage.outputTokens, 'token')}`;

const contactItem = (c: Contact, open: (id: string) => void, handled: ((c: Contact, btn: HTMLButtonElement) => void) | null): HTMLElement => {
  const who = c.name ?? c.email ?? c.phone ?? 'a visitor';
  const done = handled && c.kind === 'handoff'
    ? button('Mark as handled', () => handled(c, done!), { kind: 'ghost', label: `Mark as handled: request from ${who}` })
    : null;
  return h('li', { class: `contact ${c.kind}` },
    h('div', null,
      h('p', { class: 'name' }, badge(c.kind === 'handoff' ? 'Wants a person' : 'Lead', c.kind === 'handoff' ? 'warn' : 'info'), ' ', c.name ?? 'A visitor'),
      h('p', { class: 'muted small' }, [c.email, c.phone, formatDate(c.createdAt)].filter(Boolean).join(' · ')),
      c.message ? h('blockquote', null, c.message) : null,
      c.fields && Object.keys(c.fields).length ? h('dl', { class: 'fields' }, ...Object.entries(c.fields).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)])) : null),
    c.conversationId || done ? h('div', { class: 'contact-actions' },
      c.conversationId ? button('Read conversation', () => open(c.conversationId!), { kind: 'ghost' }) : null,
      done) : null);
};

/** Answer text with its citation markers, `[1]`, as small numbered marks (text nodes only). */
const answerText = (text: string): HTMLElement => {
  const p = h('p', { class: 'answer' });
  for (const [i, part] of text.split(/\[(\d+)\]/).entries()) {
    if (i % 2) p.append(h('sup', { class: 'cite' }, h('span', { class: 'sr-only' }, 'source '), part));
    else if (part) p.append(part);
  }
  return p;
};

/** "Improve this answer": the owner's corrected answer becomes a Q&A source of the bot; `onSaved` runs after. */
export const improveForm = (botId: string, t: Pick<Turn, 'question' | 'answer' | 'answered'>, onSaved?: () => Promise<void>): HTMLElement => {
  const answer = h('textarea', { rows: '3', maxlength: '10000' });
  answer.value = t.answered ? t.answer.replace(/\s*\[\d+\]/g, '') : '';
  const error = h('p', { class: 'form-error', role: 'alert' });
  const save = button('Teach the bot this answer', () => undefined, { kind: 'primary', type: 'submit' });
  const form = h('form', { class: 'stack', novalidate: true }, field('The right answer', answer, 'Saved as a question-and-answer source: your bot uses it from now on.'), error, save);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!answer.value.trim()) {
      error.textContent = 'Write the answer you want visitors to get.';
      return;
    }
    void busy(save, async () => {
      try {
        // Listed here as an improved answer; visitors see the question it answers as the source's name.
        const question = t.question.replace(/\s+/g, ' ').trim();
        await api('POST', '/v1/bots/{botId}/sources', { params: { botId }, body: { kind: 'qa', title: `Improved answer: ${question.slice(0, 80)}`, label: question.slice(0, 200), pairs: [{ question: question.slice(0, 1000), answer: answer.value.trim() }], improvedAnswer: true } });
        if (onSaved) await onSaved();
        else notify('Thanks: your bot has learned the improved answer.');
        form.closest('details')?.removeAttribute('open');
      } catch (err) {
        error.textContent = messageOf(err);
      }
    });
  });
  return h('details', { class: 'improve' }, h('summary', null, 'Improve this answer'), form);
};

const turnView = (botId: string, t: Turn, canEdit: boolean): HTMLElement =>
  h('li', { class: 'turn' },
    h('div', { class: 'bubble visitor' }, h('p', { class: 'who' }, 'Visitor'), h('p', null, t.question)),
    h('div', { class: `bubble bot${t.answered ? '' : ' unanswered'}` },
      h('p', { class: 'who' }, 'Bot', ' ',
        !t.answered ? badge('Did not know', 'warn') : null, ' ',
        t.feedback ? badge(t.feedback.rating === 'up' ? '👍 Helpful' : '👎 Not helpful', t.feedback.rating === 'up' ? 'ok' : 'bad') : null),
      t.answer ? answerText(t.answer) : h('p', { class: 'answer muted' }, '(no answer)'),
      t.feedback?.comment ? h('blockquote', null, t.feedback.comment) : null,
      t.error ? h('p', { class: 'doc-error' }, t.error) : null,
      t.citations.length ? h('details', { class: 'sources' },
        h('summary', null, plural(t.citations.length, 'source')),
        h('ol', null, ...t.citations.map((c) => h('li', null,
          h('p', { class: 'small' }, [c.document, c.section, c.page ? `page ${c.page}` : ''].filter(Boolean).join(' · ')),
          h('p', { class: 'quote' }, c.quote))))) : null,
      h('p', { class: 'muted small' }, `${formatDate(t.createdAt)} · ${answeredBy(t)}`),
      canEdit ? improveForm(botId, t) : null));

/** A search result's snippet, the matched words marked (text nodes only). */
const snippetView = (m: ConversationMatch['match']): HTMLElement => {
  const start = Math.max(0, Math.min(m.start, m.snippet.length));
  const end = Math.max(start, Math.min(m.end, m.snippet.length));
  return h('span', { class: 'snippet-text' }, m.snippet.slice(0, start), h('mark', null, m.snippet.slice(start, end)), m.snippet.slice(end));
};

const SEARCH_DELAY_MS = 350;

// The list route answers a search when asked with `q`, a page of the newest otherwise.
const searched = (r: ConversationPage | ConversationSearch): ConversationSearch => ('searchedUpTo' in r ? r : { items: [], searchedUpTo: 0, truncated: false });
const paged = (r: ConversationPage | ConversationSearch): ConversationPage => ('searchedUpTo' in r ? { items: r.items } : r);

/** A conversation to open at once (and the turn to bring into view), from a link such as a notification e-mail's. */
export interface ConversationFocus {
  readonly conversationId: string;
  readonly turnId?: string;
}

export const renderConversations = (body: HTMLElement, ctx: PageContext, bot: Bot, focus?: ConversationFocus): void => {
  const { botId } = bot;
  const contacts = h('div');
  const listEl = h('div', { class: 'conv-list' });
  const detail = h('div', { class: 'conv-detail', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Choose a conversation to read it.'));
  const search = h('input', { type: 'search', name: 'q', maxlength: '200', autocomplete: 'off', placeholder: 'A word or phrase, such as refund' });
  const searchStatus = h('p', { class: 'muted small search-status', role: 'status' });
  let items: readonly Conversation[] = [];
  /** The current text search and its results; undefined while the plain list shows. */
  let found: (ConversationSearch & { readonly q: string }) | undefined;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let searchGen = 0;
  ctx.onLeave(() => clearTimeout(searchTimer));
  let cursor: string | undefined;
  let selected: string | undefined;
  const flagged = new Set<string>();

  const open = (id: string, turnId?: string) => {
    selected = id;
    renderList();
    mount(detail, loading('the conversation'));
    api('GET', '/v1/bots/{botId}/conversations/{conversationId}', { params: { botId, conversationId: id } }).then(({ conversation, turns }) => {
      const exp = button('Export', () => {
        download(`conversation-${conversation.conversationId}.json`, JSON.stringify({ bot: { botId: bot.botId, name: bot.name }, conversation, turns }, null, 2));
        notify('The conversation was saved to your downloads.');
      }, { icon: 'download', label: 'Export this conversation as JSON' });
      const del = !ctx.can('admin') ? null : button('Delete', () => void (async () => {
        if (!(await confirmAction('Delete this conversation?', 'It is erased for good, for you and for the visitor.', 'Delete conversation'))) return;
        await busy(del!, async () => {
          await api('DELETE', '/v1/bots/{botId}/conversations/{conversationId}', { params: { botId, conversationId: id } });
          items = items.filter((c) => c.conversationId !== id);
          if (found) found = { ...found, items: found.items.filter((c) => c.conversationId !== id) };
          selected = undefined;
          renderList();
          mount(detail, h('p', { class: 'muted' }, 'The conversation was deleted.'));
        });
      })(), { kind: 'ghost', icon: 'trash', label: 'Delete this conversation' });
      mount(detail,
        h('div', { class: 'card-head' },
          h('div', null, h('h2', null, 'Conversation'), h('p', { class: 'muted small' }, `${conversationStart(formatDate(conversation.createdAt), conversation.origin)} · will be deleted on ${formatDate(conversation.expiresAt, false)}`)),
          h('div', { class: 'actions' }, exp, del)),
        h('ol', { class: 'turns' }, ...turns.map((t) => turnView(botId, t, ctx.can('admin')))));
      // A search result opens at the turn that matched; a link at the turn it names.
      const hit = turnId ?? found?.items.find((c) => c.conversationId === id)?.match.turnId;
      if (hit) detail.querySelectorAll('.turn')[turns.findIndex((t) => t.turnId === hit)]?.scrollIntoView({ block: 'nearest' });
    }).catch((err: unknown) => mount(detail, (err as { status?: number }).status === 404
      ? h('p', { class: 'muted' }, 'This conversation no longer exists: it was deleted, or its retention ended.')
      : failure(err, () => open(id, turnId))));
  };

  const renderFound = (f: NonNullable<typeof found>) => {
    const limitNote = f.truncated ? (f.searchedUpTo >= 500
      ? ` Only the newest ${formatNumber(f.searchedUpTo)} conversations were searched.`
      : ' Showing the first matches: add words to narrow the search.') : '';
    searchStatus.textContent = f.items.length
      ? `${plural(f.items.length, 'conversation')} ${f.items.length === 1 ? 'mentions' : 'mention'} “${f.q}”.${limitNote}`
      : `No conversation mentions “${f.q}”.${limitNote}`;
    mount(listEl, f.items.length ? h('ul', { class: 'convs', 'aria-label': `Conversations mentioning ${f.q}` }, ...f.items.map((c) =>
      h('li', null, h('button', {
        type: 'button', class: 'conv', 'aria-current': c.conversationId === selected ? 'true' : null,
        onclick: () => open(c.conversationId),
      },
      h('span', { class: 'preview' }, snippetView(c.match)),
      h('span', { class: 'muted small' }, `${c.match.field === 'question' ? 'In a question' : 'In an answer'} · ${formatDate(c.updatedAt)} · ${plural(c.turnCount, 'question')}`))))) : empty('Nothing found', 'Try another word, or fewer words. Questions and answers are searched, whatever the capitals and accents.'));
  };

  const runSearch = async (): Promise<void> => {
    clearTimeout(searchTimer);
    const q = search.value.trim();
    const gen = ++searchGen;
    if (!q) {
      found = undefined;
      searchStatus.textContent = '';
      renderList();
      return;
    }
    searchStatus.textContent = '';
    mount(listEl, loading('matching conversations'));
    try {
      const res = searched(await api('GET', '/v1/bots/{botId}/conversations', { params: { botId }, query: { q, limit: 50 } }));
      if (gen !== searchGen) return;
      found = { q, ...res };
      renderFound(found);
    } catch (err) {
      if (gen !== searchGen) return;
      mount(listEl, failure(err, () => void runSearch()));
    }
  };

  const renderList = () => {
    if (found) return renderFound(found);
    const shown = items;
    mount(listEl,
      items.length ? null : empty('No conversations yet', 'When visitors ask your bot something, it appears here. Try it yourself under Try it.'),
      shown.length ? h('ul', { class: 'convs', 'aria-label': 'Conversations' }, ...shown.map((c) =>
        h('li', null, h('button', {
          type: 'button', class: 'conv', 'aria-current': c.conversationId === selected ? 'true' : null,
          onclick: () => open(c.conversationId),
        },
        h('span', { class: 'preview' }, c.preview || '(no question)'),
        h('span', { class: 'muted small' }, `${formatDate(c.updatedAt)} · ${plural(c.turnCount, 'question')}`, flagged.has(c.conversationId) ? ' · ' : '', flagged.has(c.conversationId) ? badge('Needs you', 'warn') : null))))) : null,
      cursor ? button('Show older conversations', () => void more(), { kind: 'ghost' }) : null);
  };

  const more = async () => {
    const res = paged(await api('GET', '/v1/bots/{botId}/conversations', { params: { botId }, query: { limit: 25, cursor } }));
    items = [...items, ...res.items];
    cursor = res.cursor;
    renderList();
  };

  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void runSearch(), SEARCH_DELAY_MS);
  });
  const searchForm = h('form', { class: 'conv-search', role: 'search', novalidate: true },
    field('Search conversations', search, 'Finds words in questions and answers, whatever the capitals and accents.'));
  searchForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void runSearch();
  });
  mount(body,
    contacts,
    h('div', { class: 'conv-grid' },
      h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Conversations'), icon('chat')), searchForm, searchStatus, listEl),
      h('section', { class: 'card' }, detail)));

  const first = async (): Promise<void> => {
    mount(listEl, loading('conversations'));
    try {
      const res = paged(await api('GET', '/v1/bots/{botId}/conversations', { params: { botId }, query: { limit: 25 } }));
      items = res.items;
      cursor = res.cursor;
      renderList();
    } catch (err) {
      mount(listEl, failure(err, () => void first()));
    }
  };
  void first();
  if (focus) open(focus.conversationId, focus.turnId);

  /** A request for a person the owner has dealt with: removed, after asking (it cannot be undone). */
  const handled = !ctx.can('admin') ? null : (c: Contact, btn: HTMLButtonElement) => void (async () => {
    if (!(await confirmAction('Mark this request as handled?', 'It is removed from “Waiting for you”, with the visitor’s message and contact details. The conversation itself stays. This cannot be undone.', 'Mark as handled'))) return;
    await busy(btn, async () => {
      await api('DELETE', '/v1/bots/{botId}/handoffs/{contactId}', { params: { botId, contactId: c.contactId } });
      notify('Marked as handled.');
      loadContacts();
    });
  })();

  const loadContacts = (): void => void loadInto(contacts, 'messages for you', () => Promise.all([
    api('GET', '/v1/bots/{botId}/handoffs', { params: { botId } }), api('GET', '/v1/bots/{botId}/leads', { params: { botId } }),
  ]), ([{ handoffs }, { leads }]) => {
    const all = [...handoffs, ...leads].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    flagged.clear();
    for (const c of all) if (c.conversationId) flagged.add(c.conversationId);
    if (items.length) renderList();
    if (!all.length) return null;
    const counts = [handoffs.length ? plural(handoffs.length, 'request') + ' to talk to a person' : '', leads.length ? plural(leads.length, 'lead') : ''].filter(Boolean).join(' and ');
    return card('Waiting for you',
      h('p', { class: 'muted' }, `${counts}. Reply to them by e-mail or phone${handled && handoffs.length ? ', then mark requests as handled' : ''}.`),
      h('ul', { class: 'contacts' }, ...all.map((c) => contactItem(c, open, handled))));
  });
  loadContacts();
};
