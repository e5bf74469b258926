/** Training documents: upload requests, listing, deletion. */
import { requireRole } from './roles.ts';
import { audited, documentAuditDetail, type AuditSource } from './audit.ts';
import { answeringRun, withdrawDocument } from './bot-index.ts';
import { requireNoHold } from './legal-hold.ts';
import { settleOverdue } from './processing-deadline.ts';
import { crawlStepKey, firstCrawlStep } from './crawl-steps.ts';
import { documentPath, objectNameFor } from './document-paths.ts';
import { getBot } from './bot-lookup.ts';
import { AppError, notFound } from './errors.ts';
import { isId, newId } from './ids.ts';
import { MAX_DOCUMENTS_PER_BOT, MAX_UPLOAD_BYTES, UPLOAD_TYPES, UPLOAD_URL_TTL_SECONDS } from './limits.ts';
import type { DocumentRecord } from './records.ts';
import type { Deps } from './ports.ts';
import type { TenantContext } from './tenancy.ts';
import type { UploadTicket } from './views.ts';

export interface UploadRequest {
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

const MB = 1024 * 1024;

const newDocument = (now: Date, botId: string, req: UploadRequest, source: DocumentRecord['source']): DocumentRecord => ({
  docId: newId(now.getTime()),
  botId,
  name: req.name,
  contentType: req.contentType,
  source,
  size: req.size,
  status: 'awaiting_upload',
  chunkCount: 0,
  objectName: objectNameFor(req.name),
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
});

/** Refuses a new document when the bot's index is full. */
export const checkRoomForDocument = async (deps: Pick<Deps, 'index'>, tenant: TenantContext, botId: string): Promise<void> => {
  const head = await deps.index.getHead(tenant, botId);
  if (head.documents >= MAX_DOCUMENTS_PER_BOT) {
    throw new AppError('conflict', `A bot can have at most ${MAX_DOCUMENTS_PER_BOT.toLocaleString('en')} documents. Delete some, or use another bot.`);
  }
};

/** `label`: the name visitors see in citations, where it should differ from the title the panel lists. */
export type TextSource =
  | { readonly kind: 'text'; readonly title: string; readonly label?: string | undefined; readonly text: string }
  | {
    readonly kind: 'qa'; readonly title: string; readonly label?: string | undefined; readonly pairs: ReadonlyArray<{ readonly question: string; readonly answer: string }>;
    /** Taught from an unanswered question ("Improve this answer"): the audit log says so. */
    readonly improvedAnswer?: boolean | undefined;
  };

/** Q&A pairs as Markdown: each question a heading, so each pair is its own passage. */
export const qaAsMarkdown = (pairs: ReadonlyArray<{ question: string; answer: string }>): string =>
  pairs.map((p) => `## ${p.question.replace(/\s+/g, ' ').trim()}\n\n${p.answer.trim()}\n`).join('\n');

/** Text or Q&A typed in the panel, stored like an upload so the same ingestion indexes it. */
export const addTextSource = (deps: Pick<Deps, 'audit' | 'bots' | 'clock' | 'documents' | 'index' | 'objects'>, tenant: TenantContext, botId: string, input: TextSource, source: AuditSource): Promise<DocumentRecord> =>
  audited(deps, tenant, source, 'document.source', { target: botId }, () => storeTextSource(deps, tenant, botId, input),
    (document) => ({ detail: documentAuditDetail(document, input.kind === 'qa' && input.improvedAnswer === true) }));

const storeTextSource = async (deps: Pick<Deps, 'bots' | 'clock' | 'documents' | 'index' | 'objects'>, tenant: TenantContext, botId: string, input: TextSource): Promise<DocumentRecord> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  await checkRoomForDocument(deps, tenant, botId);
  const body = input.kind === 'text' ? input.text : qaAsMarkdown(input.pairs);
  if (!body.trim()) throw new AppError('invalid_request', 'There is no text to add.');
  const bytes = new TextEncoder().encode(body);
  const contentType = input.kind === 'text' ? 'text/plain' : 'text/markdown';
  const name = `${input.title.trim()}${input.kind === 'text' ? '.txt' : '.md'}`;
  const document = { ...newDocument(deps.clock.now(), botId, { name, contentType, size: bytes.byteLength }, input.kind), label: input.label?.trim() || input.title.trim() };
  await deps.documents.create(tenant, document);
  await deps.objects.put(tenant, documentPath(document), bytes, contentType);
  return document;
};

/** Checks type and size, records the document, and returns a URL signed for exactly that upload. */
export const requestUpload = (deps: Pick<Deps, 'audit' | 'bots' | 'clock' | 'documents' | 'index' | 'objects'>, tenant: TenantContext, botId: string, req: UploadRequest, source: AuditSource): Promise<UploadTicket> =>
  audited(deps, tenant, source, 'document.upload', { target: botId }, () => createUpload(deps, tenant, botId, req),
    (ticket) => ({ detail: documentAuditDetail(ticket.document) }));

const createUpload = async (deps: Pick<Deps, 'bots' | 'clock' | 'documents' | 'index' | 'objects'>, tenant: TenantContext, botId: string, req: UploadRequest): Promise<UploadTicket> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  const type = UPLOAD_TYPES[req.contentType];
  if (!type) {
    throw new AppError('unsupported_media_type', `Files of type ${req.contentType} cannot be used yet. Accepted: ${Object.keys(UPLOAD_TYPES).join(', ')}.`);
  }
  const lower = req.name.toLowerCase();
  if (!type.extensions.some((ext) => lower.endsWith(ext))) {
    throw new AppError('unsupported_media_type', `"${req.name}" does not look like ${req.contentType}: expected a name ending in ${type.extensions.join(' or ')}.`);
  }
  if (req.size === 0) throw new AppError('invalid_request', 'The file is empty.');
  if (req.size > MAX_UPLOAD_BYTES) {
    throw new AppError('payload_too_large', `The file is larger than ${MAX_UPLOAD_BYTES / MB} MB.`);
  }
  await checkRoomForDocument(deps, tenant, botId);
  const now = deps.clock.now();
  const document = newDocument(now, botId, req, 'upload');
  await deps.documents.create(tenant, document);
  const { url, headers } = await deps.objects.presignPut(tenant, documentPath(document), req.contentType, req.size, UPLOAD_URL_TTL_SECONDS);
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString();
  return { document, upload: { method: 'PUT', url, headers, expiresAt } };
};

/** The bot's documents; one past its processing deadline is marked failed as it is read. */
export const listDocuments = async (deps: Pick<Deps, 'bots' | 'chunks' | 'clock' | 'documents' | 'events' | 'index'>, tenant: TenantContext, botId: string): Promise<DocumentRecord[]> => {
  await getBot(deps, tenant, botId);
  const docs = await deps.documents.list(tenant, botId);
  return Promise.all(docs.map((doc) => settleOverdue(deps, tenant, doc)));
};

/** One document, or undefined when there is none (or it is another account's); past its processing deadline it is marked failed as it is read. */
const findDocument = async (deps: Pick<Deps, 'chunks' | 'clock' | 'documents' | 'events' | 'index'>, tenant: TenantContext, botId: string, docId: string): Promise<DocumentRecord | undefined> => {
  const doc = isId(botId) && isId(docId) ? await deps.documents.get(tenant, botId, docId) : null;
  return doc ? settleOverdue(deps, tenant, doc) : undefined;
};

/** One document (404 for another account's); past its processing deadline it is marked failed as it is read. */
export const getDocument = async (deps: Pick<Deps, 'chunks' | 'clock' | 'documents' | 'events' | 'index'>, tenant: TenantContext, botId: string, docId: string): Promise<DocumentRecord> => {
  const doc = await findDocument(deps, tenant, botId, docId);
  if (!doc) throw notFound('document');
  return doc;
};

/** The ports deleteDocument uses, directly and through what it calls. */
export type DeleteDocumentDeps = Pick<Deps, 'accounts' | 'audit' | 'chunks' | 'clock' | 'documents' | 'events' | 'index' | 'objects'>;

/**
 * Removes the document from answers at once, then its chunks and stored file; recorded in the
 * audit log with the document's name, read first so that even a refused attempt names it.
 */
export const deleteDocument = async (deps: DeleteDocumentDeps, tenant: TenantContext, botId: string, docId: string, source: AuditSource): Promise<void> => {
  const found = await findDocument(deps, tenant, botId, docId);
  await audited(deps, tenant, source, 'document.delete', { target: docId, detail: documentAuditDetail(found) }, async () => {
    requireRole(tenant, 'admin');
    if (!found) throw notFound('document');
    await requireNoHold(deps, tenant);
    // Out of the index and gone from the list in one transaction; then its chunks and files.
    // An ingest may switch in a new run between our read and the write: read again and retry.
    let doc = found;
    while ((await withdrawDocument(deps, tenant, botId, docId, answeringRun(doc))) === 'document') {
      doc = await getDocument(deps, tenant, botId, docId);
    }
    await deps.chunks.deleteForDocument(tenant, botId, docId);
    if (doc.sha256) await deps.documents.forgetContentOf(tenant, botId, doc.sha256, docId);
    await deps.objects.deletePrefix(tenant, `bots/${botId}/docs/${doc.docId}/`);
  });
};

/** Indexes a document again (a website: crawls it again), from any state but "awaiting upload"; recorded in the audit log. */
export const reingestDocument = async (deps: Pick<Deps, 'audit' | 'chunks' | 'clock' | 'documents' | 'events' | 'index' | 'ingestTrigger'>, tenant: TenantContext, botId: string, docId: string, source: AuditSource): Promise<DocumentRecord> => {
  const found = await findDocument(deps, tenant, botId, docId);
  return audited(deps, tenant, source, 'document.reingest', { target: docId, detail: documentAuditDetail(found) }, () => {
    requireRole(tenant, 'admin');
    return reingestUnaudited(deps, tenant, botId, docId, found);
  });
};

/**
 * Indexes a document again with no audit entry of its own: a bot's new embedding setting
 * re-embeds its documents this way, within the bot change that is recorded.
 */
export const reingestUnaudited = async (deps: Pick<Deps, 'chunks' | 'clock' | 'documents' | 'events' | 'index' | 'ingestTrigger'>, tenant: TenantContext, botId: string, docId: string, found?: DocumentRecord): Promise<DocumentRecord> => {
  const doc = found ?? (await getDocument(deps, tenant, botId, docId));
  if (doc.status === 'awaiting_upload') throw new AppError('conflict', 'This document has no file yet: upload it first.');
  // Forgetting the hash makes ingestion do the work even when the content is unchanged.
  const now = deps.clock.now();
  // A website source is crawled again (a new crawl: parts of an earlier one are then stale); a file is read again from its sealed copy.
  const step = doc.source === 'website' ? firstCrawlStep(now) : undefined;
  await deps.documents.update(tenant, botId, docId, {
    status: 'processing', processingSince: now.toISOString(), sha256: undefined, updatedAt: now.toISOString(), ...(step ? { crawlStep: crawlStepKey(step) } : {}),
  });
  if (step) await deps.ingestTrigger.requestCrawl(tenant, botId, docId, step);
  else await deps.ingestTrigger.requestIngest(tenant, documentPath(doc));
  return { ...doc, status: 'processing' };
};
