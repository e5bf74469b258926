/** Sentences the panel builds from stored records (pure: the unit tests read them too). */
import { PROVIDER_NAMES } from '../../lambdas/core/providers.ts';
import type { AuditEntry, Bot } from './types.ts';

/** What a typed source is, as the activity log says it was added. */
const SOURCE_ADDED: Readonly<Record<string, string>> = {
  text: 'Added pasted text',
  qa: 'Added questions and answers',
  website: 'Added a website',
  improved_answer: 'Improved an answer',
};

/**
 * A document event in the activity log, named by the document it was about (the log keeps its name, so a
 * deleted one is still named); `undefined` for other events, and for older entries recorded without it.
 */
export const documentActivity = (entry: Pick<AuditEntry, 'action' | 'detail'>): string | undefined => {
  const name = typeof entry.detail?.document === 'string' ? entry.detail.document : undefined;
  const source = typeof entry.detail?.source === 'string' ? entry.detail.source : undefined;
  if (!entry.action.startsWith('document.') || !name) return undefined;
  const quoted = `“${name}”`;
  switch (entry.action) {
    case 'document.upload': return `Uploaded ${quoted}`;
    case 'document.source': return `${SOURCE_ADDED[source ?? ''] ?? 'Added a source'}: ${quoted}`;
    case 'document.reingest': return `Processed ${quoted} again`;
    case 'document.delete': return `Deleted ${quoted}`;
    default: return undefined;
  }
};

/** Where a conversation was started: its page's origin, or none for one started outside a web page (the API called directly). */
export const conversationStart = (startedAt: string, origin: string | undefined): string =>
  origin && origin !== 'none' ? `Started ${startedAt} on ${origin}` : `Started ${startedAt}, not from a web page`;

/** Which model answers a bot's visitors, named by its provider as people read it (the provider list's names). */
export const modelLabel = (model: Bot['model']): string =>
  !model || model.provider === 'local' ? 'Quotes your documents (no AI provider)' : `${PROVIDER_NAMES[model.provider]} · ${model.model}`;
