/**
 * Where a document's files live, relative to the account's prefix: the rules that
 * uploads, ingestion, website crawls and exports share.
 */
import type { DocumentRecord } from './records.ts';

/** A file name safe in an object key: letters, digits, dot, dash and underscore. */
export const objectNameFor = (name: string): string => {
  const cleaned = name.normalize('NFKC').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(-100);
  return cleaned || 'document';
};

/** The object path of a document, relative to the account's prefix. */
export const documentPath = (doc: Pick<DocumentRecord, 'botId' | 'docId' | 'objectName'>): string =>
  `bots/${doc.botId}/docs/${doc.docId}/${doc.objectName}`;

/** Where the document lives once ingested: sealed under the account's content key. */
export const sealedDocumentPath = (doc: Pick<DocumentRecord, 'botId' | 'docId'>): string =>
  `bots/${doc.botId}/docs/${doc.docId}/sealed.bin`;
