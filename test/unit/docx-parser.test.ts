import { strToU8, zipSync } from 'fflate';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UnreadableDocument } from '../../lambdas/core/errors.ts';
import { parseDocx } from '../../lambdas/adapters/parsers/docx-parser.ts';
import { expectOffsets } from './fixtures/offsets.ts';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`;

const RELS = `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;

const documentXml = (body: string, prefix = 'w') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${prefix}:document xmlns:${prefix}="${W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><${prefix}:body>${body}</${prefix}:body></${prefix}:document>`;

/** A paragraph with an optional style and runs of text. */
const p = (text: string, style?: string) =>
  `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;

const coreXml = (title: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${title}</dc:title><dc:creator>Someone</dc:creator></cp:coreProperties>`;

/** A DOCX built the way Word lays one out; `parts` adds or replaces parts. */
const docx = (body: string, parts: Record<string, string> = {}): Uint8Array =>
  zipSync({
    '[Content_Types].xml': strToU8(CONTENT_TYPES),
    '_rels/.rels': strToU8(RELS),
    'word/document.xml': strToU8(documentXml(body)),
    ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, strToU8(v)])),
  });


const parse = (bytes: Uint8Array, name = 'handbook.docx', limits?: { maxUncompressedBytes?: number }) => {
  const doc = parseDocx(bytes, name, limits);
  expectOffsets(doc);
  return doc;
};

const reasonOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UnreadableDocument);
    return (err as Error).message;
  }
  throw new Error('expected the document to be refused');
};

interface RawEntry {
  name: string;
  data: Uint8Array;
  method: 0 | 8;
  /** What the archive claims; defaults to the truth. */
  size: number;
  crc: number;
  flags?: number;
}

/** A ZIP written by hand, so an entry can lie about its size. */
const rawZip = (entries: RawEntry[]): Uint8Array => {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.flags ?? 0, 6);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.crc, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.flags ?? 0, 8);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(entry.crc, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(entry.data));
    centrals.push(central, name);
    offset += 30 + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
};

const deflated = (text: string): RawEntry => {
  const data = strToU8(text);
  return { name: '', data: deflateRawSync(data), method: 8, size: data.length, crc: crc32(data) };
};

/**
 * DEFLATE data for `megabytes` MB of zeros, about 1 KB per MB: one sync-flushed
 * (byte-aligned, not final) block repeated, then a final empty block. Nothing
 * of that size is ever allocated.
 */
const zerosDeflated = (megabytes: number, tail: Uint8Array = new Uint8Array([0x03, 0x00])): Uint8Array => {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH });
  return new Uint8Array(Buffer.concat([...Array.from({ length: megabytes }, () => block), tail]));
};

describe('DOCX parsing', () => {
  it('reads paragraphs, runs, tabs and line breaks in order', () => {
    const body =
      '<w:p><w:r><w:t>Opening </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>hours</w:t></w:r><w:r><w:tab/><w:t>9–17</w:t><w:br/><w:t>Closed on Sundays</w:t></w:r></w:p>' +
      '<w:p/>' +
      p('Second &amp; last &lt;paragraph&gt;');
    const doc = parse(docx(body));
    expect(doc.blocks.map((b) => b.text)).toEqual(['Opening hours\t9–17\nClosed on Sundays', 'Second & last <paragraph>']);
    expect(doc.blocks.every((b) => b.kind === 'paragraph')).toBe(true);
  });

  it('turns Title and Heading styles into a heading path, as the text parser does', () => {
    const body = p('Staff handbook', 'Title') + p('Intro.') + p('Leave', 'Heading1') + p('Annual leave', 'Heading2') + p('25 days.') + p('Pay', 'Heading1') + p('Monthly.');
    const doc = parse(docx(body));
    expect(doc.blocks.map((b) => [b.kind, b.text, b.headings.join(' › ')])).toEqual([
      ['heading', 'Staff handbook', 'Staff handbook'],
      ['paragraph', 'Intro.', 'Staff handbook'],
      ['heading', 'Leave', 'Leave'],
      ['heading', 'Annual leave', 'Leave › Annual leave'],
      ['paragraph', '25 days.', 'Leave › Annual leave'],
      ['heading', 'Pay', 'Pay'],
      ['paragraph', 'Monthly.', 'Pay'],
    ]);
  });

  it('finds headings in localised and custom styles through styles.xml', () => {
    const styles = `<w:styles xmlns:w="${W}">
      <w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>
      <w:style w:type="paragraph" w:styleId="Kapitel"><w:name w:val="Kapitel"/><w:basedOn w:val="berschrift2"/></w:style>
      <w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="Fancy body"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>
    </w:styles>`;
    const body = p('Urlaub', 'berschrift1') + p('Regeln', 'Kapitel') + p('Text.') + p('Not a heading', 'Heading1');
    const doc = parse(docx(body, { 'word/styles.xml': styles }));
    expect(doc.blocks.map((b) => [b.kind, b.headings.join('/')])).toEqual([
      ['heading', 'Urlaub'],
      ['heading', 'Urlaub/Regeln'],
      ['paragraph', 'Urlaub/Regeln'],
      ['paragraph', 'Urlaub/Regeln'],
    ]);
  });

  it('keeps list items as paragraphs and writes each table row as one line', () => {
    const cell = (text: string) => `<w:tc><w:tcPr/>${p(text)}</w:tc>`;
    const body =
      '<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>First item</w:t></w:r></w:p>' +
      '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Second item</w:t></w:r></w:p>' +
      `<w:tbl><w:tr>${cell('Plan')}${cell('Price')}</w:tr><w:tr>${cell('Basic')}<w:tc>${p('€9')}${p('per month')}</w:tc></w:tr>` +
      `<w:tr><w:tc/>${cell('')}</w:tr><w:tr>${cell('Pro')}<w:tc><w:tbl><w:tr>${cell('€29')}${cell('billed yearly')}</w:tr></w:tbl></w:tc></w:tr></w:tbl>` +
      p('After the table.');
    const doc = parse(docx(body));
    expect(doc.blocks.map((b) => b.text)).toEqual([
      'First item',
      'Second item',
      'Plan | Price',
      'Basic | €9 per month',
      'Pro | €29 billed yearly',
      'After the table.',
    ]);
  });

  it('leaves out deleted and moved-away text, field codes and fallback copies', () => {
    const body =
      '<w:p><w:r><w:t>Kept </w:t></w:r><w:del w:id="1"><w:r><w:delText>deleted </w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>inserted</w:t></w:r></w:ins></w:p>' +
      '<w:moveFrom w:id="3"><w:p><w:r><w:t>old place</w:t></w:r></w:p></w:moveFrom>' +
      '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>' +
      '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>' +
      p('Text box') +
      '</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>' +
      p('Text box') +
      '</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>';
    const doc = parse(docx(body));
    expect(doc.blocks.map((b) => b.text)).toEqual(['Kept inserted', '7', 'Text box']);
  });

  it('never expands entities a document type declares', () => {
    const xml = documentXml(p('&lol2;')).replace('<w:document', '<!DOCTYPE w:document [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n<w:document');
    const doc = parse(zipSync({ 'word/document.xml': strToU8(xml) }));
    expect(doc.text).not.toContain('lollol');
  });

  it('reads a document whose WordprocessingML prefix is not w', () => {
    const xml = documentXml('<x:p><x:pPr><x:pStyle x:val="Heading1"/></x:pPr><x:r><x:t>Hello</x:t></x:r></x:p>', 'x');
    const doc = parse(zipSync({ '[Content_Types].xml': strToU8(CONTENT_TYPES), 'word/document.xml': strToU8(xml) }));
    expect(doc.blocks).toMatchObject([{ kind: 'heading', text: 'Hello' }]);
  });

  it('titles the document from its properties, then its first heading, then its file name', () => {
    expect(parse(docx(p('Intro', 'Heading1'), { 'docProps/core.xml': coreXml('Staff &amp; pay') })).title).toBe('Staff & pay');
    expect(parse(docx(p('Body') + p('Intro', 'Heading2'), { 'docProps/core.xml': coreXml('  ') })).title).toBe('Intro');
    expect(parse(docx(p('Body')), 'staff_handbook-2025.docx').title).toBe('staff handbook 2025');
  });

  it('finds the main document where the package relationships point', () => {
    const rels = RELS.replace('word/document.xml', '/word/document2.xml');
    const bytes = zipSync({
      '[Content_Types].xml': strToU8(CONTENT_TYPES),
      '_rels/.rels': strToU8(rels),
      'word/document2.xml': strToU8(documentXml(p('From document2'))),
    });
    expect(parse(bytes).blocks.map((b) => b.text)).toEqual(['From document2']);
  });
});

describe('DOCX refusals', () => {
  it('calls random bytes, a truncated file and a corrupted part damaged', () => {
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    expect(reasonOf(() => parseDocx(random, 'a.docx'))).toContain('This Word file is damaged and cannot be read.');
    const good = docx(p('Hello'));
    expect(reasonOf(() => parseDocx(good.subarray(0, good.length - 30), 'a.docx'))).toContain('damaged');
    const entry = deflated(documentXml(p('Hello')));
    const corrupted = rawZip([{ ...entry, name: 'word/document.xml', crc: (entry.crc + 1) >>> 0 }]);
    expect(reasonOf(() => parseDocx(corrupted, 'a.docx'))).toContain('damaged');
    const garbage = rawZip([{ ...entry, name: 'word/document.xml', data: new Uint8Array([0xff, 0xff, 0xff, 0xff]) }]);
    expect(reasonOf(() => parseDocx(garbage, 'a.docx'))).toContain('damaged');
  });

  it('recognises a password-protected DOCX by its OLE container', () => {
    const ole = new Uint8Array(2048);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    ole.set(Buffer.from('EncryptionInfo', 'utf16le'), 1024);
    ole.set(Buffer.from('EncryptedPackage', 'utf16le'), 1152);
    expect(reasonOf(() => parseDocx(ole, 'secret.docx'))).toMatch(/^This Word file is password-protected\./);
    const zipEncrypted = rawZip([{ ...deflated(documentXml(p('x'))), name: 'word/document.xml', flags: 1 }]);
    expect(reasonOf(() => parseDocx(zipEncrypted, 'secret.docx'))).toMatch(/password-protected/);
  });

  it('asks for an old .doc file to be saved as .docx', () => {
    const doc = new Uint8Array(2048);
    doc.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    doc.set(Buffer.from('WordDocument', 'utf16le'), 1024);
    expect(reasonOf(() => parseDocx(doc, 'letter.docx'))).toBe('This is an old Word (.doc) file: save it as .docx and upload it again.');
    expect(reasonOf(() => parseDocx(doc.slice(0, 512), 'letter.doc'))).toContain('old Word (.doc) file');
    expect(reasonOf(() => parseDocx(strToU8('{\\rtf1\\ansi Hello}'), 'letter.docx'))).toContain('Rich Text');
  });

  it('says when a ZIP is not a Word document', () => {
    const xlsx = zipSync({ '[Content_Types].xml': strToU8(CONTENT_TYPES), 'xl/workbook.xml': strToU8('<workbook/>') });
    expect(reasonOf(() => parseDocx(xlsx, 'sheet.docx'))).toContain('not a Word (.docx) document');
  });

  it('refuses a zip bomb that declares its size before inflating anything', () => {
    // It claims 200 MB, and its stream is broken from the first byte: only a reader that
    // refuses on the claim, inflating nothing, answers "too large" rather than "damaged".
    const data = new Uint8Array([0xff, 0xff, 0xff]);
    const bomb = rawZip([{ name: 'word/document.xml', data, method: 8, size: 200 * 1024 * 1024, crc: 0 }]);
    expect(reasonOf(() => parseDocx(bomb, 'bomb.docx'))).toMatch(/^This Word file expands to more than 50 MB/);
  });

  it('stops a zip bomb that lies about its size at the limit, with bounded memory', () => {
    // 200 MB of zeros that claims to be 1 KB, and whose stream is broken at the very end:
    // only a reader that stops at the limit answers "too large" rather than "damaged".
    const data = zerosDeflated(200, new Uint8Array([0xff, 0xff, 0xff]));
    const bomb = rawZip([{ name: 'word/document.xml', data, method: 8, size: 1024, crc: 0 }]);
    const before = process.memoryUsage();
    expect(reasonOf(() => parseDocx(bomb, 'bomb.docx'))).toMatch(/^This Word file expands to more than 50 MB/);
    const after = process.memoryUsage();
    console.info(
      `zip bomb (200 MB claimed as 1 KB): rss +${((after.rss - before.rss) / 2 ** 20).toFixed(0)} MB, array buffers +${((after.arrayBuffers - before.arrayBuffers) / 2 ** 20).toFixed(0)} MB`,
    );
    expect(reasonOf(() => parseDocx(bomb, 'bomb.docx', { maxUncompressedBytes: 2 * 1024 * 1024 }))).toMatch(
      /expands to more than 2 MB when unpacked/,
    );
  });

  it('counts every part read against the one limit', () => {
    const bytes = docx(p('x'.repeat(5000)), { 'docProps/core.xml': coreXml('t'.repeat(5000)) });
    expect(parse(bytes, 'a.docx', { maxUncompressedBytes: 20_000 }).blocks).toHaveLength(1);
    expect(reasonOf(() => parseDocx(bytes, 'a.docx', { maxUncompressedBytes: 8_000 }))).toMatch(/expands to more than 7.8 KB/);
  });
});
