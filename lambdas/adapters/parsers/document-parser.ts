/** Chooses a parser by declared type, after checking the bytes agree with it. */
import { UnreadableDocument } from '../../core/errors.ts';
import { UPLOAD_TYPES, type DocumentKind } from '../../core/limits.ts';
import type { DocumentParser } from '../../core/ports.ts';
import { parseCsv } from './csv-parser.ts';
import { parseDocx } from './docx-parser.ts';
import { parseHtml } from './html-parser.ts';
import { parsePdf } from './pdf-parser.ts';
import { describeKind, hasPdfHeader, sniff, type SniffedKind } from './sniff.ts';
import { decodeUploadedText } from './text-decoding.ts';
import { parseText } from './text-parser.ts';

/**
 * What the bytes of each declared kind may look like. Office files that are
 * password-protected are OLE containers. Text that is not UTF-8 sniffs as
 * binary: the decoder then reads its declared encoding or says why it cannot.
 */
const EXPECTED: Record<DocumentKind, readonly SniffedKind[]> = {
  pdf: ['pdf'],
  docx: ['zip', 'ole'],
  html: ['text', 'binary'],
  markdown: ['text', 'binary'],
  csv: ['text', 'binary'],
  text: ['text', 'binary'],
};

/** What an owner calls each kind of file. */
const KIND_NAMES: Record<DocumentKind, string> = {
  pdf: 'a PDF',
  docx: 'a Word document',
  html: 'a web page (HTML)',
  markdown: 'a Markdown file',
  csv: 'a spreadsheet (CSV)',
  text: 'a text file',
};

export const createDocumentParser = (): DocumentParser => ({
  async parse(bytes, contentType, name, options) {
    // A charset parameter is read by the decoder; the type alone chooses the parser.
    const declared = UPLOAD_TYPES[contentType.split(';')[0]!.trim().toLowerCase()];
    if (!declared) throw new UnreadableDocument(`Files of type ${contentType} are not supported.`);
    // A header later than byte 0 counts only for a file declared a PDF: a text about PDFs may quote one.
    const kind = declared.kind === 'pdf' && hasPdfHeader(bytes) ? 'pdf' : sniff(bytes);
    if (!EXPECTED[declared.kind].includes(kind)) {
      throw new UnreadableDocument(`The name of this file says it is ${KIND_NAMES[declared.kind]}, but its contents look like ${describeKind(kind)}. Save it again in the right format, or give it the right ending (.pdf, .docx, .md, .txt…).`);
    }
    const decodeText = (b: Uint8Array): string => decodeUploadedText(b, { contentType, html: declared.kind === 'html' });
    switch (declared.kind) {
      case 'pdf': return parsePdf(bytes, name);
      case 'docx': return parseDocx(bytes, name, { includeComments: options?.documentComments === true });
      case 'html': return parseHtml(decodeText(bytes), name);
      case 'csv': return parseCsv(decodeText(bytes), name);
      case 'markdown': return parseText(decodeText(bytes), name, true);
      case 'text': return parseText(decodeText(bytes), name, false);
    }
  },
});
