/**
 * PDFs as real owners upload them (issue 24 item 1): CJK text in fonts the file
 * does not embed, control codes where spaces belong, bytes before the header.
 */
import { readFileSync } from 'node:fs';
import { getResolvedPDFJS } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { UnreadableDocument } from '../../lambdas/core/errors.ts';
import { createDocumentParser } from '../../lambdas/adapters/parsers/document-parser.ts';
import { parsePdf } from '../../lambdas/adapters/parsers/pdf-parser.ts';
import { pdfJsDataPaths } from '../../lambdas/adapters/parsers/pdfjs-data.ts';
import { PDF_HEADER_WINDOW, hasPdfHeader } from '../../lambdas/adapters/parsers/sniff.ts';
import { CJK_COLLECTIONS, makeCjkPdf, makeControlSpacedPdf, makeSimplePdf } from '../fixtures/documents/pdf-builders.ts';

const prefixed = (prefix: Uint8Array, pdf: Uint8Array): Uint8Array => new Uint8Array([...prefix, ...pdf]);
const junk = (length: number): Uint8Array => new TextEncoder().encode('X-Mailer-Junk: '.padEnd(length, '.'));

describe('pdf text in CID-keyed CJK fonts', () => {
  it.each([
    ['Japanese', CJK_COLLECTIONS.japanese, ['日本語のテキストです。', '手順は次のとおりです。']],
    ['Chinese', CJK_COLLECTIONS.chinese, ['这是中文文本。', '请按以下步骤操作。']],
    ['Korean', CJK_COLLECTIONS.korean, ['한국어 텍스트입니다.', '다음 단계를 따르세요.']],
  ] as const)('reads %s set in a font that is not embedded, through the predefined CMaps', async (_, collection, lines) => {
    const doc = await parsePdf(await makeCjkPdf(lines, collection), 'cjk.pdf');
    expect(doc.text.replace(/\s/gu, '')).toBe(lines.join('').replace(/\s/gu, ''));
    expect(doc.blocks.every((b) => b.page === 1)).toBe(true);
  });

  it('takes its CMaps and standard fonts from the folder beside the parser, at the version unpdf bundles', async () => {
    const { cMapUrl, standardFontDataUrl } = pdfJsDataPaths();
    expect(cMapUrl.endsWith('/pdfjs-data/cmaps/')).toBe(true);
    expect(readFileSync(`${cMapUrl}Adobe-Japan1-UCS2.bcmap`).length).toBeGreaterThan(1000);
    expect(readFileSync(`${standardFontDataUrl}LiberationSans-Regular.ttf`).length).toBeGreaterThan(1000);
    const version = readFileSync(new URL('../../lambdas/adapters/parsers/pdfjs-data/VERSION', import.meta.url), 'utf8').trim();
    expect((await getResolvedPDFJS()).version).toBe(version);
  });
});

describe('pdf control characters', () => {
  it('reads a control code between words as a space, not as nothing', async () => {
    const doc = await parsePdf(await makeControlSpacedPdf(['The', 'degree', 'to', 'which', 'an', 'individual', 'believes']), 'glued.pdf');
    expect(doc.text).toBe('The degree to which an individual believes');
  });

  it('collapses a run of control codes and spaces into one space', async () => {
    const doc = await parsePdf(await makeControlSpacedPdf(['Step', '', ' two'], 0x1f), 'glued.pdf');
    expect(doc.text).toBe('Step two');
  });
});

describe('pdf header position', () => {
  it('accepts bytes before %PDF within the first kilobyte, as PDF readers do', async () => {
    const pdf = await makeSimplePdf('Opening hours are nine to five.');
    const doc = await createDocumentParser().parse(prefixed(junk(PDF_HEADER_WINDOW - 10), pdf), 'application/pdf', 'mail.pdf');
    expect(doc.text).toBe('Opening hours are nine to five.');
  });

  it('refuses a header that starts after the first kilobyte', async () => {
    const bytes = prefixed(junk(PDF_HEADER_WINDOW), await makeSimplePdf('x'));
    expect(hasPdfHeader(bytes)).toBe(false);
    const error = await createDocumentParser().parse(bytes, 'application/pdf', 'late.pdf').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableDocument);
    expect((error as Error).message).toBe('The name of this file says it is a PDF, but its contents look like a binary file. Save it again in the right format, or give it the right ending (.pdf, .docx, .md, .txt…).');
  });

  it('still reads a text file that quotes a PDF header as text', async () => {
    const doc = await createDocumentParser().parse(new TextEncoder().encode('A PDF starts with %PDF-1.7 and a binary comment.'), 'text/plain', 'about.txt');
    expect(doc.text).toBe('A PDF starts with %PDF-1.7 and a binary comment.');
  });
});
