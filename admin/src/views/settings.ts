/** A bot's settings: how it answers, how it looks, where it may appear; and deleting it. */
import { messageOf, request } from '../api.ts';
import type { PageContext } from '../context.ts';
import { h, uid } from '../dom.ts';
import { WIDGET_DEFAULT_COLOR, type Bot, type ModelChoice, type Provider } from '../types.ts';
import { busy, button, card, confirmAction, field, notify, toggle } from '../ui.ts';

const MODELS: Record<Provider, string> = { openai: 'gpt-4.1-mini', anthropic: 'claude-sonnet-4-5', 'openai-compatible': 'llama-3.1-8b-instruct' };

const select = (name: string, options: Array<[string, string]>, value: string): HTMLSelectElement => {
  const el = h('select', { name }, ...options.map(([v, label]) => h('option', { value: v }, label)));
  el.value = value;
  return el;
};

const lines = (value: string): string[] => value.split('\n').map((l) => l.trim()).filter(Boolean);

export const renderSettings = (body: HTMLElement, ctx: PageContext, bot: Bot): void => {
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: '80', value: bot.name });
  const instructions = h('textarea', { name: 'instructions', rows: '4', maxlength: '4000' });
  instructions.value = bot.instructions;
  const provider = select('provider', [
    ['local', 'No AI provider: quote my documents'],
    ['openai', 'OpenAI'],
    ['anthropic', 'Anthropic'],
    ['openai-compatible', 'OpenAI-compatible endpoint'],
  ], bot.model?.provider ?? 'local');
  const model = h('input', { type: 'text', name: 'model', maxlength: '100', value: bot.model && 'model' in bot.model ? bot.model.model : '' });
  const modelField = field('Model', model, 'The model name as your provider spells it.');
  const temperature = h('input', { type: 'range', name: 'temperature', min: '0', max: '1', step: '0.1', value: String(bot.temperature ?? 0.2) });
  const tempOut = h('output', { for: temperature.id || (temperature.id = uid('t')) }, temperature.value);
  temperature.addEventListener('input', () => (tempOut.textContent = temperature.value));
  const syncModel = () => {
    const local = provider.value === 'local';
    modelField.hidden = local;
    temperatureField.hidden = local;
    if (!local && !model.value) model.value = MODELS[provider.value as Provider];
  };
  provider.addEventListener('change', syncModel);
  const temperatureField = h('div', { class: 'field' },
    h('label', { for: temperature.id }, 'Creativity ', tempOut),
    temperature,
    h('p', { class: 'hint' }, '0 sticks closely to your documents; 1 words answers more freely.'));

  const welcome = h('textarea', { name: 'welcome', rows: '2', maxlength: '500' });
  welcome.value = bot.welcomeMessage;
  const suggested = h('textarea', { name: 'suggested', rows: '3' });
  suggested.value = (bot.suggestedQuestions ?? []).join('\n');
  const color = h('input', { type: 'color', name: 'color', value: bot.theme?.color ?? WIDGET_DEFAULT_COLOR });
  const position = select('position', [['right', 'Bottom right'], ['left', 'Bottom left']], bot.theme?.position ?? 'right');
  const mode = select('mode', [['light', 'Light'], ['dark', 'Dark'], ['auto', 'Follow the visitor’s device']], bot.theme?.mode ?? 'light');
  const origins = h('textarea', { name: 'origins', rows: '3', placeholder: 'https://www.example.com' });
  origins.value = bot.allowedOrigins.join('\n');
  const paused = toggle('Paused', !!bot.paused, 'A paused bot answers nothing until you turn this off.');
  const handoff = toggle('Offer “talk to a person”', bot.handoff !== false, 'Visitors can leave a message and their e-mail or phone number for you.');

  const error = h('p', { class: 'form-error', role: 'alert' });
  const save = button('Save changes', () => undefined, { kind: 'primary', type: 'submit' });
  const form = h('form', { class: 'settings', novalidate: true },
    card('Answers',
      field('Name', name, 'Shown at the top of the chat.'),
      field('Instructions', instructions, 'Tone and scope, in your own words: “Be friendly and brief. Only talk about our shop.”'),
      field('Who writes the answers', provider, 'Without a provider, your bot quotes the best passages of your documents. Keys are set under Keys & privacy.'),
      modelField,
      temperatureField,
      paused.el,
      handoff.el),
    card('Chat window',
      field('Welcome message', welcome),
      field('Suggested questions', suggested, 'One per line, up to six. Visitors can tap them to start.'),
      h('div', { class: 'grid3' }, field('Colour', color), field('Position', position), field('Appearance', mode))),
    card('Where it may appear',
      field('Your websites', origins, 'One address per line, such as https://www.example.com (no path). Other sites cannot use your bot.')),
    h('div', { class: 'sticky-actions' }, error, save));
  syncModel();

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!name.value.trim()) {
      error.textContent = 'Your bot needs a name.';
      name.focus();
      return;
    }
    const questions = lines(suggested.value);
    if (questions.length > 6) {
      error.textContent = 'Up to six suggested questions, please.';
      suggested.focus();
      return;
    }
    const choice: ModelChoice = provider.value === 'local' ? { provider: 'local' } : { provider: provider.value as Provider, model: model.value.trim() };
    const patch = {
      name: name.value.trim(),
      instructions: instructions.value,
      model: choice,
      ...(provider.value !== 'local' ? { temperature: Number(temperature.value) } : {}),
      welcomeMessage: welcome.value,
      suggestedQuestions: questions,
      theme: { ...(bot.theme ?? {}), color: color.value, position: position.value as 'left' | 'right', mode: mode.value as 'light' | 'dark' | 'auto' },
      allowedOrigins: lines(origins.value).map((o) => o.replace(/\/$/, '')),
      paused: paused.input.checked,
      handoff: handoff.input.checked,
    };
    void busy(save, async () => {
      try {
        const res = await request<{ bot: Bot }>('PATCH', `/v1/bots/${bot.botId}`, patch);
        Object.assign(bot, res.bot);
        notify('Saved.');
      } catch (err) {
        error.textContent = messageOf(err);
      }
    });
  });

  const remove = button('Delete this bot', () => void (async () => {
    if (!(await confirmAction(`Delete “${bot.name}”?`, 'The bot stops answering on your website at once, and its training data and conversations are erased. This cannot be undone.', 'Delete bot'))) return;
    await busy(remove, async () => {
      await request('DELETE', `/v1/bots/${bot.botId}`);
      notify(`${bot.name} was deleted.`);
      ctx.navigate('#/');
    });
  })(), { kind: 'danger', icon: 'trash' });

  body.replaceChildren(form, h('section', { class: 'card danger-zone' }, h('h2', null, 'Delete this bot'), h('p', null, 'Erases its training data and conversations for good.'), remove));
};
