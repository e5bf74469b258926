/**
 * Ingestion: an uploaded object becomes chunks with vectors under the bot's
 * partition. Failures an owner can act on end as `failed` with a reason;
 * infrastructure failures are thrown so the queue retries the message.
 */
import { documentPath, sealedDocumentPath } from './document-paths.ts';
import { answeringRun, publishRun, withdrawDocument } from './bot-index.ts';
import { embedderForBot, embeddingId } from './embedding.ts';
import { BudgetExhausted } from './embedding-spend.ts';
import { buildSegment } from './index-segment.ts';
import { ProviderRefusedKey, UnreadableDocument } from './errors.ts';
import { chunkDocument } from './chunking.ts';
import { createHash } from 'node:crypto';
import { newId } from './ids.ts';
import { noteKeyOutcome } from './keys.ts';
import { MAX_UPLOAD_BYTES } from './limits.ts';
import { countPersonalData, findPersonalData, maskPersonalData, phoneCountriesForRegion } from './personal-data.ts';
import type { Chunk, DocumentRecord, ParsedDocument } from './records.ts';
import type { Deps, DocumentPatch, Embedder } from './ports.ts';
import { parseDocumentObjectKey, tenantForSystem, type TenantContext } from './tenancy.ts';

export type IngestOutcome =
  | { readonly outcome: 'ready'; readonly chunkCount: number }
  | { readonly outcome: 'failed'; readonly reason: string }
  | { readonly outcome: 'ignored'; readonly reason: string }
  /** A crawl part that queued the next one. */
  | { readonly outcome: 'continued'; readonly part: number };

/** Text given to the embedder: the title and section give a passage its context. */
export const embeddingText = (title: string, section: string, text: string): string =>
  [title, section, text].filter(Boolean).join('\n');

/** The same document with its text replaced by a masked copy of equal length. */
const redacted = (doc: ParsedDocument, text: string): ParsedDocument => ({
  ...doc,
  text,
  blocks: doc.blocks.map((b) => ({ ...b, text: text.slice(b.start, b.end) })),
});

/**
 * Ends a document's ingestion as `failed` with the reason; it no longer answers. `retryable: false` for a failure
 * of the file itself (empty, unreadable, a duplicate…), which processing it again would only repeat.
 */
export const failWith = (deps: Pick<Deps, 'chunks' | 'clock' | 'events' | 'index'>, tenant: TenantContext, doc: DocumentRecord) => async (reason: string, retryable = true): Promise<IngestOutcome> => {
  const patch = { status: 'failed', error: reason, retryable, chunkCount: 0, indexedRun: undefined, embeddedWith: undefined, updatedAt: deps.clock.now().toISOString() } as const;
  const outcome = await withdrawDocument(deps, tenant, doc.botId, doc.docId, answeringRun(doc), patch);
  if (outcome === 'document') return { outcome: 'ignored', reason: 'document deleted or indexed by another run' };
  await deps.chunks.deleteForDocument(tenant, doc.botId, doc.docId);
  // Every way a document ends as failed passes here: the owner's webhooks hear of each once.
  await deps.events.publish(tenant, { eventId: newId(deps.clock.now().getTime()), type: 'document.failed', botId: doc.botId, docId: doc.docId, at: patch.updatedAt });
  return { outcome: 'failed', reason };
};

/** The ports ingestUploadedObject uses, directly and through what it calls. */
export type IngestUploadedObjectDeps = Pick<Deps, 'accounts' | 'bots' | 'chunks' | 'cipher' | 'clock' | 'documents' | 'embedders' | 'events' | 'index' | 'keys' | 'meter' | 'objects' | 'parser' | 'platformKeys' | 'region' | 'residency' | 'secrets'>;

export const ingestUploadedObject = async (deps: IngestUploadedObjectDeps, objectKey: string): Promise<IngestOutcome> => {
  const ref = parseDocumentObjectKey(objectKey);
  if (!ref) return { outcome: 'ignored', reason: 'not a document key' };
  const tenant = tenantForSystem(ref.accountId);
  const doc = await deps.documents.get(tenant, ref.botId, ref.docId);
  // Only objects our server issued an upload for are ingested.
  if (!doc || doc.objectName !== ref.name) return { outcome: 'ignored', reason: 'no such document' };

  const now = () => deps.clock.now().toISOString();
  const fail = failWith(deps, tenant, doc);

  const started = now();
  if (!(await deps.documents.update(tenant, doc.botId, doc.docId, { status: 'processing', processingSince: started, updatedAt: started }))) {
    return { outcome: 'ignored', reason: 'document deleted' };
  }
  let bytes = await deps.objects.get(tenant, documentPath(doc), MAX_UPLOAD_BYTES);
  if (bytes) {
    if (bytes.byteLength !== doc.size) {
      await deps.objects.delete(tenant, documentPath(doc));
      return fail(`The uploaded file has ${bytes.byteLength} bytes but ${doc.size} were announced. Please upload it again.`, false);
    }
    // Keep the file only sealed under the account's key; the plaintext upload goes.
    await deps.objects.put(tenant, sealedDocumentPath(doc), await deps.cipher.seal(tenant, 'document', bytes), 'application/octet-stream');
    await deps.objects.delete(tenant, documentPath(doc));
  } else {
    // Re-ingest: the plaintext upload is long gone; read the sealed copy.
    const sealed = await deps.objects.get(tenant, sealedDocumentPath(doc), MAX_UPLOAD_BYTES + 64);
    if (!sealed) return fail('The uploaded file could not be found. Please upload it again.', false);
    bytes = await deps.cipher.open(tenant, 'document', sealed);
  }
  if (bytes.byteLength === 0) return fail('The file is empty.', false);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (doc.status === 'ready' && doc.sha256 === sha256) {
    // A redelivered message: this exact content is already indexed.
    await deps.documents.update(tenant, doc.botId, doc.docId, { status: 'ready', updatedAt: now() });
    return { outcome: 'ready', chunkCount: doc.chunkCount };
  }

  const holder = await deps.documents.contentHolder(tenant, doc.botId, sha256);
  const twin = holder && holder !== doc.docId ? await deps.documents.get(tenant, doc.botId, holder) : null;
  // The mark is a hint: the document it names may since be gone or hold other content.
  if (twin?.sha256 === sha256) return fail(`This file has the same content as "${twin.name}", which this bot already has.`, false);

  const bot = await deps.bots.get(tenant, doc.botId);
  if (!bot) return { outcome: 'ignored', reason: 'bot deleted' };
  let parsed: ParsedDocument;
  try {
    parsed = await deps.parser.parse(bytes, doc.contentType, doc.name, { documentComments: bot.documentComments === true });
  } catch (err) {
    if (err instanceof UnreadableDocument) return fail(err.message, false);
    throw err;
  }
  return indexParsed(deps, tenant, doc, parsed, { sha256, fail });
};

/** The ports indexParsed uses, directly and through what it calls. */
export type IndexParsedDeps = Pick<Deps, 'accounts' | 'bots' | 'chunks' | 'clock' | 'documents' | 'embedders' | 'index' | 'keys' | 'meter' | 'platformKeys' | 'region' | 'residency' | 'secrets'>;

/**
 * Chunks and embeds a parsed document and writes its chunks as a new run beside
 * the one that answers now; one conditional update then switches the document
 * to the new run, so it becomes visible all at once, and the old run goes.
 */
export const indexParsed = async (
  deps: IndexParsedDeps,
  tenant: TenantContext,
  doc: DocumentRecord,
  parsed: ParsedDocument,
  options: { readonly sha256: string; readonly fail: (reason: string, retryable?: boolean) => Promise<IngestOutcome>; readonly extra?: DocumentPatch },
): Promise<IngestOutcome> => {
  const { fail } = options;
  const findings = findPersonalData(parsed.text, { phoneCountries: phoneCountriesForRegion(deps.region) });
  const account = await deps.accounts.get(tenant);
  if (findings.length > 0 && account?.piiHandling === 'redact') parsed = redacted(parsed, maskPersonalData(parsed.text, findings));
  const drafts = chunkDocument(parsed);
  if (drafts.length === 0) return fail('No text was found in this file.', false);
  const bot = await deps.bots.get(tenant, doc.botId);
  if (!bot) return { outcome: 'ignored', reason: 'bot deleted' };

  const texts = drafts.map((d) => embeddingText(parsed.title, d.section, d.text));
  let vectors: Float32Array[];
  let embedder: Embedder;
  try {
    embedder = await embedderForBot(deps, tenant, bot);
    vectors = await embedder.embed(texts);
  } catch (err) {
    if (err instanceof UnreadableDocument) return fail(err.message, false);
    // Nothing was embedded: the sealed file stays, and processing it again once the budget has room indexes it.
    if (err instanceof BudgetExhausted) return fail(err.message);
    if (err instanceof ProviderRefusedKey) {
      await noteKeyOutcome(deps, tenant, err.provider, err.message);
      return fail(`${err.message} Check the key on the Keys page, then re-ingest this document.`);
    }
    throw err;
  }
  const run = newId(deps.clock.now().getTime());
  const chunks: Chunk[] = drafts.map((d, i) => ({ ...d, docId: doc.docId, run, vector: vectors[i]! }));
  await deps.chunks.put(tenant, doc.botId, chunks);
  const outcome = await publishRun(deps, tenant, doc.botId, {
    docId: doc.docId,
    run,
    chunks: chunks.length,
    embeddedWith: embeddingId(embedder),
    segment: buildSegment(chunks, vectors, texts),
    patch: {
      status: 'ready',
      chunkCount: chunks.length,
      personalData: countPersonalData(findings),
      pageCount: parsed.blocks.reduce((most, b) => Math.max(most, b.page ?? 0), 0) || undefined,
      sha256: options.sha256,
      indexedRun: run,
      embeddedWith: embeddingId(embedder),
      updatedAt: deps.clock.now().toISOString(),
      ...options.extra,
    },
    previous: answeringRun(doc),
  });
  if (outcome === 'document') {
    // Deleted while we worked, or another run switched first: this run is not needed.
    await deps.chunks.deleteForDocument(tenant, doc.botId, doc.docId, run);
    return { outcome: 'ignored', reason: 'document deleted or indexed by another run' };
  }
  if (doc.indexedRun) await deps.chunks.deleteForDocument(tenant, doc.botId, doc.docId, doc.indexedRun);
  await deps.documents.rememberContent(tenant, doc.botId, options.sha256, doc.docId);
  return { outcome: 'ready', chunkCount: chunks.length };
};

export interface DocumentRef {
  readonly accountId: string;
  readonly botId: string;
  readonly docId: string;
}

/** Marks a document failed when its message is about to go to the dead-letter queue. */
export const markIngestGaveUp = async (deps: Pick<Deps, 'chunks' | 'clock' | 'documents' | 'events' | 'index'>, ref: DocumentRef): Promise<void> => {
  const tenant = tenantForSystem(ref.accountId);
  const doc = await deps.documents.get(tenant, ref.botId, ref.docId);
  if (!doc) return;
  await failWith(deps, tenant, doc)('We could not process this document after several attempts. Please try again later, or upload it again.');
};
