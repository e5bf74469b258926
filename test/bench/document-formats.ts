/**
 * What each document format gives up, on files made here that reproduce the
 * cases of issue 24 (CJK and CID-keyed PDFs, control codes for spaces, bytes
 * before %PDF, UTF-16 and declared charsets, Word lists and notes): per format,
 * files, token recall and precision of the parsed text against the text the
 * file was made from, refusals with their reasons, and time per page or file.
 * Web pages are measured on a public set by `npm run bench:html` instead.
 *
 * The reference is the text each file was built from, not another tool's
 * reading of it (no mammoth or pdf.js corpus is on this machine); the figures
 * show what the parsers keep of what is known to be there.
 *
 * Run: npm run bench:documents. Writes test/bench/results/documents.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { UnreadableDocument } from '../../lambdas/core/errors.ts';
import { createDocumentParser } from '../../lambdas/adapters/parsers/document-parser.ts';
import { CJK_COLLECTIONS, makeCjkPdf, makeControlSpacedPdf, makeSimplePdf } from '../fixtures/documents/pdf-builders.ts';
import { buildDocx, heading, noteRef, notesPart, numberingPart, para, run } from '../fixtures/documents/docx-builder.ts';
import { tokenOverlap, type Overlap } from './text-overlap.ts';

interface Case {
  readonly format: 'pdf' | 'docx' | 'text';
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
  /** The text the file was made from; undefined when the file should be refused. */
  readonly expected?: string;
  readonly pages?: number;
}

const parser = createDocumentParser();
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const utf16 = (s: string, bom: number[], swap: boolean) => {
  const body = Buffer.from(s, 'utf16le');
  if (swap) body.swap16();
  return new Uint8Array([...bom, ...body]);
};

const longPdf = async (pages: number): Promise<Uint8Array> => {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([600, 800]);
    for (let line = 0; line < 40; line++) page.drawText(`Page ${i + 1} line ${line + 1}: the service restarts itself after an update.`, { x: 40, y: 760 - line * 18, size: 11, font });
  }
  return doc.save();
};
const longPdfText = (pages: number) =>
  Array.from({ length: pages }, (_, i) => Array.from({ length: 40 }, (_, l) => `Page ${i + 1} line ${l + 1}: the service restarts itself after an update.`).join(' ')).join(' ');

const STEPS = numberingPart({ 0: [{ format: 'decimal', text: '%1.' }, { format: 'lowerLetter', text: '%2)' }] }, { 1: { abstract: 0 } });

const cases = async (): Promise<Case[]> => [
  { format: 'pdf', name: 'japanese-cid-unembedded.pdf', contentType: 'application/pdf', bytes: await makeCjkPdf(['日本語のテキストです。', '手順は次のとおりです。'], CJK_COLLECTIONS.japanese), expected: '日本語のテキストです。手順は次のとおりです。', pages: 1 },
  { format: 'pdf', name: 'chinese-cid-unembedded.pdf', contentType: 'application/pdf', bytes: await makeCjkPdf(['这是中文文本。', '请按以下步骤操作。'], CJK_COLLECTIONS.chinese), expected: '这是中文文本。请按以下步骤操作。', pages: 1 },
  { format: 'pdf', name: 'korean-cid-unembedded.pdf', contentType: 'application/pdf', bytes: await makeCjkPdf(['한국어 텍스트입니다.'], CJK_COLLECTIONS.korean), expected: '한국어 텍스트입니다.', pages: 1 },
  { format: 'pdf', name: 'u0002-spaces.pdf', contentType: 'application/pdf', bytes: await makeControlSpacedPdf(['The', 'degree', 'to', 'which', 'an', 'individual', 'believes', 'that']), expected: 'The degree to which an individual believes that', pages: 1 },
  { format: 'pdf', name: 'bytes-before-header.pdf', contentType: 'application/pdf', bytes: new Uint8Array([...latin1('Received: by mail gateway\r\n\r\n'), ...(await makeSimplePdf('Opening hours are nine to five.'))]), expected: 'Opening hours are nine to five.', pages: 1 },
  { format: 'pdf', name: '200-pages.pdf', contentType: 'application/pdf', bytes: await longPdf(200), expected: longPdfText(200), pages: 200 },
  { format: 'pdf', name: 'password-protected.pdf', contentType: 'application/pdf', bytes: new Uint8Array(readFileSync(new URL('../fixtures/pdf/password-protected.pdf', import.meta.url))) },
  { format: 'pdf', name: 'scanned-no-text.pdf', contentType: 'application/pdf', bytes: await (async () => { const d = await PDFDocument.create(); d.addPage(); return d.save(); })() },
  {
    format: 'docx', name: 'procedure-with-notes.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    bytes: buildDocx(heading('Installing') + para('Unpack the archive.', { numId: '1' }) + para('Run the installer.', { numId: '1' }) + para('Choose a folder.', { numId: '1', ilvl: 1 }) +
      para(run('Restart.') + noteRef('footnote', 2), { numId: '1' }) + heading('Support') + para(run('Call us.') + noteRef('endnote', 1)),
      { 'numbering.xml': STEPS, 'footnotes.xml': notesPart('footnote', { 2: 'Only on Windows.' }), 'endnotes.xml': notesPart('endnote', { 1: 'Weekdays only.' }) }),
    expected: 'Installing 1. Unpack the archive. 2. Run the installer. a) Choose a folder. 3. Restart. 1 1 Only on Windows. Support Call us. i i Weekdays only.',
  },
  { format: 'docx', name: 'legacy.doc', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Buffer.from('WordDocument', 'utf16le')]) },
  { format: 'text', name: 'utf16le-bom.txt', contentType: 'text/plain', bytes: utf16('Öffnungszeiten: Montag bis Freitag. 営業時間', [0xff, 0xfe], false), expected: 'Öffnungszeiten: Montag bis Freitag. 営業時間' },
  { format: 'text', name: 'utf16be-bom.md', contentType: 'text/markdown', bytes: utf16('# Horaires\n\nDu lundi au vendredi.', [0xfe, 0xff], true), expected: 'Horaires Du lundi au vendredi.' },
  { format: 'text', name: 'windows-1252-declared.html', contentType: 'text/html', bytes: latin1('<meta charset="windows-1252"><p>Cr\xe8me br\xfbl\xe9e</p>'), expected: 'Crème brûlée' },
  { format: 'text', name: 'shift-jis-declared.html', contentType: 'text/html', bytes: new Uint8Array([...latin1('<meta charset="Shift_JIS"><p>'), 0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea, ...latin1('</p>')]), expected: '日本語' },
  { format: 'text', name: 'latin1-undeclared.txt', contentType: 'text/plain', bytes: latin1('Cr\xe8me br\xfbl\xe9e') },
  { format: 'text', name: 'utf32-bom.txt', contentType: 'text/plain', bytes: new Uint8Array([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]) },
];

interface Row extends Omit<Case, 'bytes'> { readonly bytes: number; readonly ms: number; readonly overlap?: Overlap; readonly refused?: string }
const rows: Row[] = [];
for (const c of await cases()) {
  const started = performance.now();
  const outcome = await parser.parse(c.bytes, c.contentType, c.name).then((doc) => ({ text: doc.text }), (e: unknown) => {
    if (e instanceof UnreadableDocument) return { refused: e.message };
    throw e;
  });
  const ms = performance.now() - started;
  const overlap = 'text' in outcome && c.expected !== undefined ? tokenOverlap(outcome.text, c.expected) : undefined;
  rows.push({ ...c, bytes: c.bytes.length, ms, ...(overlap ? { overlap } : {}), ...('refused' in outcome ? { refused: outcome.refused } : {}) });
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));
const byFormat = Object.fromEntries((['pdf', 'docx', 'text'] as const).map((format) => {
  const mine = rows.filter((r) => r.format === format);
  const read = mine.filter((r) => r.overlap);
  const pages = read.reduce((a, r) => a + (r.pages ?? 1), 0);
  return [format, {
    files: mine.length,
    read: read.length,
    recall: round(read.reduce((a, r) => a + r.overlap!.recall, 0) / read.length),
    precision: round(read.reduce((a, r) => a + r.overlap!.precision, 0) / read.length),
    refusals: mine.filter((r) => r.refused).map((r) => ({ file: r.name, reason: r.refused, expected: r.expected === undefined })),
    unexpectedRefusals: mine.filter((r) => r.refused && r.expected !== undefined).length,
    [format === 'pdf' ? 'msPerPage' : 'msPerFile']: round(read.reduce((a, r) => a + r.ms, 0) / (format === 'pdf' ? pages : read.length), 2),
    detail: mine.map((r) => ({ file: r.name, bytes: r.bytes, ms: round(r.ms, 1), ...(r.overlap ? { recall: round(r.overlap.recall), precision: round(r.overlap.precision) } : { refused: r.refused }) })),
  }];
}));

const result = {
  command: 'npm run bench:documents',
  measuredAt: new Date().toISOString(),
  node: process.version,
  reference: 'the text each file was built from (token bag-of-words, test/bench/text-overlap.ts); web pages: test/bench/results/html-extraction.json',
  ...byFormat,
};
writeFileSync(path.resolve(import.meta.dirname, 'results/documents.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
