/**
 * Footnotes, endnotes and comments: the text of each, by id, from their own
 * parts (footnotes.xml, endnotes.xml, comments.xml). The body reader places
 * them after the section that cites them.
 */
import { wordPrefixOf } from './docx-xml.ts';
import { scanMarkup } from './markup.ts';

/** The three kinds of note a document body can refer to, by their element names. */
export type NoteKind = 'footnote' | 'endnote' | 'comment';

// Separator "notes" hold the line above the notes, not text.
const SEPARATOR_TYPES = new Set(['separator', 'continuationSeparator', 'continuationNotice']);

/** Each note's text by id, its paragraphs joined by a space; notes without text are left out. */
export const readNotes = (xml: string | undefined, kind: NoteKind): Map<string, string> => {
  const notes = new Map<string, string>();
  if (!xml) return notes;
  let w = 'w:';
  let first = true;
  let id: string | undefined;
  let parts: string[] = [];
  let inText = false;
  let deleted = 0;
  scanMarkup(xml, 'xml', {
    open(tag, attributes) {
      if (first) [w, first] = [wordPrefixOf(attributes), false];
      if (tag === `${w}${kind}`) {
        const type = attributes.get(`${w}type`);
        id = type && SEPARATOR_TYPES.has(type) ? undefined : attributes.get(`${w}id`);
        parts = [];
      } else if (tag === `${w}del` || tag === `${w}moveFrom`) deleted++;
      else if (tag === `${w}t`) inText = true;
      else if (tag === `${w}tab`) parts.push(' ');
      else if (tag === `${w}p` && parts.length) parts.push(' ');
    },
    close(tag) {
      if (tag === `${w}t`) inText = false;
      else if (tag === `${w}del` || tag === `${w}moveFrom`) deleted--;
      else if (tag === `${w}${kind}` && id !== undefined) {
        const text = parts.join('').replace(/\s+/g, ' ').trim();
        if (text) notes.set(id, text);
        id = undefined;
      }
    },
    text(value) {
      if (inText && id !== undefined && !deleted) parts.push(value);
    },
  });
  return notes;
};
