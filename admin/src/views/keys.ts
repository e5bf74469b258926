/** Provider keys (paste, test, replace, delete), the BYOK-only and masking switches, and where each bot's data goes. */
import { OWNER_KEY_PROVIDERS as PROVIDER_IDS, PROVIDER_NAMES, takesOwnerEndpoint } from '../../../lambdas/core/providers.ts';
import { api, messageOf } from '../api.ts';
import type { PageContext } from '../context.ts';
import { h, mount } from '../dom.ts';
import type { Account, KeyClass, Provider, ProviderKey } from '../types.ts';
import { badge, busy, button, card, confirmAction, field, formatDate, loadInto, notify, pageHeader, roleNote, toggle, VIEWER_NOTE } from '../ui.ts';

// Amazon Bedrock is not here: the deployment calls it with its own AWS role, so there is no key to paste.
const WHERE_TO_GET: Record<(typeof PROVIDER_IDS)[number], { hint: string; placeholder: string }> = {
  openai: { hint: 'Create one at platform.openai.com → API keys.', placeholder: 'sk-…' },
  anthropic: { hint: 'Create one at console.anthropic.com → API keys.', placeholder: 'sk-ant-…' },
  'openai-compatible': { hint: 'A self-hosted or regional endpoint that speaks OpenAI’s API.', placeholder: 'your key' },
};

const PROVIDERS: Array<{ id: Provider; name: string; hint: string; placeholder: string }> =
  PROVIDER_IDS.map((id) => ({ id, name: PROVIDER_NAMES[id], ...WHERE_TO_GET[id] }));

const PAID_BY: Record<KeyClass, string> = { owner: 'your key', platform: 'Parley’s key', bedrock: 'this deployment’s AWS account, no key', local: 'nothing leaves Parley' };
const paidBadge = (k: KeyClass): HTMLElement => badge(PAID_BY[k], k === 'owner' ? 'ok' : k === 'platform' || k === 'bedrock' ? 'info' : 'muted');

const keyStatus = (key: ProviderKey): HTMLElement =>
  key.status === 'failing' ? badge('Refused by the provider', 'bad') : key.rotationDue ? badge('Time to replace', 'warn') : badge('Working', 'ok');

export const renderKeys = (main: HTMLElement, ctx: PageContext): void => {
  document.title = 'Keys & privacy · Parley';
  const keysBody = h('div', { class: 'keys' });
  const switches = h('div');
  const flow = h('div');
  const admin = ctx.can('admin');
  mount(main,
    pageHeader('Keys & privacy', 'Use your own AI provider account, and see exactly where your data goes.'),
    admin ? null : roleNote(VIEWER_NOTE),
    keysBody,
    card('Privacy settings', switches),
    card('Where your data goes', flow));

  const renderFlow = () => void loadInto(flow, 'your bots', () => api('GET', '/v1/bots'), ({ bots }) => {
    if (!bots.length) return h('p', { class: 'muted' }, 'Create a bot to see where its data goes.');
    const pick = h('select', null, ...bots.map((b) => h('option', { value: b.botId }, b.name)));
    const out = h('div', { 'aria-live': 'polite' });
    const show = () => void loadInto(out, 'where its data goes', () => api('GET', '/v1/bots/{botId}/data-flow', { params: { botId: pick.value } }), ({ dataFlow: f }) =>
      h('dl', { class: 'flow' },
        h('dt', null, 'Visitors’ questions and the passages that answer them'), h('dd', null, h('p', { class: 'flow-to' }, 'Go to ', h('strong', null, f.answers.recipient), ' ', paidBadge(f.answers.keyClass)), f.answers.summary),
        h('dt', null, 'Your documents’ text, to index it'), h('dd', null, h('p', { class: 'flow-to' }, 'Goes to ', h('strong', null, f.embeddings.recipient), ' ', paidBadge(f.embeddings.keyClass)), f.embeddings.summary),
        h('dt', null, 'Where everything is stored'), h('dd', null, h('p', { class: 'flow-to' }, 'Region ', h('strong', { class: 'mono' }, f.storage.region)), f.storage.summary),
        h('dt', null, 'How long it is kept'), h('dd', null, f.retention.summary),
        h('dt', null, 'Training'), h('dd', null, f.training)));
    pick.addEventListener('change', show);
    show();
    const pickField = field('For the bot', pick);
    pickField.classList.add('flow-pick');
    return [pickField, out];
  });

  const renderSwitches = () => {
    const byok = toggle('Use only my own keys', ctx.account.byokOnly, 'Parley never pays for your answers with its own provider keys: without your key, bots quote your documents instead.');
    const mask = toggle('Mask personal data in documents', ctx.account.piiHandling === 'redact', 'E-mail addresses, phone, card and bank numbers are hidden before anything is indexed. Applies to documents added or processed again from now on.');
    const save = (patch: Partial<Account>, input: HTMLInputElement) => {
      input.disabled = true;
      api('PATCH', '/v1/account', { body: patch })
        .then((res) => {
          ctx.setAccount(res.account);
          Object.assign(ctx.account, res.account);
          notify('Saved.');
          renderFlow();
        })
        .catch((err: unknown) => {
          input.checked = !input.checked;
          notify(messageOf(err), 'error');
        })
        .finally(() => (input.disabled = false));
    };
    byok.input.addEventListener('change', () => save({ byokOnly: byok.input.checked }, byok.input));
    mask.input.addEventListener('change', () => save({ piiHandling: mask.input.checked ? 'redact' : 'warn' }, mask.input));
    byok.input.disabled = !admin;
    mask.input.disabled = !admin;
    mount(switches, byok.el, mask.el);
  };

  const providerCard = (p: (typeof PROVIDERS)[number], key: ProviderKey | undefined, reload: () => void): HTMLElement => {
    const apiKey = h('input', { type: 'password', name: `${p.id}-key`, autocomplete: 'off', spellcheck: 'false', placeholder: p.placeholder });
    const baseUrl = h('input', { type: 'url', name: `${p.id}-url`, placeholder: 'https://llm.example.com/v1', value: key?.baseUrl ?? '' });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const save = button(key ? 'Replace key' : 'Save key', () => undefined, { kind: 'primary', type: 'submit', label: `${key ? 'Replace key' : 'Save key'} for ${p.name}` });
    const form = h('form', { class: 'stack', novalidate: true },
      field(key ? 'New key' : 'Paste your key', apiKey, `${p.hint} Parley checks it, encrypts it and never shows it again.`),
      takesOwnerEndpoint(p.id) ? field('Endpoint address', baseUrl) : null,
      error,
      h('div', { class: 'actions' }, save));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      error.textContent = '';
      if (!apiKey.value.trim()) {
        error.textContent = 'Paste the key first.';
        apiKey.focus();
        return;
      }
      void busy(save, async () => {
        try {
          await api('PUT', '/v1/keys/{provider}', { params: { provider: p.id }, body: { apiKey: apiKey.value.trim(), ...(takesOwnerEndpoint(p.id) && baseUrl.value ? { baseUrl: baseUrl.value.trim() } : {}) } });
          apiKey.value = '';
          notify(`Your ${p.name} key works and is saved.`);
          reload();
        } catch (err) {
          error.textContent = messageOf(err);
        }
      });
    });
    const test = button('Test', () => void busy(test, async () => {
      const res = await api('POST', '/v1/keys/{provider}/test', { params: { provider: p.id } });
      notify(res.key.status === 'valid' ? `Your ${p.name} key works.` : `${p.name} refused the key: ${res.key.failure ?? 'try replacing it'}`, res.key.status === 'valid' ? 'ok' : 'error');
      reload();
    }), { label: `Test ${p.name} key` });
    const remove = button('Delete', () => void (async () => {
      if (!(await confirmAction(`Delete your ${p.name} key?`, 'Bots that use it will fall back as shown under “Where your data goes”.', 'Delete key'))) return;
      await busy(remove, async () => {
        await api('DELETE', '/v1/keys/{provider}', { params: { provider: p.id } });
        notify(`Your ${p.name} key was deleted.`);
        reload();
      });
    })(), { kind: 'ghost', icon: 'trash', label: `Delete ${p.name} key` });
    return h('section', { class: 'card key-card', 'data-provider': p.id },
      h('div', { class: 'card-head' }, h('h2', null, p.name), key ? keyStatus(key) : badge('No key', 'muted')),
      key ? h('div', { class: 'key-facts' },
        h('p', null, h('span', { class: 'mono' }, `•••• ${key.lastFour}`)),
        h('p', { class: 'muted small' }, `Added ${formatDate(key.addedAt)} · checked ${formatDate(key.validatedAt)} · ${key.lastUsedAt ? `last used ${formatDate(key.lastUsedAt)}` : 'not used yet'}`),
        key.failure ? h('p', { class: 'doc-error' }, key.failure) : null,
        admin ? h('div', { class: 'actions' }, test, remove) : null) : null,
      admin ? form : key ? null : h('p', { class: 'muted' }, 'No key saved for this provider.'));
  };

  const reload = () => void loadInto(keysBody, 'your keys', () => api('GET', '/v1/keys'), (res) => {
    renderFlow();
    return h('div', { class: 'key-grid' }, ...PROVIDERS.map((p) => providerCard(p, res.keys.find((k) => k.provider === p.id), reload)));
  });
  renderSwitches();
  reload();
};
