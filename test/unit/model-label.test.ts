// A bot's card in the panel names the model that answers by its provider, as the provider list names it:
// an OpenAI-compatible endpoint is not labelled OpenAI.
import { describe, expect, it } from 'vitest';
import { modelLabel } from '../../admin/src/describe.ts';
import { PROVIDER_NAMES, PROVIDERS } from '../../lambdas/core/providers.ts';

describe('the model a bot card names', () => {
  it('names an OpenAI-compatible endpoint as such, and each provider by its own name', () => {
    expect(modelLabel({ provider: 'openai-compatible', model: 'llama-3.1-70b' })).toBe('OpenAI-compatible endpoint · llama-3.1-70b');
    expect(modelLabel({ provider: 'openai', model: 'gpt-4.1-mini' })).toBe('OpenAI · gpt-4.1-mini');
    expect(modelLabel({ provider: 'anthropic', model: 'claude-sonnet-4' })).toBe('Anthropic · claude-sonnet-4');
    for (const provider of PROVIDERS) expect(modelLabel({ provider, model: 'm' })).toBe(`${PROVIDER_NAMES[provider]} · m`);
  });

  it('says the local answerer quotes the documents, whether chosen or left unset', () => {
    expect(modelLabel({ provider: 'local' })).toBe('Quotes your documents (no AI provider)');
    expect(modelLabel(undefined)).toBe('Quotes your documents (no AI provider)');
  });
});
