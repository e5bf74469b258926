/** What visitors see as a document's name in an answer's sources and citations. */
import type { DocumentRecord } from './records.ts';

/** The extension Parley adds to the title of typed text and Q&A to make it a file name. */
const ADDED_EXTENSION = { text: /\.txt$/, qa: /\.md$/ } as const;

/**
 * The owner's label, else the name as the owner gave it: an uploaded file's name,
 * a website's address, the title of typed text or Q&A without the extension Parley
 * added (documents made before labels were stored).
 */
export const visitorLabelOf = (doc: Pick<DocumentRecord, 'name' | 'label' | 'source'>): string => {
  if (doc.label) return doc.label;
  const added = doc.source === 'text' || doc.source === 'qa' ? ADDED_EXTENSION[doc.source] : undefined;
  return (added ? doc.name.replace(added, '') : doc.name) || doc.name;
};
