/**
 * A bot's settings: how it answers, how it looks, its contact form, what it may
 * spend (and pausing it), how its documents are indexed, where it may appear;
 * and deleting it. Viewers see the settings read-only.
 */
import type { BedrockCatalogue, BedrockModelView } from '../../../lambdas/contracts/views.ts';
import { isKeyless, PROVIDER_NAMES, PROVIDERS } from '../../../lambdas/core/providers.ts';
import { api, messageOf } from '../api.ts';
import type { PageContext } from '../context.ts';
import { h, icon, mount, uid } from '../dom.ts';
import { websiteOrigin } from '../origins.ts';
import { DEFAULT_BOT_BUDGET, WIDGET_DEFAULT_COLOR, type Bot, type BotBudget, type EmbeddingChoice, type LeadField, type LeadForm, type ModelChoice, type Provider } from '../types.ts';
import { botNotificationsSection } from './notifications.ts';
import { busy, button, card, confirmAction, field, formatNumber, notify, plainError, roleNote, toggle, VIEWER_NOTE } from '../ui.ts';

const MODELS: Record<Exclude<Provider, 'bedrock'>, string> = { openai: 'gpt-4.1-mini', anthropic: 'claude-sonnet-4-5', 'openai-compatible': 'llama-3.1-8b-instruct' };
const MAX_LEAD_FIELDS = 8;
const DIMENSIONS = [256, 512, 1024, 1536] as const;
type Dimensions = (typeof DIMENSIONS)[number];

/** A deployment without Amazon Bedrock: nothing to choose from. */
const NO_BEDROCK: BedrockCatalogue = { chat: [], embedding: [] };

/** Where a Bedrock model runs, short enough for a list: `eu-west-1` or `EU (cross-region)`. */
const placeLabel = (m: BedrockModelView): string =>
  m.place.kind === 'region' ? m.place.region : `${m.place.prefix === 'global' ? 'worldwide' : m.place.name.replace(/^the /, '')} (cross-region)`;

/** The API's field names, as the page labels them (for its validation messages). */
const LABELS: Record<string, string> = {
  name: 'Name', instructions: 'Instructions', welcomeMessage: 'Welcome message', allowedOrigins: 'Your websites', model: 'Model',
  temperature: 'Creativity', suggestedQuestions: 'Suggested questions', theme: 'Chat window', 'theme.color': 'Colour',
  leadForm: 'Contact form', 'leadForm.fields': 'Contact form fields', embedding: 'How documents are indexed', documentComments: 'Reviewers’ comments', budget: 'Spending limits',
  'budget.dailyTokens': 'Tokens per day', 'budget.monthlyTokens': 'Tokens per month', 'budget.dailyCostMicros': 'Dollars per day', 'budget.monthlyCostMicros': 'Dollars per month',
};

const select = (name: string, options: Array<[string, string]>, value: string): HTMLSelectElement => {
  const el = h('select', { name }, ...options.map(([v, label]) => h('option', { value: v }, label)));
  el.value = value;
  return el;
};

const lines = (value: string): string[] => value.split('\n').map((l) => l.trim()).filter(Boolean);

/** A field's error line, tied to its control (aria-describedby, aria-invalid). */
const fieldError = (control: HTMLElement): { el: HTMLElement; set: (message: string) => void } => {
  const el = h('p', { class: 'form-error field-error', id: uid('err') });
  const described = control.getAttribute('aria-describedby');
  control.setAttribute('aria-describedby', [described, el.id].filter(Boolean).join(' '));
  return {
    el,
    set: (message: string) => {
      el.textContent = message;
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
};

/** A lead field's key, from its label: lower-case letters, digits and underscores, starting with a letter. */
const keyFor = (label: string, taken: Set<string>): string => {
  const base = (label.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '') || 'field').slice(0, 36);
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
  taken.add(key);
  return key;
};

/** The contact form: whether it is shown and when, and the fields asked after name and e-mail. */
const leadFormEditor = (saved: LeadForm | null | undefined) => {
  const on = toggle('Ask visitors for their contact details', !!saved, 'Leads appear under Conversations, with their answers. Visitors can always skip it.');
  const when = select('lead-when', [['during', 'After an answer, as an offer'], ['before', 'Before their first question']], saved?.when ?? 'during');
  const rows = h('ol', { class: 'lead-fields', 'aria-label': 'Extra fields' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const add = button('Add a field', () => addRow(), { kind: 'ghost', icon: 'plus' });
  const syncAdd = () => {
    add.disabled = rows.children.length >= MAX_LEAD_FIELDS;
    add.title = add.disabled ? `At most ${MAX_LEAD_FIELDS} extra fields.` : '';
    rows.querySelectorAll<HTMLElement>('.lead-field legend').forEach((l, i) => (l.textContent = `Field ${i + 1}`));
  };
  const addRow = (f?: LeadField) => {
    const label = h('input', { type: 'text', class: 'lead-label', maxlength: '80', value: f?.label ?? '', placeholder: 'Company' });
    label.addEventListener('input', () => label.removeAttribute('aria-invalid'));
    const type = select('lead-type', [['text', 'Text'], ['email', 'E-mail address'], ['tel', 'Phone number']], f?.type ?? 'text');
    type.classList.add('lead-type');
    const required = h('input', { type: 'checkbox', class: 'lead-required', id: uid('req') });
    required.checked = f?.required ?? false;
    const row = h('li', { class: 'lead-field', 'data-key': f?.name ?? '' },
      h('fieldset', null, h('legend', null, 'Field'),
        h('div', { class: 'lead-grid' },
          field('Label', label),
          field('Kind of answer', type),
          h('div', { class: 'check' }, required, h('label', { for: required.id }, 'Required')),
          button('Remove', () => {
            row.remove();
            syncAdd();
            add.focus();
          }, { kind: 'ghost', icon: 'trash', label: 'Remove this field' }))));
    rows.append(row);
    syncAdd();
    if (!f) label.focus();
  };
  for (const f of saved?.fields ?? []) addRow(f);
  syncAdd();
  const details = h('div', { class: 'stack lead-details' },
    field('When to ask', when, '“Before” asks before a visitor can type a question; “after an answer” offers it once the bot has helped.'),
    h('p', { class: 'hint' }, 'Name and e-mail address are always asked. Add up to eight more fields:'),
    rows, add, error);
  const sync = () => (details.hidden = !on.input.checked);
  on.input.addEventListener('change', sync);
  sync();
  /** The form as the API takes it, `null` for none, or a message saying what to fix. */
  const value = (): LeadForm | null | string => {
    error.textContent = '';
    if (!on.input.checked) return null;
    const taken = new Set<string>();
    const fields: LeadField[] = [];
    for (const row of rows.querySelectorAll<HTMLElement>('.lead-field')) {
      const label = row.querySelector<HTMLInputElement>('.lead-label')!;
      if (!label.value.trim()) {
        label.setAttribute('aria-invalid', 'true');
        return 'Every contact form field needs a label, or remove the empty one.';
      }
      label.removeAttribute('aria-invalid');
      const key = row.dataset.key && !taken.has(row.dataset.key) ? (taken.add(row.dataset.key), row.dataset.key) : keyFor(label.value, taken);
      fields.push({ name: key, label: label.value.trim(), type: row.querySelector<HTMLSelectElement>('.lead-type')!.value as LeadField['type'], required: row.querySelector<HTMLInputElement>('.lead-required')!.checked });
    }
    return { when: when.value as LeadForm['when'], fields };
  };
  return { el: h('div', { class: 'stack' }, on.el, details), value, error };
};

/** Spending limits in tokens and dollars, and the pause switch. */
const budgetEditor = (bot: Bot) => {
  const current = bot.budget ?? DEFAULT_BOT_BUDGET;
  const paused = toggle('Paused', !!bot.paused, 'A paused bot answers nothing until you turn this off. Visitors are told it is unavailable.');
  const tokens = (name: string, value: number) => h('input', { type: 'number', name, min: '0', step: '1000', inputmode: 'numeric', value: String(value) });
  const dollars = (name: string, micros: number) => h('input', { type: 'number', name, min: '0', step: '0.01', inputmode: 'decimal', value: String(micros / 1e6) });
  const inputs = {
    dailyTokens: tokens('daily-tokens', current.dailyTokens),
    monthlyTokens: tokens('monthly-tokens', current.monthlyTokens),
    dailyDollars: dollars('daily-dollars', current.dailyCostMicros),
    monthlyDollars: dollars('monthly-dollars', current.monthlyCostMicros),
  };
  const errors = {
    dailyTokens: fieldError(inputs.dailyTokens), monthlyTokens: fieldError(inputs.monthlyTokens),
    dailyDollars: fieldError(inputs.dailyDollars), monthlyDollars: fieldError(inputs.monthlyDollars),
  };
  // A corrected field loses its error as soon as it changes.
  for (const key of Object.keys(inputs) as Array<keyof typeof inputs>) inputs[key].addEventListener('input', () => errors[key].set(''));
  const withError = (label: string, key: keyof typeof inputs) => {
    const f = field(label, inputs[key]);
    f.append(errors[key].el);
    return f;
  };
  /** The budget as the API takes it, or the first input to fix (its error is shown). */
  const value = (): BotBudget | HTMLElement => {
    for (const e of Object.values(errors)) e.set('');
    const whole = (key: 'dailyTokens' | 'monthlyTokens', max: number): number | undefined => {
      const raw = inputs[key].value.trim();
      const n = Number(raw);
      if (!raw || !Number.isInteger(n) || n < 0) errors[key].set('Enter a whole number of tokens, 0 or more.');
      else if (n > max) errors[key].set(`At most ${formatNumber(max)} tokens.`);
      else return n;
      return undefined;
    };
    const money = (key: 'dailyDollars' | 'monthlyDollars', max: number): number | undefined => {
      const raw = inputs[key].value.trim();
      const n = Number(raw);
      if (!raw || !Number.isFinite(n) || n < 0) errors[key].set('Enter an amount in dollars, such as 5 or 12.50.');
      else if (Math.abs(n * 100 - Math.round(n * 100)) > 1e-6) errors[key].set('Use whole cents, such as 12.50.');
      else if (n > max) errors[key].set(`At most $${formatNumber(max)}.`);
      else return Math.round(n * 1e6);
      return undefined;
    };
    const dailyTokens = whole('dailyTokens', 1e9);
    const monthlyTokens = whole('monthlyTokens', 1e10);
    const dailyCostMicros = money('dailyDollars', 10_000);
    const monthlyCostMicros = money('monthlyDollars', 100_000);
    if (dailyTokens !== undefined && monthlyTokens !== undefined && dailyTokens > monthlyTokens) errors.dailyTokens.set('The daily limit cannot be more than the monthly one.');
    if (dailyCostMicros !== undefined && monthlyCostMicros !== undefined && dailyCostMicros > monthlyCostMicros) errors.dailyDollars.set('The daily limit cannot be more than the monthly one.');
    const bad = (Object.keys(errors) as Array<keyof typeof errors>).find((k) => errors[k].el.textContent);
    if (bad) return inputs[bad];
    return { dailyTokens: dailyTokens!, monthlyTokens: monthlyTokens!, dailyCostMicros: dailyCostMicros!, monthlyCostMicros: monthlyCostMicros! };
  };
  const el = h('div', { class: 'stack' },
    paused.el,
    h('p', { class: 'hint' }, 'Limits count answers written by an AI provider, in tokens (pieces of words) and in dollars at the provider’s list prices. When one is reached, the bot stops answering until the next day or month, and visitors are asked to try again later. Quoting your documents without a provider costs nothing and is not limited.'),
    h('div', { class: 'grid2' }, withError('Tokens per day', 'dailyTokens'), withError('Tokens per month', 'monthlyTokens'), withError('Dollars per day', 'dailyDollars'), withError('Dollars per month', 'monthlyDollars')),
    bot.budget ? null : h('p', { class: 'hint' }, 'These are Parley’s defaults; change them to set this bot’s own.'));
  return { el, value, paused: paused.input, unchanged: (b: BotBudget) => JSON.stringify(b) === JSON.stringify(current) };
};

/** The Bedrock embedding model a setting names; Titan Text Embeddings V2 when it names none. */
const TITAN = 'amazon.titan-embed-text-v2:0';
const bedrockModelOf = (c: EmbeddingChoice): string => (c.provider === 'bedrock' && c.model) || TITAN;

const sameChoice = (a: EmbeddingChoice | undefined, b: EmbeddingChoice | undefined): boolean => {
  const x = a ?? { provider: 'local' };
  const y = b ?? { provider: 'local' };
  if (x.provider !== y.provider) return false;
  if (x.provider === 'local' || y.provider === 'local') return true;
  return x.dimensions === y.dimensions && bedrockModelOf(x) === bedrockModelOf(y);
};

/**
 * Local, OpenAI or (where the operator approved it) Amazon Bedrock embeddings, with a warning in plain
 * words before anything changes. Bedrock is offered to every bot once the operator enables it, with a
 * choice of model where the operator approved several (Titan Text Embeddings V2, Cohere Embed v3).
 */
const embeddingEditor = (saved: EmbeddingChoice | undefined, approved: readonly BedrockModelView[]) => {
  const name = uid('emb');
  const radio = (value: string, title: string, text: string) => {
    const input = h('input', { type: 'radio', name, value, id: uid('r') });
    input.checked = (saved?.provider ?? 'local') === value;
    return { input, el: h('div', { class: 'choice' }, input, h('label', { for: input.id }, h('strong', null, title), h('span', { class: 'hint' }, text))) };
  };
  const local = radio('local', 'On Parley', 'Nothing leaves Parley to index your documents or visitors’ questions. Works well for most businesses.');
  const openai = radio('openai', 'With OpenAI', 'Matches questions worded differently from your documents a little better. Uses an OpenAI key.');
  const savedModel = saved?.provider === 'bedrock' ? bedrockModelOf(saved) : undefined;
  // The approved models an owner may choose, and the bot's own even if no longer offered, so saving other settings keeps it.
  const models = approved.filter((m) => m.allowed || m.id === savedModel);
  const first = models[0];
  const bedrock = first || savedModel
    ? radio('bedrock', 'With Amazon Bedrock', `Inside this deployment’s own AWS account${first ? `, ${first.where.replace(/,.*$/, '')}` : ''}; no key is used. Matches questions worded differently from your documents.`)
    : undefined;
  const model = select('embedding-model', models.map((m): [string, string] => [m.id, m.allowed ? m.name : `${m.name} (no longer offered)`]), savedModel ?? first?.id ?? TITAN);
  const modelField = field('Embedding model', model, 'The models this deployment’s operator approved on Amazon Bedrock. A multilingual one suits documents in several languages.');
  const sizesOf = (id: string) => (models.find((m) => m.id === id)?.dimensions ?? [256, 512, 1024]) as readonly Dimensions[];
  const dims = select('dimensions', [], '');
  /** The sizes the chosen provider and model make, keeping the one shown when it still fits. */
  const offerSizes = () => {
    const sizes = bedrock?.input.checked ? sizesOf(model.value) : DIMENSIONS;
    const keep = Number(dims.value || (saved && saved.provider !== 'local' ? saved.dimensions : 0));
    dims.replaceChildren(...sizes.map((d) => h('option', { value: String(d) }, sizes.length === 1 ? String(d) : d === 256 ? '256 (smallest, fastest)' : d === sizes.at(-1) ? `${d} (most detailed)` : String(d))));
    dims.value = String(sizes.includes(keep as Dimensions) ? keep : bedrock?.input.checked ? sizes.at(-1)! : 512);
  };
  offerSizes();
  const dimsField = field('Detail', dims, 'More detail means slightly better matching of questions to your documents, and more storage for the index.');
  const warning = h('div', { class: 'warning', role: 'note' });
  const value = (): EmbeddingChoice => {
    if (openai.input.checked) return { provider: 'openai', dimensions: DIMENSIONS.find((d) => String(d) === dims.value) ?? 512 };
    if (!bedrock?.input.checked) return { provider: 'local' };
    const sizes = sizesOf(model.value);
    // Titan is recorded without its name, as bots set before Cohere was offered are.
    return { provider: 'bedrock', dimensions: sizes.find((d) => String(d) === dims.value) ?? sizes.at(-1)!, ...(model.value === TITAN ? {} : { model: model.value }) };
  };
  const words = (choice: EmbeddingChoice): string[] => [
    'Changing this re-indexes every document of this bot. It takes a few minutes; the bot keeps answering meanwhile.',
    choice.provider === 'openai' || choice.provider === 'bedrock'
      ? `From then on, the text of all of this bot’s documents, and each visitor question, is sent to ${choice.provider === 'openai' ? 'OpenAI' : 'Amazon Bedrock'} to be indexed.`
      : 'From then on, nothing is sent out to index documents or questions.',
  ];
  const sync = () => {
    dimsField.hidden = !openai.input.checked && !bedrock?.input.checked;
    // A list of one is no choice.
    modelField.hidden = !bedrock?.input.checked || models.length < 2;
    const choice = value();
    const changed = !sameChoice(choice, saved);
    warning.hidden = !changed;
    warning.replaceChildren(icon('warn'), h('div', null, ...words(choice).map((w) => h('p', null, w))));
  };
  for (const control of [local.input, openai.input, model, ...(bedrock ? [bedrock.input] : [])]) {
    control.addEventListener('change', () => {
      offerSizes();
      sync();
    });
  }
  dims.addEventListener('change', sync);
  sync();
  const el = h('fieldset', { class: 'stack choices' },
    h('legend', null, 'Where your documents are indexed'),
    local.el, openai.el, ...(bedrock ? [bedrock.el] : []), modelField, dimsField, warning);
  return { el, value, changed: () => !sameChoice(value(), saved), words };
};

/**
 * The settings page. `bedrock`: the models this deployment's operator approved on Amazon Bedrock;
 * Bedrock is offered only where it lists some an owner may choose.
 */
export const renderSettings = (body: HTMLElement, ctx: PageContext, bot: Bot, bedrock: BedrockCatalogue = NO_BEDROCK): void => {
  const canEdit = ctx.can('admin');
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: '80', value: bot.name });
  const instructions = h('textarea', { name: 'instructions', rows: '4', maxlength: '4000' });
  instructions.value = bot.instructions;
  const savedModel = bot.model && 'model' in bot.model ? bot.model.model : '';
  const savedBedrock = bot.model?.provider === 'bedrock' ? savedModel : undefined;
  const bedrockModels = bedrock.chat.filter((m) => m.allowed || m.id === savedBedrock);
  const provider = select('provider', [
    ['local', 'No AI provider: quote my documents'],
    ...PROVIDERS.filter((p) => !isKeyless(p) || bedrockModels.length > 0 || savedBedrock !== undefined).map((p): [string, string] => [p, PROVIDER_NAMES[p]]),
  ], bot.model?.provider ?? 'local');
  const model = h('input', { type: 'text', name: 'model', maxlength: '100', value: savedBedrock === undefined ? savedModel : '' });
  const modelField = field('Model', model, 'The model name as your provider spells it.');
  // On Bedrock the owner chooses among the operator's approved models: a list, not a name to type.
  const bedrockModel = select('bedrock-model', [
    ...bedrockModels.map((m): [string, string] => [m.id, `${m.name} · ${placeLabel(m)}${m.allowed ? '' : ' (no longer offered)'}`]),
    ...(savedBedrock !== undefined && !bedrockModels.some((m) => m.id === savedBedrock) ? [[savedBedrock, `${savedBedrock} (not offered here)`] as [string, string]] : []),
  ], savedBedrock ?? bedrockModels.find((m) => m.allowed)?.id ?? '');
  const bedrockWhere = h('p', { class: 'hint', 'aria-live': 'polite' });
  const bedrockField = field('Model on Amazon Bedrock', bedrockModel, 'The models this deployment’s operator approved. They run inside its own AWS account; no key is used.');
  bedrockField.append(bedrockWhere);
  bedrockWhere.id = uid('where');
  bedrockModel.setAttribute('aria-describedby', `${bedrockModel.getAttribute('aria-describedby') ?? ''} ${bedrockWhere.id}`.trim());
  const syncWhere = () => {
    const chosen = bedrock.chat.find((m) => m.id === bedrockModel.value);
    bedrockWhere.textContent = chosen ? `Requests are processed ${chosen.where}.${chosen.allowed ? '' : ` ${chosen.reason ?? ''}`}` : 'This model is not on the operator’s list: choose another.';
  };
  bedrockModel.addEventListener('change', syncWhere);
  syncWhere();
  const temperature = h('input', { type: 'range', name: 'temperature', min: '0', max: '1', step: '0.1', value: String(bot.temperature ?? 0.2) });
  const tempOut = h('output', { for: temperature.id || (temperature.id = uid('t')) }, temperature.value);
  temperature.addEventListener('input', () => (tempOut.textContent = temperature.value));
  const syncModel = () => {
    const local = provider.value === 'local';
    const onBedrock = isKeyless(provider.value as Provider);
    modelField.hidden = local || onBedrock;
    bedrockField.hidden = !onBedrock;
    temperatureField.hidden = local;
    if (!local && !onBedrock && !model.value) model.value = MODELS[provider.value as Exclude<Provider, 'bedrock'>];
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
  const originsError = fieldError(origins);
  origins.addEventListener('input', () => originsError.set(''));
  const handoff = toggle('Offer “talk to a person”', bot.handoff !== false, 'Visitors can leave a message and their e-mail or phone number for you.');
  const lead = leadFormEditor(bot.leadForm);
  const budget = budgetEditor(bot);
  const embedding = embeddingEditor(bot.embedding, bedrock.embedding);
  const comments = toggle('Read reviewers’ comments in Word documents', bot.documentComments === true, 'Off unless you turn it on: comments are often notes between colleagues. When on, answers may quote them. Changing this reads your Word documents again.', 'document-comments');

  const error = h('p', { class: 'form-error', role: 'alert' });
  const save = button('Save changes', () => undefined, { kind: 'primary', type: 'submit' });
  const cards = [
    card('Answers',
      field('Name', name, 'Shown at the top of the chat.'),
      field('Instructions', instructions, 'Tone and scope, in your own words: “Be friendly and brief. Only talk about our shop.”'),
      field('Who writes the answers', provider, 'Without a provider, your bot quotes the best passages of your documents. Keys are set under Keys & privacy.'),
      modelField,
      bedrockField,
      temperatureField,
      handoff.el),
    card('Chat window',
      field('Welcome message', welcome),
      field('Suggested questions', suggested, 'One per line, up to six. Visitors can tap them to start.'),
      h('div', { class: 'grid3' }, field('Colour', color), field('Position', position), field('Appearance', mode))),
    card('Contact form', lead.el),
    card('Spending limits', budget.el),
    card('How documents are indexed', embedding.el, comments.el),
    card('Where it may appear',
      field('Your websites', origins, 'One address per line, such as https://www.example.com (no path). Other sites cannot use your bot.'), originsError.el),
  ];
  const form = h('form', { class: 'settings', novalidate: true, 'aria-label': `Settings of ${bot.name}` },
    canEdit ? null : roleNote(VIEWER_NOTE),
    // A viewer sees every setting, read-only: a disabled fieldset disables all of it.
    canEdit ? h('div', { class: 'stack' }, ...cards) : h('fieldset', { class: 'read-only', disabled: true }, h('legend', { class: 'sr-only' }, 'Settings, read-only'), ...cards),
    canEdit ? h('div', { class: 'sticky-actions' }, error, save) : null);
  syncModel();

  // What went wrong last time stays until something changes.
  form.addEventListener('input', () => (error.textContent = ''));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!canEdit) return;
    error.textContent = '';
    const stop = (message: string, focus?: HTMLElement) => {
      error.textContent = message;
      focus?.focus();
    };
    if (!name.value.trim()) return stop('Your bot needs a name.', name);
    const questions = lines(suggested.value);
    if (questions.length > 6) return stop('Up to six suggested questions, please.', suggested);
    if (questions.some((q) => q.length > 200)) return stop('Each suggested question can be at most 200 characters.', suggested);
    const onBedrock = isKeyless(provider.value as Provider);
    if (onBedrock && !bedrockModel.value) return stop('Choose one of the models on Amazon Bedrock.', bedrockModel);
    if (provider.value !== 'local' && !onBedrock && !/^[A-Za-z0-9._:/-]{1,100}$/.test(model.value.trim())) return stop('Enter the model’s name as your provider spells it, such as gpt-4.1-mini.', model);
    const leadForm = lead.value();
    if (typeof leadForm === 'string') return stop(leadForm, lead.el.querySelector<HTMLElement>('[aria-invalid=true]') ?? undefined);
    const sites = lines(origins.value).map(websiteOrigin);
    const badSite = sites.find((site) => 'problem' in site);
    if (badSite && 'problem' in badSite) {
      originsError.set(badSite.problem);
      origins.focus();
      return;
    }
    const limits = budget.value();
    if (limits instanceof HTMLElement) return stop('Check the spending limits: ' + (limits.closest('.field')?.querySelector('.field-error')?.textContent ?? ''), limits);
    const choice: ModelChoice = provider.value === 'local' ? { provider: 'local' } : { provider: provider.value as Provider, model: onBedrock ? bedrockModel.value : model.value.trim() };
    const leadChanged = JSON.stringify(leadForm) !== JSON.stringify(bot.leadForm ?? null);
    const patch = {
      name: name.value.trim(),
      instructions: instructions.value,
      model: choice,
      ...(provider.value !== 'local' ? { temperature: Number(temperature.value) } : {}),
      welcomeMessage: welcome.value,
      suggestedQuestions: questions,
      theme: { ...(bot.theme ?? {}), color: color.value, position: position.value as 'left' | 'right', mode: mode.value as 'light' | 'dark' | 'auto' },
      allowedOrigins: [...new Set(sites.flatMap((site) => ('origin' in site ? [site.origin] : [])))],
      paused: budget.paused.checked,
      handoff: handoff.input.checked,
      ...(leadChanged ? { leadForm } : {}),
      ...(budget.unchanged(limits) ? {} : { budget: limits }),
      ...(embedding.changed() ? { embedding: embedding.value() } : {}),
      ...(comments.input.checked !== (bot.documentComments === true) ? { documentComments: comments.input.checked } : {}),
    };
    void (async () => {
      if (embedding.changed() && !(await confirmAction('Re-index every document?', embedding.words(embedding.value()).join(' '), 'Save and re-index'))) return;
      await busy(save, async () => {
        try {
          const res = await api('PATCH', '/v1/bots/{botId}', { params: { botId: bot.botId }, body: patch });
          Object.assign(bot, res.bot);
          // A form switched off comes back absent: forget the one shown before.
          if (res.bot.leadForm === undefined) delete (bot as { leadForm?: unknown }).leadForm;
          notify(patch.embedding ? 'Saved. Your documents are being re-indexed.' : patch.documentComments !== undefined ? 'Saved. Your Word documents are being read again.' : 'Saved.');
          // Start again from what was saved (warnings, defaults, field keys).
          renderSettings(body, ctx, bot, bedrock);
          body.querySelector<HTMLButtonElement>('button[type=submit]')?.focus();
        } catch (err) {
          // A site the API refuses is reported at its field, like the page's own checks.
          if (/website origin/.test(messageOf(err))) {
            originsError.set(messageOf(err));
            origins.focus();
          } else error.textContent = plainError(err, LABELS);
        }
      });
    })();
  });

  const remove = button('Delete this bot', () => void (async () => {
    if (!(await confirmAction(`Delete “${bot.name}”?`, 'The bot stops answering on your website at once, and its training data and conversations are erased. This cannot be undone.', 'Delete bot'))) return;
    await busy(remove, async () => {
      await api('DELETE', '/v1/bots/{botId}', { params: { botId: bot.botId } });
      notify(`${bot.name} was deleted.`);
      ctx.navigate('#/');
    });
  })(), { kind: 'danger', icon: 'trash' });

  mount(body, form, canEdit ? botNotificationsSection(bot.botId) : null, canEdit ? h('section', { class: 'card danger-zone' }, h('h2', null, 'Delete this bot'), h('p', null, 'Erases its training data and conversations for good.'), remove) : null);
};
