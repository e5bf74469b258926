import { describe, expect, it } from 'vitest';
import { selectFiles } from '../bench/corpus-files.ts';
import { docxXmlText, wordXmlText } from '../bench/corpus-references.ts';
import { reasonKey, summariseFormat, type FileResult } from '../bench/corpus-score.ts';
import { bagDifference } from '../bench/text-overlap.ts';
import { buildDocx, heading, noteRef, notesPart, para, run } from '../fixtures/documents/docx-builder.ts';

const SCANNED = 'This PDF has no text layer — it looks scanned. Upload a PDF with selectable text.';
const pdf = (file: string, rest: Partial<FileResult>): FileResult =>
  ({ corpus: 'c', file, format: 'pdf', bytes: 100, parley: { kind: 'parsed', ms: 10 }, reference: { kind: 'read', ms: 5 }, ...rest });

describe('the corpus bench\'s scoring', () => {
  const results: FileResult[] = [
    pdf('a.pdf', { pages: 2, tokens: { found: 100, expected: 100, common: 95 }, letters: { found: 500, expected: 500, common: 500 } }),
    pdf('b.pdf', { pages: 3, parley: { kind: 'parsed', ms: 40 }, tokens: { found: 20, expected: 40, common: 20 }, letters: { found: 100, expected: 200, common: 100 } }),
    // Refused although pdf.js reads 30 words in it: text Parley loses.
    pdf('cjk.pdf', { pages: 1, parley: { kind: 'refused', reason: SCANNED, ms: 2 }, tokens: { found: 0, expected: 30, common: 0 }, letters: { found: 0, expected: 90, common: 0 } }),
    // Refused, and pdf.js finds nothing either: the two agree.
    pdf('scan.pdf', { pages: 1, parley: { kind: 'refused', reason: SCANNED, ms: 2 }, tokens: { found: 0, expected: 0, common: 0 } }),
    pdf('locked.pdf', { parley: { kind: 'refused', reason: 'This PDF is password-protected.', ms: 1 }, reference: { kind: 'failed', reason: 'PasswordException: No password given' } }),
    pdf('hang.pdf', { parley: { kind: 'failed', reason: 'took longer than 120 s' }, reference: { kind: 'failed', reason: 'not run' } }),
    { corpus: 'c', file: 'x.docx', format: 'docx', bytes: 1, parley: { kind: 'parsed', ms: 1 }, reference: { kind: 'read', ms: 1 }, tokens: { found: 1, expected: 1, common: 0 } },
  ];
  const pdfs = summariseFormat(results, 'pdf');

  it('counts files, parsed, refused with their reasons, and failures, per format', () => {
    expect(pdfs).toMatchObject({
      files: 6, parsed: 2, refused: 3, failed: 1, referenceFailed: 2,
      refusalReasons: { [SCANNED]: 2, 'This PDF is password-protected.': 1 },
      refusedWhereReferenceReadsText: 1,
      refusedWhereReferenceReadsTextReasons: { [SCANNED]: 1 },
      failureReasons: { 'took longer than # s': 1 },
    });
    expect(summariseFormat(results, 'docx').files).toBe(1);
  });

  it('sums words over the files both sides read, and again with the refusals of readable files as lost', () => {
    expect(pdfs.words.files).toBe(2);
    expect(pdfs.words.recall).toBeCloseTo(115 / 140, 4);
    expect(pdfs.words.precision).toBeCloseTo(115 / 120, 4);
    expect(pdfs.words.meanRecallPerFile).toBeCloseTo((0.95 + 0.5) / 2, 4);
    expect(pdfs.words.meanPrecisionPerFile).toBeCloseTo((0.95 + 1) / 2, 4);
    expect(pdfs.wordsCountingRefusals.recall).toBeCloseTo(115 / 170, 4);
    expect(pdfs.letters.recall).toBeCloseTo(600 / 700, 4);
  });

  it('gives time per page for PDFs and lists the worst files first, refusals of readable files among them', () => {
    expect(pdfs.time.parleyMsPerPage).toBeCloseTo((10 + 40 + 2 + 2) / 7, 2);
    expect(pdfs.worstFiles.map((w) => w.file)).toEqual(['c:cjk.pdf', 'c:b.pdf', 'c:a.pdf']);
    expect(pdfs.worstFiles[0]).toMatchObject({ f1: 0, refused: SCANNED, referenceWords: 30 });
  });

  it('counts reasons that differ only in numbers or quoted names as one', () => {
    expect(reasonKey('This PDF has more than 2,000 pages.')).toBe(reasonKey('This PDF has more than 5,000 pages.'));
    expect(reasonKey('The file "a.docx" is damaged')).toBe(reasonKey('The file "b.docx" is damaged'));
  });

  it('names the words one side has more of than the other', () => {
    expect(bagDifference(['1', 'step', 'one', '2', 'step'], ['step', 'one', 'step', 'two'])).toEqual({ extra: { 1: 1, 2: 1 }, missing: { two: 1 } });
  });
});

describe('the corpus bench\'s Word reference', () => {
  it('reads the text runs Word shows: not deleted text, field codes, fallbacks or note separators', () => {
    const xml = '<w:body><w:p><w:r><w:t>Kept</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:del><w:r><w:instrText> PAGE </w:instrText></w:r>' +
      '<w:r><w:t xml:space="preserve"> 26</w:t></w:r><w:r><w:noBreakHyphen/><w:t>j&#228;hrige &amp; more</w:t></w:r><w:r><w:tab/><w:t>tabbed</w:t></w:r></w:p>' +
      '<mc:AlternateContent><mc:Choice><w:p><w:r><w:t>Box</w:t></w:r></w:p></mc:Choice><mc:Fallback><w:p><w:r><w:t>Box</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent>' +
      '<w:footnote w:type="continuationNotice" w:id="1"><w:p><w:r><w:t>Continued</w:t></w:r></w:p></w:footnote></w:body>';
    expect(wordXmlText(xml)).toBe('Kept 26-jährige & more tabbed\nBox\n');
  });

  it('finds the body and the notes through the relationships', () => {
    const file = buildDocx(heading('Returns') + para(run('Within 14 days.') + noteRef('footnote', 2)), { 'footnotes.xml': notesPart('footnote', { 2: 'With a receipt.' }) });
    expect(docxXmlText(file).replace(/\s+/g, ' ').trim()).toBe('Returns Within 14 days. With a receipt.');
  });

  it('reads a page of Readability\'s layout against the expected text beside it', () => {
    expect(selectFiles(['p/source.html', 'p/expected.html', 'q/expected.html', 'a.pdf', 'b.docx', 'notes.txt'])).toEqual([
      { file: 'a.pdf', format: 'pdf' }, { file: 'b.docx', format: 'docx' },
      { file: 'p/source.html', format: 'html', expected: 'p/expected.html' }, { file: 'q/expected.html', format: 'html' },
    ]);
  });
});
