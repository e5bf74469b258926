/**
 * The conversation: asking, streaming the answer into the log frame by frame,
 * stopping, errors in kind words, feedback, the lead form and "talk to a
 * person", and keeping it all in session storage across page navigations.
 */
import { ApiError, type Client, type WidgetConfig } from './api.ts';
import { h } from './dom.ts';
import { formView, type FieldSpec } from './forms.ts';
import { speakable } from './markdown.ts';
import { answerView, errorView, questionView, suggestionsView } from './messages.ts';
import type { Store } from './storage.ts';
import type { SavedChat, SavedMessage } from './types.ts';
import type { Shell } from './ui.ts';

/** Answer text kept beyond this is dropped: the server caps output far below it. */
const MAX_ANSWER_CHARS = 30_000;
const INTERRUPTED = 'The answer was interrupted. Please try again.';

export interface Visitor {
  name?: string | undefined;
}

export const createChat = (shell: Shell, client: Client, config: WidgetConfig, store: Store, saved: SavedChat, visitor: Visitor) => {
  let running: AbortController | null = null;
  let suggestions: HTMLElement | null = null;
  let problem: HTMLElement | null = null;
  let card: HTMLElement | null = null;
  const persist = () => store.save(saved);
  const add = <T extends HTMLElement>(el: T): T => {
    shell.log.append(el);
    return el;
  };
  const announce = (text: string) => shell.live.replaceChildren(h('p', null, text));
  const needsLead = () => config.available && config.leadForm?.when === 'before' && saved.lead !== 'sent';

  const note = (text: string) => {
    const msg: SavedMessage = { role: 'bot', text, state: 'done' };
    saved.messages.push(msg);
    persist();
    add(answer(msg).el);
    announce(text);
  };

  const rate = (msg: SavedMessage, rating: 'up' | 'down', done: () => void) => {
    const conversationId = saved.conversationId;
    if (!conversationId || !msg.turnId) return;
    const before = msg.rating;
    msg.rating = rating;
    done();
    client.send('/feedback', { conversationId, turnId: msg.turnId, rating }).then(
      () => announce('Thanks for your feedback.'),
      (err: unknown) => {
        msg.rating = before;
        done();
        announce(err instanceof Error ? err.message : INTERRUPTED);
      },
    ).finally(persist);
  };

  const answer = (msg: SavedMessage) => answerView(msg, { rate, handoff: config.handoff ? () => showHandoff() : null });

  /** Shows a form in the log, its top in view (a tall form would scroll its title away); `focus` moves there. */
  const showCard = (make: () => HTMLElement, focus = true) => {
    card?.remove();
    card = add(make());
    shell.log.scrollTop = card.offsetTop - 12;
    if (focus) card.querySelector<HTMLElement>('input,textarea')?.focus({ preventScroll: true });
  };
  const offerSuggestions = () => {
    if (config.available && config.suggestedQuestions.length && !needsLead() && !saved.messages.some((m) => m.role === 'user')) {
      suggestions = add(suggestionsView(config.suggestedQuestions, (q) => void ask(q)));
    }
  };
  const closeCard = () => {
    card?.remove();
    card = null;
    shell.focusStart();
  };

  const field = (name: string, label: string, type: FieldSpec['type'], required: boolean, autocomplete?: string, value?: string): FieldSpec =>
    ({ name, label, type, required, ...(autocomplete ? { autocomplete } : {}), value });

  function showHandoff() {
    showCard(() => formView({
      title: 'Talk to a person',
      intro: 'Leave a message and a way to reach you, and someone will get back to you.',
      fields: [
        field('name', 'Name', 'text', false, 'name', visitor.name),
        {
          legend: 'How to reach you: an e-mail address, a phone number or both',
          fields: [field('email', 'E-mail', 'email', false, 'email'), field('phone', 'Phone', 'tel', false, 'tel')],
          missing: 'Please leave an e-mail address or a phone number.',
        },
        field('message', 'Message', 'textarea', true),
      ],
      submit: 'Send',
      onCancel: closeCard,
      onSubmit: async ({ name, email, phone, message }) => {
        await client.send('/handoff', {
          // The form asks for these; the server refuses an empty one in its own words.
          message: message ?? '', ...(name ? { name } : {}), ...(email ? { email } : {}), ...(phone ? { phone } : {}),
          ...(saved.conversationId ? { conversationId: saved.conversationId } : {}),
        });
        closeCard();
        note('Thanks! Your message is on its way, and someone will get back to you soon.');
      },
    }));
  }

  const showLead = (focus = true) => {
    const form = config.leadForm;
    if (!form) return;
    const before = form.when === 'before';
    showCard(() => formView({
      title: before ? 'Before we start' : 'Stay in touch?',
      intro: before ? 'Tell us a little about you, then ask away.' : 'Leave your details and we will follow up.',
      fields: [
        field('name', 'Name', 'text', true, 'name', visitor.name),
        field('email', 'E-mail', 'email', true, 'email'),
        ...form.fields.map((f) => field(`x.${f.name}`, f.label, f.type, f.required)),
      ],
      submit: before ? 'Start chatting' : 'Send',
      onCancel: before ? undefined : closeCard,
      onSubmit: async (values) => {
        const fields: Record<string, string> = {};
        for (const f of form.fields) if (values[`x.${f.name}`]) fields[f.name] = values[`x.${f.name}`]!;
        await client.send('/lead', {
          name: values.name ?? '', email: values.email ?? '',
          ...(form.fields.length ? { fields } : {}),
          ...(saved.conversationId ? { conversationId: saved.conversationId } : {}),
        });
        saved.lead = 'sent';
        shell.setInputEnabled(true);
        closeCard();
        note(before ? `Thanks, ${values.name}! What would you like to know?` : 'Thanks! We will be in touch.');
        offerSuggestions();
      },
    }), focus);
  };

  /** Streams one answer into `msg`; a conversation that is no longer ours (an expired visitor) starts afresh once. */
  const stream = async (msg: SavedMessage, question: string, signal: AbortSignal, changed: () => void): Promise<string | null> => {
    const conversationId = saved.conversationId;
    let streamError: string | null = null;
    let finished = false;
    try {
      await client.ask({ question, ...(conversationId ? { conversationId } : {}) }, signal, (event) => {
        if (event.type === 'sources') {
          saved.conversationId = event.conversationId;
          msg.turnId = event.turnId;
          msg.sources = Array.isArray(event.sources) ? event.sources : [];
        } else if (event.type === 'delta') {
          if (msg.text.length < MAX_ANSWER_CHARS) msg.text += String(event.text);
          changed();
        } else if (event.type === 'error') {
          streamError = String(event.message);
        } else if (event.type === 'done') {
          finished = true;
          msg.answered = !!event.answered;
          msg.offerHandoff = !!event.offerHandoff;
          msg.quoted = event.quoted === true;
        }
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && conversationId) {
        delete saved.conversationId;
        return stream(msg, question, signal, changed);
      }
      throw err;
    }
    return streamError ?? (finished ? null : INTERRUPTED);
  };

  const ask = async (question: string, again = false): Promise<void> => {
    if (running || !config.available || needsLead()) return;
    // A suggestion or "Try again" that had focus is about to go: the question box takes it.
    if (suggestions?.matches(':focus-within') || problem?.matches(':focus-within')) shell.input.focus();
    suggestions?.remove();
    problem?.remove();
    suggestions = problem = null;
    if (!again) {
      saved.messages.push({ role: 'user', text: question });
      add(questionView(question));
      shell.input.value = '';
    }
    const msg: SavedMessage = { role: 'bot', text: '', state: 'streaming' };
    saved.messages.push(msg);
    const view = answer(msg);
    add(view.el);
    shell.follow(true);
    shell.live.replaceChildren();
    const controller = (running = new AbortController());
    shell.setBusy(true);

    // Screen readers hear the answer a sentence at a time, not a word at a time.
    let spoken = 0;
    const speak = (final: boolean) => {
      const rest = msg.text.slice(spoken);
      const end = final ? rest.length : (/^[\s\S]*[.!?:\n](?=\s)/.exec(rest)?.[0].length ?? 0);
      const words = speakable(rest.slice(0, end));
      spoken += end;
      if (words) shell.live.append(h('p', null, words));
    };
    let frame = 0;
    const paint = () => {
      frame = 0;
      view.update();
      shell.follow();
      speak(false);
    };

    let failure: string | null = null;
    let canRetry = true;
    let wait = 0;
    try {
      failure = await stream(msg, question, controller.signal, () => {
        frame ||= requestAnimationFrame(paint);
      });
      msg.state = 'done';
    } catch (err) {
      if (controller.signal.aborted) msg.state = 'stopped';
      else {
        failure = err instanceof ApiError ? err.message : INTERRUPTED;
        canRetry = !(err instanceof ApiError) || err.status === 0 || err.status === 429 || err.status >= 500;
        wait = err instanceof ApiError ? err.retryAfter : 0;
        msg.state = msg.text ? 'stopped' : 'failed';
      }
    } finally {
      cancelAnimationFrame(frame);
      if (running === controller) running = null;
      shell.setBusy(false);
    }
    // Cleared while it streamed: this answer is gone.
    if (!saved.messages.includes(msg)) return;
    if (!msg.text && (failure || msg.state !== 'done')) {
      // Nothing was said: the question stays, the empty answer goes.
      view.el.remove();
      saved.messages = saved.messages.filter((m) => m !== msg);
    } else {
      view.update();
      speak(true);
    }
    if (failure) {
      problem = add(errorView(failure, canRetry ? () => void ask(question, true) : null, wait));
      announce(failure);
    }
    if (msg.answered && config.leadForm?.when === 'during' && !saved.lead) {
      // Offered, not pressed on: the visitor may be typing the next question, so focus stays put.
      saved.lead = 'offered';
      showLead(false);
      shell.live.append(h('p', null, 'A short form to stay in touch follows the answer.'));
    }
    shell.follow();
    persist();
  };

  /** Draws the whole conversation from its saved state. */
  const render = () => {
    shell.log.replaceChildren();
    add(answerView({ role: 'bot', text: config.welcomeMessage, state: 'done' }, { rate, handoff: null }).el);
    for (const msg of saved.messages) {
      // An answer cut off by a navigation mid-stream is shown as stopped.
      if (msg.state === 'streaming') msg.state = 'stopped';
      add(msg.role === 'user' ? questionView(msg.text) : answer(msg).el);
    }
    offerSuggestions();
    shell.setInputEnabled(!needsLead());
    // Not focused here: the panel may be closed, or inline on a page that has not asked for focus.
    if (needsLead()) showLead(false);
    else shell.follow(true);
  };

  const stop = () => running?.abort();
  window.addEventListener('pagehide', persist);
  render();

  return {
    ask: (question: string) => void ask(question),
    stop,
    showHandoff,
    /** Forgets the conversation here (the owner keeps their copy as their retention allows). */
    clear() {
      stop();
      running = null;
      saved.messages = [];
      delete saved.conversationId;
      persist();
      render();
      announce('Started a new conversation.');
      shell.focusStart();
    },
    /** Fills in the name on a form already showing (forms shown later take it from `visitor`). */
    identify() {
      const field = card?.querySelector<HTMLInputElement>('input[name=name]');
      if (field && !field.value && visitor.name) field.value = visitor.name;
    },
    destroy() {
      stop();
      window.removeEventListener('pagehide', persist);
    },
  };
};
