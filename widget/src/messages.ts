/** The conversation's pieces: questions, answers with their sources and actions, suggestions, errors. */
import { h, icon, present } from './dom.ts';
import { numberSources } from './citations.ts';
import { safeHref } from './markdown.ts';
import { renderMarkdown } from './markdown-dom.ts';
import type { SavedMessage, Source } from './types.ts';

export interface AnswerActions {
  /** Thumbs on an answer; `done` redraws it. */
  readonly rate: (msg: SavedMessage, rating: 'up' | 'down', done: () => void) => void;
  /** Offered under an answer the bot could not give. */
  readonly handoff: (() => void) | null;
}

export const questionView = (text: string): HTMLElement => h('div', { class: 'm user' }, h('div', { class: 'b' }, text));

/** The passage as a quote: without Markdown heading marks, or the section's own heading repeated. */
const quoteOf = (s: Source): string => {
  const quote = String(s.quote).replace(/(^|\n)#{1,6}\s+/g, '$1').trim();
  return s.section && quote.startsWith(s.section) ? quote.slice(s.section.length).trim() : quote;
};

const sourceItem = (s: Source): HTMLElement => {
  const href = s.url ? safeHref(String(s.url)) : null;
  // A Q&A source named for its one question has that question as its section too: named once.
  const section = s.section === s.document ? '' : s.section;
  const place = [section, s.page ? `p. ${s.page}` : ''].filter(Boolean).map(String).join(' · ');
  return h('li', null,
    h('span', { class: 'n' }, String(s.n)),
    h('div', null,
      href ? h('a', { class: 'doc', href, target: '_blank', rel: 'noopener noreferrer' }, String(s.document)) : h('span', { class: 'doc' }, String(s.document)),
      place && ` · ${place}`,
      s.quote && h('p', { class: 'q' }, quoteOf(s)),
    ),
  );
};

const sourcesView = (sources: Source[]): HTMLElement | null =>
  sources.length
    ? h('details', { class: 'src' }, h('summary', null, sources.length === 1 ? '1 source' : `${sources.length} sources`), h('ol', null, ...sources.map(sourceItem)))
    : null;

/** An answer, redrawn from its saved state by `update` (on each streamed frame, and when it ends). */
export const answerView = (msg: SavedMessage, actions: AnswerActions) => {
  const body = h('div', { class: 'b' });
  const el = h('div', { class: 'm bot' });
  const thumbs: Array<[HTMLButtonElement, 'up' | 'down']> = [];
  // Only the pressed state changes: redrawing would drop the focus and close the sources.
  const pressed = () => thumbs.forEach(([button, rating]) => button.setAttribute('aria-pressed', String(msg.rating === rating)));
  const rateButton = (rating: 'up' | 'down', label: string) => {
    const button = h('button', { type: 'button', class: 'ib', title: label, 'aria-label': label, onclick: () => actions.rate(msg, rating, pressed) }, icon('up', rating === 'down' ? 'flip' : ''));
    thumbs.push([button, rating]);
    return button;
  };

  function update(): void {
    // Numbered as the answer first cites them, so the text's numbers and the list's agree while it streams and after.
    const numbered = numberSources(msg);
    body.replaceChildren(
      ...(msg.state === 'streaming' && !msg.text
        ? [h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i'))]
        : renderMarkdown(msg.text, numbered.shown)),
    );
    const ended = msg.state !== 'streaming';
    thumbs.length = 0;
    const rated = ended && msg.answered && !!msg.turnId;
    const offer = ended && msg.offerHandoff && actions.handoff;
    el.replaceChildren(...present([
      body,
      msg.state === 'stopped' && h('p', { class: 'note' }, 'Stopped.'),
      // The visitor can tell the documents' own words from a model's.
      ended && msg.answered && msg.quoted && h('p', { class: 'note quoted' }, 'Quoted word for word from this site’s documents.'),
      ended && sourcesView(numbered.sources),
      (rated || offer) && h('div', { class: 'acts' },
        rated && rateButton('up', 'Helpful'),
        rated && rateButton('down', 'Not helpful'),
        offer && h('button', { type: 'button', class: 'pill', onclick: actions.handoff }, icon('person'), 'Talk to a person'),
      ),
    ]));
    pressed();
  }
  update();
  return { el, update };
};

export const suggestionsView = (questions: readonly string[], pick: (q: string) => void): HTMLElement =>
  h('div', { class: 'chips', role: 'group', 'aria-label': 'Suggested questions' },
    ...questions.map((q) => h('button', { type: 'button', class: 'chip', onclick: () => pick(q) }, q)));

/** A failure in words, with "Try again" when trying again can help (held back for `waitSeconds` after a rate limit). */
export const errorView = (message: string, retry: (() => void) | null, waitSeconds = 0): HTMLElement => {
  const again = retry && h('button', { type: 'button', onclick: retry, disabled: waitSeconds > 0 }, 'Try again');
  if (again && waitSeconds > 0) setTimeout(() => (again.disabled = false), Math.min(waitSeconds, 120) * 1000);
  return h('div', { class: 'err', role: 'alert' }, h('span', null, message), again);
};
