/**
 * The processing deadline: no document stays `processing` for ever. Work can be
 * lost without a word (a function that times out or is stopped, a failure that
 * could not be written because the database was unreachable); the next look at
 * such a document, past `PROCESSING_DEADLINE_MINUTES`, marks it `failed` with a
 * reason the owner can act on.
 */
import { failWith } from './ingestion.ts';
import { PROCESSING_DEADLINE_MINUTES } from './limits.ts';
import type { DocumentRecord } from './records.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';

/** What the owner reads on a document whose processing was lost. */
export const PROCESSING_STOPPED = 'Processing stopped before it finished; process it again.';

/** When the document's processing must have ended, in epoch milliseconds, or undefined when it is not processing. */
export const processingDeadlineOf = (doc: Pick<DocumentRecord, 'status' | 'processingSince' | 'updatedAt'>): number | undefined => {
  if (doc.status !== 'processing') return undefined;
  // Documents from before `processingSince` existed: their last update started the processing.
  const since = Date.parse(doc.processingSince ?? doc.updatedAt);
  return (Number.isNaN(since) ? 0 : since) + PROCESSING_DEADLINE_MINUTES * 60_000;
};

export const isPastProcessingDeadline = (doc: Pick<DocumentRecord, 'status' | 'processingSince' | 'updatedAt'>, now: Date): boolean => {
  const deadline = processingDeadlineOf(doc);
  return deadline !== undefined && now.getTime() >= deadline;
};

/** The document as it stands: marked `failed` first when it is past its processing deadline. */
export const settleOverdue = async (deps: Pick<Deps, 'chunks' | 'clock' | 'documents' | 'events' | 'index'>, tenant: TenantContext, doc: DocumentRecord): Promise<DocumentRecord> => {
  if (!isPastProcessingDeadline(doc, deps.clock.now())) return doc;
  await failWith(deps, tenant, doc)(PROCESSING_STOPPED);
  // Failed now, or changed meanwhile (finished, deleted, indexed by another run): what is stored is the answer.
  return (await deps.documents.get(tenant, doc.botId, doc.docId)) ?? doc;
};
