/**
 * Word documents as owners write them (issue 24 item 3): numbered procedures
 * and nested bullets keep their markers and levels; footnotes and endnotes
 * follow the section that cites them; comments only when asked.
 */
import { describe, expect, it } from 'vitest';
import { createDocumentParser } from '../../lambdas/adapters/parsers/document-parser.ts';
import { parseDocx } from '../../lambdas/adapters/parsers/docx-parser.ts';
import { buildDocx, commentsPart, heading, notesPart, noteRef, numberingPart, para, run, stylesPart, type LevelDef } from '../fixtures/documents/docx-builder.ts';
import { expectOffsets } from './fixtures/offsets.ts';

const STEPS: readonly LevelDef[] = [
  { format: 'decimal', text: '%1.' },
  { format: 'lowerLetter', text: '%2)' },
  { format: 'bullet', text: '\uF0B7' },
];
const OUTLINE: readonly LevelDef[] = [{ format: 'decimal', text: '%1.' }, { format: 'decimal', text: '%1.%2.' }, { format: 'lowerRoman', text: '(%3)' }];
const BULLETS: readonly LevelDef[] = [{ format: 'bullet', text: '\uF0B7' }, { format: 'bullet', text: 'o' }, { format: 'bullet', text: '–' }];

const texts = (bytes: Uint8Array, options?: Parameters<typeof parseDocx>[2]) => {
  const doc = parseDocx(bytes, 'guide.docx', options);
  expectOffsets(doc);
  return doc.blocks.map((b) => b.text);
};

describe('DOCX lists', () => {
  it('keeps a numbered procedure\'s numbers, letters and bullets, indented by level', () => {
    const body = heading('Installing') +
      para('Unpack the archive.', { numId: '1' }) +
      para('Run the installer.', { numId: '1' }) +
      para('Choose a folder.', { numId: '1', ilvl: 1 }) +
      para('Accept the licence.', { numId: '1', ilvl: 1 }) +
      para('The disk needs 2 GB.', { numId: '1', ilvl: 2 }) +
      para('Restart.', { numId: '1' }) +
      para('Log in again.', { numId: '1', ilvl: 1 });
    expect(texts(buildDocx(body, { 'numbering.xml': numberingPart({ 0: STEPS }, { 1: { abstract: 0 } }) }))).toEqual([
      'Installing',
      '1. Unpack the archive.',
      '2. Run the installer.',
      '  a) Choose a folder.',
      '  b) Accept the licence.',
      '    • The disk needs 2 GB.',
      '3. Restart.',
      // A new parent item restarts the level below it.
      '  a) Log in again.',
    ]);
  });

  it('writes multi-level numbers and Roman numerals as Word shows them', () => {
    const body = para('Scope', { numId: '3' }) + para('Terms', { numId: '3' }) + para('Definitions', { numId: '3', ilvl: 1 }) +
      para('Abbreviations', { numId: '3', ilvl: 1 }) + para('first', { numId: '3', ilvl: 2 }) + para('second', { numId: '3', ilvl: 2 }) + para('third', { numId: '3', ilvl: 2 }) + para('fourth', { numId: '3', ilvl: 2 });
    expect(texts(buildDocx(body, { 'numbering.xml': numberingPart({ 7: OUTLINE }, { 3: { abstract: 7 } }) }))).toEqual([
      '1. Scope', '2. Terms', '  2.1. Definitions', '  2.2. Abbreviations', '    (i) first', '    (ii) second', '    (iii) third', '    (iv) fourth',
    ]);
  });

  it('shows Word\'s symbol-font bullets as bullets and keeps ordinary bullet characters', () => {
    const body = para('Milk', { numId: '2' }) + para('Oat', { numId: '2', ilvl: 1 }) + para('Barista edition', { numId: '2', ilvl: 2 });
    expect(texts(buildDocx(body, { 'numbering.xml': numberingPart({ 0: BULLETS }, { 2: { abstract: 0 } }) }))).toEqual(['• Milk', '  ◦ Oat', '    – Barista edition']);
  });

  it('goes on counting across an interruption and restarts where the document says', () => {
    const body = para('One', { numId: '1' }) + para('Two', { numId: '1' }) + para('A note between the steps.') + para('Three', { numId: '1' }) +
      para('New list', { numId: '4' }) + para('Its second item', { numId: '4' });
    const numbering = numberingPart({ 0: STEPS }, { 1: { abstract: 0 }, 4: { abstract: 0, restart: { 0: 1 } } });
    expect(texts(buildDocx(body, { 'numbering.xml': numbering }))).toEqual(['1. One', '2. Two', 'A note between the steps.', '3. Three', '1. New list', '2. Its second item']);
  });

  it('numbers paragraphs whose style puts them in a list, unless the paragraph takes itself out', () => {
    const body = para('From the style', { style: 'ListNumber' }) + para('Also from the style', { style: 'ListNumber' }) +
      `<w:p><w:pPr><w:pStyle w:val="ListNumber"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>${run('Not numbered')}</w:p>`;
    const parts = { 'styles.xml': stylesPart({ ListNumber: { name: 'List Number', numId: '5' } }), 'numbering.xml': numberingPart({ 0: STEPS }, { 5: { abstract: 0 } }) };
    expect(texts(buildDocx(body, parts))).toEqual(['1. From the style', '2. Also from the style', 'Not numbered']);
  });

  it('keeps markers in table cells, without indentation', () => {
    const body = `<w:tbl><w:tr><w:tc>${para('Plan')}</w:tc><w:tc>${para('Cheap', { numId: '2' })}${para('Slow', { numId: '2' })}</w:tc></w:tr></w:tbl>`;
    expect(texts(buildDocx(body, { 'numbering.xml': numberingPart({ 0: BULLETS }, { 2: { abstract: 0 } }) }))).toEqual(['Plan | • Cheap • Slow']);
  });
});

describe('DOCX footnotes, endnotes and comments', () => {
  const body = heading('Returns') + para(run('Send it back within 14 days.') + noteRef('footnote', 2) + noteRef('comment', 0)) + para('Keep the box.') +
    heading('Shipping') + para(run('We ship worldwide.') + noteRef('endnote', 1) + run(' Tracking is free.') + noteRef('footnote', 3));
  const parts = {
    'footnotes.xml': notesPart('footnote', { 2: 'Receipts older than 30 days are not accepted.', 3: 'Only with a signature on delivery.' }),
    'endnotes.xml': notesPart('endnote', { 1: 'Customs fees are paid by the buyer.' }),
    'comments.xml': commentsPart({ 0: 'Check this with legal.' }),
  };

  it('places each note after the section that cites it, marked where it is cited, under that section\'s heading', () => {
    const doc = parseDocx(buildDocx(body, parts), 'policy.docx');
    expectOffsets(doc);
    expect(doc.blocks.map((b) => [b.headings.join(' › '), b.text])).toEqual([
      ['Returns', 'Returns'],
      ['Returns', 'Send it back within 14 days.[1]'],
      ['Returns', 'Keep the box.'],
      ['Returns', '[1] Receipts older than 30 days are not accepted.'],
      ['Shipping', 'Shipping'],
      ['Shipping', 'We ship worldwide.[i] Tracking is free.[2]'],
      ['Shipping', '[i] Customs fees are paid by the buyer.'],
      ['Shipping', '[2] Only with a signature on delivery.'],
    ]);
    expect(doc.text).not.toContain('legal');
  });

  it('reads reviewers\' comments only when asked', () => {
    const blocks = texts(buildDocx(body, parts), { includeComments: true });
    expect(blocks.slice(1, 5)).toEqual(['Send it back within 14 days.[1][comment 1]', 'Keep the box.', '[1] Receipts older than 30 days are not accepted.', '[comment 1] Check this with legal.']);
  });

  it('reads comments through the upload parser only when the bot\'s setting asks for them', async () => {
    const parser = createDocumentParser();
    const file = buildDocx(body, parts);
    const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect((await parser.parse(file, DOCX, 'policy.docx')).text).not.toContain('Check this with legal.');
    expect((await parser.parse(file, DOCX, 'policy.docx', { documentComments: false })).text).not.toContain('Check this with legal.');
    expect((await parser.parse(file, DOCX, 'policy.docx', { documentComments: true })).text).toContain('[comment 1] Check this with legal.');
  });

  it('finds the notes parts where the relationships point, and ignores references to notes that are not there', () => {
    const moved = { 'footnotes=notes/fn.xml': notesPart('footnote', { 2: 'Moved, but found.' }) };
    expect(texts(buildDocx(para(run('Text') + noteRef('footnote', 2) + noteRef('footnote', 9)), moved))).toEqual(['Text[1]', '[1] Moved, but found.']);
  });
});
