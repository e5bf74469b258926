/**
 * Picks the chat adapter for a provider and key. The platform's own endpoints
 * (operator overrides, or the providers' defaults) are trusted; an owner's
 * OpenAI-compatible base URL is reached only through the guarded fetch.
 */
import { ProviderCallFailed } from '../../core/errors.ts';
import type { ChatModel, ChatModels } from '../../core/ports.ts';
import { createAnthropicChat } from './anthropic-chat.ts';
import { createBedrockChat } from './bedrock-chat.ts';
import type { OpenBedrock } from './bedrock-runtime.ts';
import { createExtractiveAnswerer } from './extractive-answerer.ts';
import { createOpenAiChat } from './openai-chat.ts';
import type { ProviderEndpoints } from './provider-probe.ts';

/** A model whose calls wait at most `idleTimeoutMs` for the provider unless the caller says otherwise. */
const withIdleTimeout = (model: ChatModel, idleTimeoutMs: number): ChatModel => ({
  provider: model.provider,
  model: model.model,
  stream: (request, options) => model.stream(request, { idleTimeoutMs, ...options }),
});

/** Chat models: the local extractive answerer, and provider adapters built per key. */
export const createChatModels = (endpoints: ProviderEndpoints, options: { idleTimeoutMs: number; bedrock?: OpenBedrock | undefined }): ChatModels => ({
  local: createExtractiveAnswerer(),
  create(choice) {
    return withIdleTimeout(createProviderModel(endpoints, options.bedrock, choice), options.idleTimeoutMs);
  },
});

const createProviderModel = (endpoints: ProviderEndpoints, bedrock: OpenBedrock | undefined, { provider, model, apiKey, baseUrl }: Parameters<ChatModels['create']>[0]): ChatModel => {
    switch (provider) {
      // An owner's base URL counts only for 'openai-compatible': the platform's providers are never redirected.
      case 'anthropic':
        return createAnthropicChat({ model, apiKey, baseUrl: endpoints.anthropicBaseUrl });
      case 'openai':
        return createOpenAiChat({ provider, model, apiKey, baseUrl: endpoints.openaiBaseUrl });
      case 'openai-compatible':
        // Without an address the SDK would fall back to api.openai.com and send it this endpoint's key.
        if (!baseUrl) throw new ProviderCallFailed('bad_request', 'An OpenAI-compatible provider needs a base URL.');
        return createOpenAiChat({ provider, model, apiKey, baseUrl, fetch: endpoints.guardedFetch });
      case 'bedrock':
        // No key: the function's role calls Bedrock. Residency has checked the model is approved.
        if (!bedrock) throw new ProviderCallFailed('bad_request', 'This deployment does not offer Amazon Bedrock.');
        return createBedrockChat({ model, open: bedrock });
    }
};
