import { readFileSync } from 'node:fs';
import { PDFDocument, PDFHexString, PDFName, PDFNumber, StandardFonts, beginText, endText, moveText, setFontAndSize, showText } from 'pdf-lib';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { UnreadableDocument } from '../../lambdas/core/errors.ts';
import type { ParsedDocument } from '../../lambdas/core/records.ts';
import { parsePdf } from '../../lambdas/adapters/parsers/pdf-parser.ts';

/** A paragraph to draw: its lines, set in one size. */
interface Para { readonly lines: readonly string[]; readonly size?: number }

const BODY = 11;

/** Draws paragraphs top-down with ordinary leading inside them and a blank line between them. */
const drawParagraphs = (page: PDFPage, font: PDFFont, paras: readonly Para[]) => {
  let y = page.getHeight() - 60;
  for (const { lines, size = BODY } of paras) {
    for (const line of lines) {
      page.drawText(line, { x: 50, y, size, font });
      y -= size * 1.25;
    }
    y -= size * 1.25;
  }
};

const makePdf = async (pages: readonly (readonly Para[])[], title?: string): Promise<Uint8Array> => {
  const doc = await PDFDocument.create();
  if (title !== undefined) doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const paras of pages) drawParagraphs(doc.addPage([600, 800]), font, paras);
  return doc.save();
};

const threePages = () =>
  makePdf([
    [{ lines: ['User Guide'], size: 22 }, { lines: ['Installation'], size: 15 }, { lines: ['Unpack the archive and run the', 'installer as an administrator.'] }],
    [{ lines: ['Second page, first paragraph.'] }, { lines: ['Second page, second paragraph.'] }],
    [{ lines: ['Troubleshooting'], size: 15 }, { lines: ['Restart the service.'] }],
  ], 'Parley User Guide');

/**
 * Text in any script without a font file: a Type0 font whose ToUnicode map
 * sends each code (the code point itself) back to its character, as real
 * PDFs with subset fonts do. `lines` are drawn as given, in visual order.
 */
const makeUnicodePdf = async (lines: readonly string[]): Promise<Uint8Array> => {
  const doc = await PDFDocument.create();
  const hex = (ch: string) => ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  const chars = [...new Set(lines.join(''))];
  const cmap = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    `${chars.length} beginbfchar`, ...chars.map((ch) => `<${hex(ch)}> <${hex(ch)}>`), 'endbfchar',
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const ctx = doc.context;
  const descriptor = ctx.register(ctx.obj({ Type: 'FontDescriptor', FontName: 'Unembedded', Flags: 4, FontBBox: [0, -200, 1000, 900], ItalicAngle: 0, Ascent: 880, Descent: -120, CapHeight: 700, StemV: 80 }));
  const cidFont = ctx.register(ctx.obj({
    Type: 'Font', Subtype: 'CIDFontType2', BaseFont: 'Unembedded', FontDescriptor: descriptor, DW: 600,
    CIDSystemInfo: { Registry: PDFHexString.fromText('Adobe'), Ordering: PDFHexString.fromText('Identity'), Supplement: 0 },
  }));
  const font = ctx.register(ctx.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: 'Unembedded', Encoding: 'Identity-H', DescendantFonts: [cidFont], ToUnicode: ctx.register(ctx.stream(cmap)) }));
  const page = doc.addPage([500, 500]);
  page.node.setFontDictionary(PDFName.of('FU'), font);
  lines.forEach((line, i) => {
    const codes = PDFHexString.of([...line].map(hex).join(''));
    page.pushOperators(beginText(), setFontAndSize('FU', 12), moveText(40, 450 - i * 15), showText(codes), endText());
  });
  return doc.save();
};

/** Deterministic noise, so a failure can be replayed. */
const noise = (length: number, seed = 42): Uint8Array => {
  const out = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
};

const expectOffsets = (doc: ParsedDocument) => {
  for (const block of doc.blocks) expect(doc.text.slice(block.start, block.end)).toBe(block.text);
  for (let i = 1; i < doc.blocks.length; i++) expect(doc.blocks[i]!.start).toBeGreaterThanOrEqual(doc.blocks[i - 1]!.end);
};

const reasonOf = async (work: Promise<unknown>): Promise<string> => {
  const error = await work.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UnreadableDocument);
  return (error as UnreadableDocument).message;
};

describe('pdf parsing', () => {
  it('puts each block on the page it came from', async () => {
    const doc = await parsePdf(await threePages(), 'guide.pdf');
    expectOffsets(doc);
    expect(doc.blocks.map((b) => [b.page, b.text])).toEqual([
      [1, 'User Guide'],
      [1, 'Installation'],
      [1, 'Unpack the archive and run the installer as an administrator.'],
      [2, 'Second page, first paragraph.'],
      [2, 'Second page, second paragraph.'],
      [3, 'Troubleshooting'],
      [3, 'Restart the service.'],
    ]);
  });

  it('skips a page without text and keeps counting pages', async () => {
    const doc = await parsePdf(await makePdf([[{ lines: ['First.'] }], [], [{ lines: ['Third.'] }]]), 'x.pdf');
    expect(doc.blocks.map((b) => [b.page, b.text])).toEqual([[1, 'First.'], [3, 'Third.']]);
  });

  it('marks larger short lines as headings and gives every block its heading path', async () => {
    const doc = await parsePdf(await threePages(), 'guide.pdf');
    expect(doc.blocks.map((b) => [b.kind, b.headings.join(' › ')])).toEqual([
      ['heading', 'User Guide'],
      ['heading', 'User Guide › Installation'],
      ['paragraph', 'User Guide › Installation'],
      ['paragraph', 'User Guide › Installation'],
      ['paragraph', 'User Guide › Installation'],
      ['heading', 'User Guide › Troubleshooting'],
      ['paragraph', 'User Guide › Troubleshooting'],
    ]);
  });

  it('joins words broken across lines, keeps real compounds and collapses runs of spaces', async () => {
    const bytes = await makePdf([[
      { lines: ['A well-known fact about the docu-', 'ment: it is well-', 'known and   spaced   out.'] },
      { lines: ['Names like Jean-', 'Luc keep their hyphen.'] },
    ]]);
    const doc = await parsePdf(bytes, 'x.pdf');
    expectOffsets(doc);
    expect(doc.blocks.map((b) => b.text)).toEqual([
      'A well-known fact about the document: it is well-known and spaced out.',
      'Names like Jean-Luc keep their hyphen.',
    ]);
  });

  it('rebuilds a line from separately drawn pieces by their positions', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([400, 200]);
    // Drawn out of order; "Hel" and "lo" touch, "world" sits a space away.
    page.drawText('world', { x: 50 + font.widthOfTextAtSize('Hello ', 12), y: 150, size: 12, font });
    page.drawText('lo', { x: 50 + font.widthOfTextAtSize('Hel', 12), y: 150, size: 12, font });
    page.drawText('Hel', { x: 50, y: 150, size: 12, font });
    const parsed = await parsePdf(await doc.save(), 'x.pdf');
    expect(parsed.text).toBe('Hello world');
  });

  it('titles the document from its metadata, or else from its file name', async () => {
    const page = [[{ lines: ['Some text.'] }]];
    expect((await parsePdf(await makePdf(page, '  Returns   Policy '), 'x.pdf')).title).toBe('Returns Policy');
    expect((await parsePdf(await makePdf(page, 'Microsoft Word - returns-policy.docx'), 'x.pdf')).title).toBe('returns-policy');
    expect((await parsePdf(await makePdf(page), 'returns_policy-2024.pdf')).title).toBe('returns policy 2024');
    expect((await parsePdf(await makePdf(page, 'Untitled'), 'returns.pdf')).title).toBe('returns');
    expect((await parsePdf(await makePdf(page, '   '), 'returns.pdf')).title).toBe('returns');
  });

  it('keeps Cyrillic, CJK and Arabic text intact, in reading order', async () => {
    const arabic = 'مرحبا بالعالم';
    const doc = await parsePdf(await makeUnicodePdf([
      'Привет, мир — это тест.',
      '你好，世界。这是',
      '一个测试。',
      // PDFs lay right-to-left text out left to right: the visual order.
      [...arabic].reverse().join(''),
    ]), 'x.pdf');
    expectOffsets(doc);
    expect(doc.text).toBe(`Привет, мир — это тест. 你好，世界。这是一个测试。 ${arabic}`);
  });

  it('accepts a Node Buffer and leaves the caller\'s bytes untouched', async () => {
    const bytes = await threePages();
    const copy = bytes.slice();
    await parsePdf(Buffer.from(bytes), 'guide.pdf');
    await parsePdf(bytes, 'guide.pdf');
    expect(bytes).toEqual(copy);
  });

  it('parses a 100-page PDF page by page', async () => {
    const pages = Array.from({ length: 100 }, (_, i) => [
      { lines: [`Chapter ${i + 1}`], size: 16 },
      ...Array.from({ length: 8 }, (_, j) => ({ lines: [`Paragraph ${j + 1} of page ${i + 1} says something useful about`, 'the product, its setup and its everyday use.'] })),
    ]);
    const bytes = await makePdf(pages);
    // Its speed and memory are measured in the ingest bench (test/bench/ingest-throughput.ts), not here.
    const doc = await parsePdf(bytes, 'big.pdf');
    expect(doc.blocks).toHaveLength(900);
    expect(doc.blocks[doc.blocks.length - 1]).toMatchObject({ page: 100, headings: ['Chapter 100'] });
    expectOffsets(doc);
  });
});

describe('pdf parsing failures', () => {
  it('refuses a password-protected PDF', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/pdf/password-protected.pdf', import.meta.url)));
    expect(await reasonOf(parsePdf(bytes, 'x.pdf'))).toBe('This PDF is password-protected. Remove the password and upload it again.');
  });

  it('refuses a truncated PDF', async () => {
    const bytes = await threePages();
    expect(await reasonOf(parsePdf(bytes.slice(0, Math.floor(bytes.length * 0.6)), 'x.pdf'))).toBe('This PDF is damaged and cannot be read.');
  });

  it('refuses noise behind a PDF header without hanging', { timeout: 5_000 }, async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('%PDF-1.7\n'), ...noise(64 * 1024)]);
    expect(await reasonOf(parsePdf(bytes, 'x.pdf'))).toBe('This PDF is damaged and cannot be read.');
    expect(await reasonOf(parsePdf(new Uint8Array(0), 'x.pdf'))).toBe('This PDF is damaged and cannot be read.');
  });

  it('refuses a page tree that contains itself without hanging', { timeout: 5_000 }, async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const pages = doc.catalog.Pages();
    pages.Kids().push(doc.catalog.get(PDFName.of('Pages'))!);
    pages.set(PDFName.of('Count'), PDFNumber.of(2));
    expect(await reasonOf(parsePdf(await doc.save(), 'x.pdf'))).toBe('This PDF is damaged and cannot be read.');
  });

  it('refuses a PDF whose pages have no text', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.addPage();
    expect(await reasonOf(parsePdf(await doc.save(), 'scan.pdf'))).toBe('This PDF has no text layer — it looks scanned. Upload a PDF with selectable text.');
  });

  it('refuses more pages than the limit, 2,000 by default, before reading any', async () => {
    expect(await reasonOf(parsePdf(await threePages(), 'x.pdf', { maxPages: 2 }))).toBe('This PDF has more than 2 pages.');
    // 2,001 pages that are all the same page object: a tiny file.
    const doc = await PDFDocument.create();
    doc.addPage();
    const pages = doc.catalog.Pages();
    const page = pages.Kids().get(0);
    for (let i = 1; i <= 2_000; i++) pages.Kids().push(page);
    pages.set(PDFName.of('Count'), PDFNumber.of(2_001));
    expect(await reasonOf(parsePdf(await doc.save(), 'x.pdf'))).toBe('This PDF has more than 2,000 pages.');
  });
});
