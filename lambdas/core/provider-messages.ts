/** What a visitor is told when the model's provider fails: plain words, no internals, nothing about keys. */
import type { ProviderCallFailed } from './errors.ts';

const MESSAGES: Record<ProviderCallFailed['kind'], string> = {
  auth: "This assistant can't reach its AI service right now. The site owner has been told.",
  rate_limited: 'The assistant is very busy right now. Please try again in a minute.',
  unavailable: 'The AI service behind this assistant is having trouble. Please try again shortly.',
  timeout: 'The answer took too long, so it was stopped. Please try again.',
  bad_request: "The assistant couldn't answer this one. Please rephrase your question.",
  blocked: "This assistant can't reach its AI service right now. The site owner has been told.",
};

export const visitorMessageFor = (err: ProviderCallFailed): string => MESSAGES[err.kind];
