/**
 * Text files as they come (issue 24 item 2): UTF-16 with a byte order mark,
 * charsets a page or an upload declares, and a clear refusal for the rest.
 */
import { describe, expect, it } from 'vitest';
import { UnreadableDocument } from '../../lambdas/core/errors.ts';
import { createDocumentParser } from '../../lambdas/adapters/parsers/document-parser.ts';
import { combinePages } from '../../lambdas/core/website.ts';

const parser = createDocumentParser();
const concat = (...parts: (Uint8Array | readonly number[] | string)[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : [...p])));

const utf16 = (text: string, order: 'le' | 'be'): Uint8Array => {
  const le = Buffer.from(text, 'utf16le');
  if (order === 'le') return concat([0xff, 0xfe], le);
  const be = Buffer.from(le);
  be.swap16();
  return concat([0xfe, 0xff], be);
};

const refusal = async (bytes: Uint8Array, contentType: string, name: string): Promise<string> => {
  const error = await parser.parse(bytes, contentType, name).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UnreadableDocument);
  return (error as Error).message;
};

// 日本語 in Shift_JIS and Crème brûlée in Windows-1252: encodings Node can decode but not encode.
const NIHONGO_SJIS = [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea];
const CREME_1252 = 'Cr\xe8me br\xfbl\xe9e';

describe('text encodings', () => {
  it('reads UTF-16 little-endian and big-endian files with a byte order mark', async () => {
    const text = '# Öffnungszeiten\r\n\r\nMontag bis Freitag, 9–17 Uhr. 営業時間 🙂';
    for (const order of ['le', 'be'] as const) {
      const doc = await parser.parse(utf16(text, order), 'text/markdown', 'hours.md');
      expect(doc.text).toBe('# Öffnungszeiten\n\nMontag bis Freitag, 9–17 Uhr. 営業時間 🙂');
      expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph']);
      expect(doc.title).toBe('Öffnungszeiten');
    }
  });

  it('reads a UTF-16 CSV the way spreadsheet programs export it', async () => {
    const doc = await parser.parse(utf16('Question,Answer\r\nOpening hours?,Nine to five\r\n', 'le'), 'text/csv', 'faq.csv');
    expect(doc.text).toContain('Nine to five');
  });

  it('reads the charset a web page declares in a meta element', async () => {
    const sjis = concat('<html><head><meta charset="Shift_JIS"><title>t</title></head><body><p>', NIHONGO_SJIS, '</p></body></html>');
    expect((await parser.parse(sjis, 'text/html', 'ja.html')).text).toContain('日本語');
    const legacy = concat('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body><p>', CREME_1252, '</p></body></html>');
    expect((await parser.parse(legacy, 'text/html', 'menu.html')).text).toContain('Crème brûlée');
  });

  it('reads the charset an upload declares in its content type', async () => {
    const doc = await parser.parse(concat('Dessert: ', CREME_1252), 'text/plain; charset=windows-1252', 'menu.txt');
    expect(doc.text).toBe('Dessert: Crème brûlée');
  });

  it('lets the content type\'s charset win over the page\'s own, as crawled pages re-encoded as UTF-8 need', async () => {
    const page = '<html><head><meta charset="windows-1252"></head><body><p>Crème brûlée</p></body></html>';
    expect((await parser.parse(new TextEncoder().encode(page), 'text/html; charset=utf-8', 'https://example.com/')).text).toContain('Crème brûlée');
  });

  it('reads a crawled page that the crawler decoded from its declared charset without decoding it twice', async () => {
    const page = { url: 'https://example.com/menu', html: '<html><head><meta charset="windows-1252"></head><body><p>Crème brûlée</p></body></html>' };
    const doc = await combinePages({ parser }, 'Menu', [page]);
    expect(doc.text).toContain('Crème brûlée');
  });

  it('lets a byte order mark win over a declaration, as browsers do', async () => {
    const doc = await parser.parse(utf16('<html><head><meta charset="iso-8859-1"></head><body><p>Grüße</p></body></html>', 'le'), 'text/html', 'x.html');
    expect(doc.text).toContain('Grüße');
  });

  it('still reads UTF-8 with or without its byte order mark', async () => {
    expect((await parser.parse(concat([0xef, 0xbb, 0xbf], Buffer.from('Grüße')), 'text/plain', 'a.txt')).text).toBe('Grüße');
    expect((await parser.parse(new Uint8Array(Buffer.from('Grüße')), 'text/plain', 'a.txt')).text).toBe('Grüße');
  });
});

describe('text encodings that cannot be read', () => {
  it('refuses a file that is not UTF-8 and declares nothing, saying so', async () => {
    expect(await refusal(concat(CREME_1252), 'text/plain', 'menu.txt')).toBe(
      'This file is not valid UTF-8 and does not say which encoding it uses, or it is a binary file. Save it as UTF-8 text and upload it again.');
  });

  it('refuses bytes that are not valid in the declared encoding', async () => {
    const broken = concat('<meta charset="Shift_JIS"><p>', [0x81, 0x20], '</p>');
    expect(await refusal(broken, 'text/html', 'x.html')).toBe('This file says it is in Shift_JIS, but some of its bytes are not valid Shift_JIS. Save it as UTF-8 text and upload it again.');
  });

  it('reads as UTF-8 a page that kept an old declaration when it was saved again as UTF-8', async () => {
    // As Readability's "qq" test page: it says gb2312, its bytes are UTF-8 and are not valid gb2312.
    const page = new TextEncoder().encode('<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>人工智能迈上新台阶 — “quoted”</p>');
    expect((await parser.parse(page, 'text/html', 'x.html')).text).toBe('人工智能迈上新台阶 — “quoted”');
  });

  it('refuses UTF-16 with a lone surrogate or an odd byte', async () => {
    expect(await refusal(concat([0xff, 0xfe], [0x00, 0xd8, 0x41, 0x00]), 'text/plain', 'x.txt')).toMatch(/^This file says it is in UTF-16, but some of its bytes are not valid UTF-16\./);
    expect(await refusal(concat([0xff, 0xfe], [0x41, 0x00, 0x42]), 'text/plain', 'x.txt')).toMatch(/not valid UTF-16/);
  });

  it('refuses UTF-32, which it does not read', async () => {
    expect(await refusal(concat([0xff, 0xfe, 0, 0], [0x41, 0, 0, 0]), 'text/plain', 'x.txt')).toBe('This file is in UTF-32, which Parley does not read. Save it as UTF-8 text and upload it again.');
  });

  it('names an encoding it does not know, and reads the file when it is UTF-8 all the same', async () => {
    expect(await refusal(concat('<meta charset="x-made-up"><p>', CREME_1252), 'text/html', 'x.html')).toMatch(/^This file says its text is in "x-made-up", an encoding Parley does not know/);
    expect((await parser.parse(new Uint8Array(Buffer.from('<meta charset="x-made-up"><p>Grüße</p>')), 'text/html', 'x.html')).text).toContain('Grüße');
  });

  it('refuses NUL bytes without a byte order mark as binary', async () => {
    expect(await refusal(new Uint8Array([0x41, 0x00, 0x42, 0x00]), 'text/plain', 'x.txt')).toMatch(/binary file/);
  });

  it('says a UTF-16 text declared as a PDF looks like text', async () => {
    expect(await refusal(utf16('hello', 'le'), 'application/pdf', 'x.pdf')).toMatch(/but its contents look like text\./);
  });
});
