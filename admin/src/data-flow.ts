/**
 * Where a bot's data goes, in plain words, computed from its configuration,
 * the account's settings and which keys the owner has added. Pure.
 */
import type { Account, Bot, Provider, ProviderKey } from './types.ts';

export interface FlowLine {
  readonly what: string;
  readonly where: string;
}

const PROVIDER_NAME: Record<Provider, string> = { openai: 'OpenAI', anthropic: 'Anthropic', 'openai-compatible': 'your OpenAI-compatible endpoint' };

const keyClause = (provider: Provider, keys: readonly ProviderKey[], account: Account): { sent: boolean; words: string } => {
  const key = keys.find((k) => k.provider === provider);
  if (key) return { sent: true, words: `with your own key (ending ${key.lastFour}), under your agreement with ${PROVIDER_NAME[provider]}` };
  if (account.byokOnly || provider === 'openai-compatible') return { sent: false, words: '' };
  return { sent: true, words: 'with Parley’s key (if the operator of this Parley has set one up; otherwise nothing is sent)' };
};

export const dataFlow = (bot: Bot, account: Account, keys: readonly ProviderKey[]): FlowLine[] => {
  const lines: FlowLine[] = [];
  const model = bot.model && bot.model.provider !== 'local' ? bot.model : undefined;
  if (model) {
    const { sent, words } = keyClause(model.provider, keys, account);
    lines.push(sent
      ? { what: 'Visitors’ questions and the passages that answer them', where: `Sent to ${PROVIDER_NAME[model.provider]} (${model.model}) ${words}, to write each answer. Not used for training.` }
      : { what: 'Visitors’ questions and the passages that answer them', where: `Stay in Parley: you chose ${PROVIDER_NAME[model.provider]} but there is no key for it${account.byokOnly ? ' and your account uses only your own keys' : ''}, so your bot quotes your documents instead.` });
  } else {
    lines.push({ what: 'Visitors’ questions and the passages that answer them', where: 'Stay in Parley: your bot quotes your documents itself. No AI provider receives anything.' });
  }
  if (bot.embedding?.provider === 'openai') {
    const { sent, words } = keyClause('openai', keys, account);
    lines.push({ what: 'Your documents’ text, to index it', where: sent ? `Sent to OpenAI ${words}, once per passage, and each question to match it.` : 'Indexing needs an OpenAI key: add one below.' });
  } else {
    lines.push({ what: 'Your documents’ text, to index it', where: 'Indexed inside Parley. No one else receives it.' });
  }
  lines.push({ what: 'Your uploaded files and what Parley learned from them', where: 'Stored in your account only, encrypted with a key of your own account. Deleting a document erases it; deleting the account erases everything.' });
  lines.push({
    what: 'Conversations',
    where: account.retentionDays === 0
      ? 'Not stored: each answer is forgotten once it is sent.'
      : `Kept encrypted for ${account.retentionDays} days, then erased automatically. You can delete any conversation sooner.`,
  });
  lines.push({
    what: 'Personal data in your documents',
    where: account.piiHandling === 'redact'
      ? 'Masked before anything is indexed or stored: e-mail addresses, phone, card and bank numbers never reach answers.'
      : 'Counted and flagged on each document, but kept as written. Turn on masking to hide it from answers.',
  });
  return lines;
};
